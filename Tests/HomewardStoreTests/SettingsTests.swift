import Foundation
import Homeward
import HomewardStore
import TestSupport
import Testing

/// One settings type, read once and strictly: unknown keys and impossible values are refused with file and line.
@Suite struct SettingsTests {
    @Test func theShippedFileReadsWithoutProblems() throws {
        let shipped = TestDatabase.repositoryRoot.appendingPathComponent(HomewardSettings.defaultPath)
        let settings = try HomewardSettings.load(path: shipped.path)
        #expect(settings.scheduling.timeZone == "Asia/Almaty")
        #expect(settings.scheduling.budgetIterations == 10_000)
        #expect(settings.flags == (try FlagSettings.load(from: shipped)))
        #expect(settings.file == shipped.path)
    }

    @Test func anUnknownKeyAnywhereIsRefusedWithItsLine() throws {
        let yaml = """
            scheduling:
              time_zone: Asia/Almaty
              max_sessions_per_day_adlt: 2
              weights:
                continuity: 10
                continuty: 3
            flags:
              school:
                watch_belo: 0.8
            schedulng:
              seed: 2
            """
        let error = #expect(throws: FlagSettingsError.self) { try HomewardSettings.parse(yaml: yaml, file: "site.yaml") }
        let text = error?.description ?? ""
        #expect(text.hasPrefix("site.yaml: 4 problems"), "\(text)")
        for (key, line) in [("scheduling.max_sessions_per_day_adlt", 3), ("scheduling.weights.continuty", 6),
                            ("flags.school.watch_belo", 9), ("schedulng", 10)] {
            #expect(text.contains("\(key)") && text.contains("line \(line)"), "\(key) at line \(line): \(text)")
        }
    }

    @Test func impossibleSchedulingValuesAreRefused() throws {
        let yaml = "scheduling:\n  slot_minutes: 0\n  time_zone: Mars/Olympus\n  max_sessions_per_day_child: 0\n  after_school_buffer_minutes: -5\n"
        let error = #expect(throws: FlagSettingsError.self) { try HomewardSettings.parse(yaml: yaml) }
        let fields = Set(error?.problems.map(\.field) ?? [])
        #expect(fields == ["scheduling.slot_minutes", "scheduling.time_zone", "scheduling.max_sessions_per_day_child",
                           "scheduling.after_school_buffer_minutes"])
    }

    @Test func aNamedFileThatIsMissingIsAnErrorNotTheDefaults() throws {
        let error = #expect(throws: FlagSettingsError.self) { try HomewardSettings.load(path: "/nonexistent/homeward-settings.yaml") }
        #expect(error?.description.contains("cannot be read") == true)
        // No file named and none shipped: an error too (exit 78 in the CLI), never the built-in defaults.
        let nothing = #expect(throws: FlagSettingsError.self) { try HomewardSettings.load(path: nil, shipped: nil) }
        #expect(nothing?.description.contains("was not found") == true && nothing?.description.contains("--config") == true,
                "\(String(describing: nothing))")
        // What is left out keeps its default; an empty section is allowed.
        let partial = try HomewardSettings.parse(yaml: "scheduling:\n  seed: 7\nflags:\n")
        #expect(partial.scheduling.seed == 7 && partial.scheduling.slotMinutes == 15 && partial.flags == FlagSettings())
    }
}
