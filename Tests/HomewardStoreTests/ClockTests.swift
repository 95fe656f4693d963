import Foundation
import Homeward
import HomewardStore
import Postgres
import TestSupport
import Testing

/// One clock, in the database: every rule reads time through homeward.now() / homeward.today(), days are the
/// planning zone's, and the what-if day never widens who may see or change what.
@Suite struct ClockTests {
    /// What reads the wall clock or the what-if setting directly.
    static let clockReads = #"(?i)((?<!homeward\.)\mnow\s*\(\)|\mcurrent_date\M|\mcurrent_timestamp\M|\mlocaltimestamp\M|\mlocaltime\M|transaction_timestamp|statement_timestamp|clock_timestamp|timeofday\s*\(|current_setting\s*\(\s*'homeward\.today')"#

    @Test func noViewPolicyOrFunctionButTheClockReadsTheWallClockOrTheWhatIfSetting() throws {
        try TestDatabase.withConnection { connection throws in
            let functions = try connection.query(
                """
                SELECT n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname IN ('homeward', 'audit', 'oversight') AND p.prosrc ~ $1 ORDER BY 1
                """, [Self.clockReads]
            ).rows.map { try $0.decode(0, as: String.self) }
            // homeward.now() is the one caller of now(); homeward.today() the one reader of the what-if setting.
            #expect(functions == ["homeward.now", "homeward.today"])

            let views = try connection.query(
                "SELECT schemaname || '.' || viewname FROM pg_views WHERE schemaname IN ('homeward', 'audit', 'oversight') AND definition ~ $1",
                [Self.clockReads]
            ).rows.map { try $0.decode(0, as: String.self) }
            #expect(views.isEmpty, "views reading the clock directly: \(views)")

            let policies = try connection.query(
                "SELECT tablename || '.' || policyname FROM pg_policies WHERE coalesce(qual, '') ~ $1 OR coalesce(with_check, '') ~ $1",
                [Self.clockReads]
            ).rows.map { try $0.decode(0, as: String.self) }
            #expect(policies.isEmpty, "policies reading the clock directly: \(policies)")

            // And the catalogue check itself finds what it looks for.
            #expect(try connection.query("SELECT 'SELECT now()' ~ $1", [Self.clockReads]).scalar(Bool.self))
            #expect(try connection.query("SELECT 'x = CURRENT_DATE' ~ $1", [Self.clockReads]).scalar(Bool.self))
            #expect(try connection.query("SELECT 'x < homeward.now()' ~ $1", [Self.clockReads]).scalar(Bool.self) == false)
        }
    }

    @Test func theDayIsThePlanningZonesDayNotUTCs() throws {
        try TestDatabase.withConnection { connection throws in
            #expect(try Store(connection: connection).planningZone() == "Asia/Almaty")
            // Cron at 01:30 in Almaty is 20:30 UTC of the previous day: the day is already the new one.
            let day = try connection.query("SELECT homeward.local_day('2026-12-01 20:30+00')::text").scalar(String.self)
            #expect(day == "2026-12-02")
            let before = try connection.query("SELECT homeward.local_day('2026-12-01 18:59+00')::text").scalar(String.self)
            #expect(before == "2026-12-01")
        }
    }

    @Test func todayIsTheServersMomentInThePlanningZone() throws {
        try TestDatabase.withConnection { connection throws in
            // Whatever the server's date (the suite also runs with the server under faketime), today is the Almaty date
            // of the server's moment, here converted with Foundation's calendar, independently of the SQL. One
            // transaction, so both read the same moment.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Almaty")!
            try connection.execute("BEGIN")
            let moment = try connection.query("SELECT homeward.now()").scalar(Date.self)
            let today = try Store(connection: connection).today().description
            let actual = try TestClock.today(connection).description
            try connection.execute("COMMIT")
            let c = calendar.dateComponents([.year, .month, .day], from: moment)
            #expect(today == String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!))
            #expect(actual == today)
        }
    }

    @Test func aZoneWithDaylightSavingTimeMovesTheDayAtLocalMidnight() throws {
        try TestDatabase.withConnection { connection throws in
            var berlin = SchedulingSettings()
            berlin.timeZone = "Europe/Berlin"
            #expect(try Store(connection: connection).applySettings(berlin) == ["time_zone"])
            #expect(try Store(connection: connection).applySettings(berlin) == [])
            func day(_ instant: String) throws -> String {
                try connection.query("SELECT homeward.local_day($1::timestamptz)::text", [instant]).scalar(String.self)
            }
            // Summer time (UTC+2): 22:30 UTC is 00:30 the next day; winter time (UTC+1): 22:30 UTC is still 23:30.
            #expect(try day("2027-07-10 22:30+00") == "2027-07-11")
            #expect(try day("2027-01-10 22:30+00") == "2027-01-10")
            // The night the clocks go back (25 October 2026): 22:30 UTC on the 24th is 00:30 CEST on the 25th.
            #expect(try day("2026-10-24 22:30+00") == "2026-10-25")
        }
    }

