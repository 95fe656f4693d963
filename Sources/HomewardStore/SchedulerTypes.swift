import Scheduler

// The scheduler and the domain both name a `Participant` and a `Room`; the store needs both. This file imports only
// the scheduler, so here the names mean the scheduler's types, and the aliases say so everywhere else.

/// A participant as the scheduler sees them: languages, age, availability slots.
typealias SchedulerParticipant = Participant
/// A room as the scheduler sees it: kind, capacity, open slots.
typealias SchedulerRoom = Room
