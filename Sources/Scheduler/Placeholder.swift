// Placeholder until the scheduler lands; delete when Scheduler.swift exists.