    @Test func anUnknownPlanningZoneIsRefused() throws {
        try TestDatabase.withConnection { connection throws in
            var mars = SchedulingSettings()
            mars.timeZone = "Mars/Olympus"
            let error = #expect(throws: StoreError.self) { try Store(connection: connection).applySettings(mars) }
            #expect(error?.description.contains("settings_time_zone_known") == true || error?.description.contains("Mars/Olympus") == true,
                    "\(String(describing: error))")
            #expect(try Store(connection: connection).planningZone() == "Asia/Almaty")
        }
    }

    @Test func theWhatIfDayMovesProgressButNotWhoACoordinatorSees() throws {
        try SecurityTests.withLogin(.coordinator, centres: ["SEC-A"]) { database, coordinator, login throws in
            // KZ-C-0001 was at SEC-A in 2019 and has been at SEC-B since 2020.
            let admin = try database.connect()
            try admin.runScript(
                """
                INSERT INTO homeward.participants (case_number, given_name, family_name, birth_date, sex, languages, region_of_origin, returned_on)
                VALUES ('KZ-C-0001', 'Madina', 'Bekova', '1992-01-01', 'female', '{kk}', 'Almaty', '2019-05-10');
                INSERT INTO homeward.participant_placements (participant_id, centre_id, during)
                SELECT p.id, c.id, r FROM homeward.participants p,
                     LATERAL (VALUES ('SEC-A', daterange('2019-05-10', '2020-01-01')), ('SEC-B', daterange('2020-01-01', NULL))) v(code, r)
                JOIN homeward.centres c ON c.code = v.code
                WHERE p.case_number = 'KZ-C-0001';
                """)
            #expect(try SecurityTests.caseNumbers(coordinator) == ["KZ-A-0001"])

            try coordinator.execute("SET homeward.today = '2019-06-01'")
            #expect(try coordinator.query("SELECT homeward.today()::text").scalar(String.self) == "2019-06-01")
            #expect(try SecurityTests.caseNumbers(coordinator) == ["KZ-A-0001"])
            let changed = try coordinator.execute("UPDATE homeward.participants SET status = 'in_community' WHERE case_number = 'KZ-C-0001'")
            #expect(changed == 0)

            // Nor through PGOPTIONS at connection time.
            let optioned = try database.connect(as: login, options: "-c homeward.today=2019-06-01")
            #expect(try optioned.query("SELECT homeward.today()::text").scalar(String.self) == "2019-06-01")
            #expect(try SecurityTests.caseNumbers(optioned) == ["KZ-A-0001"])
        }
    }

    @Test func birthdaysMakeEligibilityARangeOfDays() throws {
        try TestDatabase.withConnection { connection throws in
            func range(_ born: String, _ minAge: Int?, _ maxAge: Int?) throws -> String {
                try connection.query(
                    "SELECT homeward.eligible_during($1::date, 'female', $2::int, $3::int, NULL)::text", [born, minAge, maxAge]
                ).scalar(String.self)
            }
            // Born 2014-12-09: 7–12 until 8 December 2027, 13–17 from 9 December 2027 until 8 December 2032.
            #expect(try range("2014-12-09", 7, 12) == "[2021-12-09,2027-12-09)")
            #expect(try range("2014-12-09", 13, 17) == "[2027-12-09,2032-12-09)")
            #expect(try range("1990-01-01", 18, nil) == "[2008-01-01,)")
            // A 29 February birthday counts from 1 March in other years, exactly as homeward.age_on says.
            #expect(try range("2016-02-29", 7, nil) == "[2023-03-01,)")
            let age = try connection.query(
                "SELECT homeward.age_on('2016-02-29', '2023-02-28')::text || '/' || homeward.age_on('2016-02-29', '2023-03-01')").scalar(String.self)
            #expect(age == "6/7")
            // The wrong sex is never eligible.
            let men = try connection.query("SELECT isempty(homeward.eligible_during('1990-01-01', 'female', 18, NULL, 'male'))").scalar(Bool.self)
            #expect(men)
        }
    }

    @Test func aWeekOnlyPartlyInsideThePlanAsksForItsShare() throws {
        try TestDatabase.withConnection { connection throws in
            // Phase started on Monday 2026-11-30; 2 sessions a week. $1 eligibility, $2 horizon end (exclusive).
            func share(_ eligible: String, _ horizonEnd: String) throws -> Int {
                try connection.query(
                    "SELECT homeward.sessions_due_in_share(2, '2026-11-30', '2026-11-30', $1::daterange, $2::date)", [eligible, horizonEnd]
                ).scalar(Int.self)
            }
            // One rule (homeward.sessions_due_to_date): the sessions due in a span are floor(2 × days since the phase began / 7)
            // at its end minus the same at its start.
            #expect(try share("(,)", "2026-12-14") == 2)       // the whole week inside the plan
            #expect(try share("(,)", "2026-12-02") == 0)       // two days: floor(4/7) = 0, a later night asks again
            #expect(try share("(,)", "2026-12-04") == 1)       // four days: floor(8/7) = 1
            #expect(try share("[,2026-12-02)", "2026-12-14") == 0)   // ages out on Wednesday: Monday and Tuesday hold none
            #expect(try share("[2026-12-02,)", "2026-12-14") == 2)   // ages in on Wednesday: floor(14/7) − floor(4/7) = 2
            #expect(try share("[,2026-12-04)", "2026-12-14") + share("[2026-12-04,)", "2026-12-14") == 2,
                    "a week split by a birthday asks for the week's sessions in all, no more")
            let progress = try connection.query(
                "SELECT homeward.sessions_due_to_date(2, '2026-11-30', '2026-12-04') = homeward.sessions_due_in_share(2, '2026-11-30', '2026-11-30', '(,)', '2026-12-04')"
            ).scalar(Bool.self)
            #expect(progress, "progress's sessions due to date and the plan's share of the week are the same rule")
            #expect(try share("empty", "2026-12-14") == 0)
        }
    }
}
