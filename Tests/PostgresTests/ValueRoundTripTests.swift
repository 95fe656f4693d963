import Foundation
import Postgres
import TestSupport
import Testing

/// Every supported Swift type goes to the server as a parameter and comes back unchanged.
@Suite struct ValueRoundTripTests {
    private func roundTrip<T: PostgresCodable & Equatable>(_ value: T, as sqlType: String) throws -> T {
        try TestDatabase.withConnection { connection in
            try connection.query("SELECT $1::\(sqlType)", [value]).scalar(T.self)
        }
    }

    @Test func integersRoundTrip() throws {
        #expect(try roundTrip(Int.max, as: "bigint") == Int.max)
        #expect(try roundTrip(Int.min, as: "bigint") == Int.min)
        #expect(try roundTrip(Int32(-42), as: "integer") == -42)
        #expect(try roundTrip(Int64(7), as: "bigint") == 7)
    }

    @Test func doublesRoundTripExactly() throws {
        #expect(try roundTrip(0.1, as: "double precision") == 0.1)
        #expect(try roundTrip(-1.5e300, as: "double precision") == -1.5e300)
        #expect(try roundTrip(Double.infinity, as: "double precision") == .infinity)
        let nan = try TestDatabase.withConnection { try $0.query("SELECT 'NaN'::float8").scalar(Double.self) }
        #expect(nan.isNaN)
    }

    @Test func booleansUUIDsAndText() throws {
        #expect(try roundTrip(true, as: "boolean") == true)
        #expect(try roundTrip(false, as: "boolean") == false)
        let id = UUID()
        #expect(try roundTrip(id, as: "uuid") == id)
        #expect(try roundTrip("it's \"quoted\" \\ and\ttabbed", as: "text") == "it's \"quoted\" \\ and\ttabbed")
    }

    @Test func unicodeTextRoundTrips() throws {
        let samples = ["Қазақстан Ақтау Өскемен Үміт", "Москва, Щёлково — ёлка", "👩‍👧‍👦 семья 🇰🇿", "مرحبا"]
        for sample in samples {
            #expect(try roundTrip(sample, as: "text") == sample)
            let length = try TestDatabase.withConnection {
                try $0.query("SELECT length($1::text)", [sample]).scalar(Int.self)
            }
            #expect(length == sample.unicodeScalars.count)
        }
    }

    @Test func timestampsKeepMicroseconds() throws {
        let instant = Date(timeIntervalSince1970: 1_764_051_299.123456)
        let back = try roundTrip(instant, as: "timestamptz")
        #expect(abs(back.timeIntervalSince1970 - instant.timeIntervalSince1970) < 0.000_001)
        let beforeEpoch = Date(timeIntervalSince1970: -86_400 * 365.25 * 30)
        #expect(abs(try roundTrip(beforeEpoch, as: "timestamptz").timeIntervalSince1970 - beforeEpoch.timeIntervalSince1970) < 0.000_001)
    }

    @Test func datesDecodeAsUTCMidnight() throws {
        let date = try TestDatabase.withConnection { try $0.query("SELECT DATE '2026-11-25'").scalar(Date.self) }
        #expect(date == Date(timeIntervalSince1970: 1_795_564_800))
        let sent = try TestDatabase.withConnection {
            try $0.query("SELECT $1::date::text", [Date(timeIntervalSince1970: 1_795_564_800)]).scalar(String.self)
        }
        #expect(sent == "2026-11-25")
    }

    @Test func timestampWithOffsetsIsParsedCorrectly() throws {
        // Even if a user's session time zone were different, the wrapper sets UTC; check a literal offset too.
        let date = try TestDatabase.withConnection {
            try $0.query("SELECT '2026-11-25 11:00:00+05'::timestamptz").scalar(Date.self)
        }
        #expect(date == Date(timeIntervalSince1970: 1_795_586_400))
    }

    @Test func nullsDecodeAsNilOnlyForOptionals() throws {
        try TestDatabase.withConnection { connection in
            let row = try #require(connection.query("SELECT NULL::int, NULL::text, NULL::timestamptz, 5").first)
            #expect(try row.decode(0, as: Int?.self) == nil)
            #expect(try row.decode(1, as: String?.self) == nil)
            #expect(try row.decode(2, as: Date?.self) == nil)
            #expect(try row.decode(3, as: Int?.self) == 5)
            #expect(throws: PostgresError.self) { try row.decode(0, as: Int.self) }
            let none: Int? = nil
            #expect(try connection.query("SELECT $1::int IS NULL", [none]).scalar(Bool.self))
        }
    }

    @Test func arraysRoundTripWithAwkwardElements() throws {
        let languages = ["kk", "ru", "a,b", "with \"quote\"", "back\\slash", "NULL", ""]
        #expect(try roundTrip(languages, as: "text[]") == languages)
        #expect(try roundTrip([1, 2, 3], as: "int[]") == [1, 2, 3])
        let withNull = try TestDatabase.withConnection {
            try $0.query("SELECT ARRAY['x', NULL]::text[]").scalar([String?].self)
        }
        #expect(withNull == ["x", nil])
    }

    struct Note: Codable, Equatable { var author: String; var tags: [String]; var score: Double? }

    @Test func jsonValuesRoundTripThroughCodable() throws {
        let note = Note(author: "Әлия", tags: ["family", "school"], score: 4.5)
        let back = try TestDatabase.withConnection {
            try $0.query("SELECT $1::jsonb", [JSON(note)]).scalar(JSON<Note>.self)
        }
        #expect(back.value == note)
    }

    @Test func columnsDecodeByName() throws {
        try TestDatabase.withConnection { connection in
            let row = try #require(connection.query("SELECT 1 AS one, 'two' AS \"Two\"").first)
            #expect(try row.decode("one", as: Int.self) == 1)
            #expect(try row.decode("Two", as: String.self) == "two")
            #expect(throws: PostgresError.self) { try row.decode("three", as: Int.self) }
        }
    }

    @Test func badTextGivesADecodingErrorNamingTheColumn() throws {
        try TestDatabase.withConnection { connection in
            let row = try #require(connection.query("SELECT 'abc' AS amount").first)
            let error = #expect(throws: PostgresError.self) { try row.decode("amount", as: Int.self) }
            #expect(error?.kind == .decoding)
            #expect(error?.column == "amount")
        }
    }
}
