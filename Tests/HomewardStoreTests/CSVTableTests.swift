import HomewardStore
import Testing

@Suite struct CSVTableTests {
    @Test func readsQuotedFieldsWithCommasQuotesAndLineBreaks() throws {
        let text = "name,note,city\n\"Қасымова, Әсел\",\"said \"\"hello\"\"\",Aktau\nӨмір,\"two\nlines\",\"\"\n"
        let table = try CSVTable(parsing: text)
        #expect(table.header == ["name", "note", "city"])
        #expect(table.records == [
            CSVTable.Record(line: 2, fields: ["Қасымова, Әсел", "said \"hello\"", "Aktau"]),
            CSVTable.Record(line: 3, fields: ["Өмір", "two\nlines", ""]),
        ])
    }

    @Test func keepsTheSourceLineAfterMultiLineFieldsAndBlankLines() throws {
        let table = try CSVTable(parsing: "a,b\n1,\"x\ny\nz\"\n\n2,w\n")
        #expect(table.records.map(\.line) == [2, 6])
    }

    @Test func acceptsCRLFAndAByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("code,name\r\nAKT-RC,\"Aktau\r\ncentre\"\r\nALM-NGO,Almaty\r\n".utf8)
        let table = try CSVTable(bytes: bytes)
        #expect(table.header == ["code", "name"])
        #expect(table.records.map(\.fields) == [["AKT-RC", "Aktau\r\ncentre"], ["ALM-NGO", "Almaty"]])
        #expect(table.records.map(\.line) == [2, 4])
    }

    @Test func lastLineWithoutNewlineAndTrailingEmptyField() throws {
        let table = try CSVTable(parsing: "a,b,c\n1,2,")
        #expect(table.records == [CSVTable.Record(line: 2, fields: ["1", "2", ""])])
    }

    @Test func raggedRowsAreRejectedNamingEveryLine() throws {
        let error = #expect(throws: CSVTable.Malformed.self) {
            try CSVTable(parsing: "a,b,c\n1,2,3\n1,2\n1,2,3,4\n")
        }
        #expect(error?.problems == [
            ImportProblem(line: 3, field: nil, message: "has 2 fields but the header has 3"),
            ImportProblem(line: 4, field: nil, message: "has 4 fields but the header has 3"),
        ])
    }

    @Test func anUnclosedQuoteNamesTheLineItOpenedOn() throws {
        let error = #expect(throws: CSVTable.Malformed.self) { try CSVTable(parsing: "a,b\n1,2\n3,\"open\n4,5\n") }
        #expect(error?.problems.map(\.line) == [3])
        #expect(error?.problems.first?.message.contains("never closed") == true)
    }

    @Test func strayQuotesAreRejected() throws {
        let inside = #expect(throws: CSVTable.Malformed.self) { try CSVTable(parsing: "a,b\nab\"c,d\n") }
        #expect(inside?.problems.first?.line == 2)
        let after = #expect(throws: CSVTable.Malformed.self) { try CSVTable(parsing: "a,b\n\"ab\"c,d\n") }
        #expect(after?.problems.first?.line == 2)
    }

    @Test func anEmptyFileSaysTheHeaderIsMissing() throws {
        let error = #expect(throws: CSVTable.Malformed.self) { try CSVTable(parsing: "") }
        #expect(error?.problems.first?.message.contains("header") == true)
        let headerOnly = try CSVTable(parsing: "a,b\n")
        #expect(headerOnly.records.isEmpty)
    }
}
