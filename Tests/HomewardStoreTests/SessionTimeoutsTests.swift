@testable import HomewardStore
import Postgres
import TestSupport
import Testing

@Suite struct SessionTimeoutsTests {
    @Test func theDatabaseSectionReadsDurationsWithUnitsAndRefusesTheRest() throws {
        let settings = try HomewardSettings.parse(yaml: """
            database:
              interactive:
                lock_timeout: 250ms
              nightly:
                statement_timeout: 2min
                idle_in_transaction_session_timeout: 1h
            """)
        #expect(settings.database.interactive.lockTimeoutMilliseconds == 250)
        #expect(settings.database.interactive.statementTimeoutMilliseconds == DatabaseSettings().interactive.statementTimeoutMilliseconds)
        #expect(settings.database.nightly.statementTimeoutMilliseconds == 120_000)
        #expect(settings.database.nightly.idleInTransactionMilliseconds == 3_600_000)
        #expect(settings.database.migration.statementTimeoutMilliseconds == 0)
        #expect(settings.database.migration.lockTimeoutMilliseconds == 250)

        let error = #expect(throws: FlagSettingsError.self) {
            try HomewardSettings.parse(yaml: "database:\n  nightly:\n    lock_timeout: 30\n    statement_timeout: 0s\n  interactive:\n    lock_timout: 1s\n")
        }
        #expect(error?.problems.map(\.field) == ["database.interactive.lock_timout"])
        let values = #expect(throws: FlagSettingsError.self) {
            try HomewardSettings.parse(yaml: "database:\n  nightly:\n    lock_timeout: 30\n    statement_timeout: 0s\n")
        }
        #expect(values?.problems.map(\.description) == [
            "line 3: database.nightly.lock_timeout \"30\" must be a duration from 1ms to 24h with its unit, such as 5s, 2min or 500ms",
            "line 4: database.nightly.statement_timeout \"0s\" must be a duration from 1ms to 24h with its unit, such as 5s, 2min or 500ms",
        ])
    }

    @Test func theShippedFileSaysWhatTheDefaultsAre() throws {
        let shipped = try HomewardSettings.load(path: TestDatabase.repositoryRoot.appendingPathComponent("Config/homeward.yaml").path)
        #expect(shipped.database == DatabaseSettings())
    }

    @Test func theTimeoutsAreTheSessionsSettingsAndZeroLeavesTheServersOwn() throws {
        try TestDatabase.withConnection { connection in
            let before = try connection.query("SELECT current_setting('statement_timeout')").scalar(String.self)
            try SessionTimeouts(lockTimeoutMilliseconds: 1_500, statementTimeoutMilliseconds: 0, idleInTransactionMilliseconds: 120_000)
                .apply(to: connection)
            let row = try connection.query(
                "SELECT current_setting('lock_timeout'), current_setting('statement_timeout'), current_setting('idle_in_transaction_session_timeout')"
            ).rows[0]
            #expect(try row.decode(0, as: String.self) == "1500ms")
            #expect(try row.decode(1, as: String.self) == before)
            #expect(try row.decode(2, as: String.self) == "2min")
        }
    }
}
