import Homeward
import Testing

@Suite struct LocalDateTests {
    @Test func parsesAndPrintsISODates() throws {
        let date = try #require(LocalDate("2026-11-25"))
        #expect(date.description == "2026-11-25")
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2024-02-29") != nil)
        #expect(LocalDate("2026-13-01") == nil)
        #expect(LocalDate("26-11-25") == nil)
    }

    @Test func dayArithmeticAndWeekdays() throws {
        let date = try #require(LocalDate("2026-11-25"))
        #expect(date.weekday == 3)  // a Wednesday
        #expect(date.startOfWeek == LocalDate("2026-11-23"))
        #expect(date.adding(days: 7) == LocalDate("2026-12-02"))
        #expect(date.days(until: try #require(LocalDate("2027-01-01"))) == 37)
        #expect(LocalDate(daysSinceEpoch: 0) == LocalDate("1970-01-01"))
        #expect(LocalDate("1969-12-31")?.daysSinceEpoch == -1)
    }

    @Test func isoWeeksRoundTrip() throws {
        #expect(LocalDate("2026-12-02")?.isoWeek == "2026-W49")
        #expect(LocalDate(isoWeek: "2026-W49") == LocalDate("2026-11-30"))
        #expect(LocalDate("2027-01-01")?.isoWeek == "2026-W53")
        #expect(LocalDate(isoWeek: "2026-W99") == nil)
    }

    @Test func agesCountCompletedYears() throws {
        let birth = try #require(LocalDate("2016-11-26"))
        #expect(birth.age(on: try #require(LocalDate("2026-11-25"))) == 9)
        #expect(birth.age(on: try #require(LocalDate("2026-11-26"))) == 10)
        let leap = try #require(LocalDate("2008-02-29"))
        #expect(leap.age(on: try #require(LocalDate("2026-02-28"))) == 17)
        #expect(leap.age(on: try #require(LocalDate("2026-03-01"))) == 18)
    }
}
