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

    // MARK: Encodings, delimiters and limits

    /// "Мадина,Омарова" in Windows-1251, as Excel's "CSV" writes it on Russian-language Windows.
    private static let cp1251Row: [UInt8] = [0xCC, 0xE0, 0xE4, 0xE8, 0xED, 0xE0, 0x2C, 0xCE, 0xEC, 0xE0, 0xF0, 0xEE, 0xE2, 0xE0]

    @Test func anotherEncodingIsRefusedNamingTheFirstLineAndTheWayOut() throws {
        let bytes = Array("given,family\nAli,Khan\n".utf8) + Self.cp1251Row + [0x0A] + Self.cp1251Row
        let error = #expect(throws: CSVTable.Malformed.self) { try CSVTable(bytes: bytes) }
        let problem = try #require(error?.problems.first)
        #expect(error?.problems.count == 1)
        #expect(problem.line == 3)
        #expect(problem.message.hasPrefix("is not UTF-8 text (byte 0xCC), and 1 later line too;"), "\(problem.message)")
        #expect(problem.message.contains("--encoding cp1251"))
    }

    @Test func cp1251AndLatin1AreReadExactlyWhenNamed() throws {
        let cyrillic = try CSVTable(bytes: Array("given,family\n".utf8) + Self.cp1251Row, options: .init(encoding: .cp1251))
        #expect(cyrillic.records.map(\.fields) == [["Мадина", "Омарова"]])
        // Every cp1251 byte but the one hole maps to its character: ЁёЂђ№ and the typographic quotes, as iconv says.
        let specials = try CSVTable(bytes: Array("a\n".utf8) + [0xA8, 0xB8, 0x80, 0x90, 0xB9, 0x93, 0x94, 0x96], options: .init(encoding: .cp1251))
        #expect(specials.records.map(\.fields) == [["ЁёЂђ№“”–"]])
        let hole = #expect(throws: CSVTable.Malformed.self) { try CSVTable(bytes: Array("a\n".utf8) + [0x98], options: .init(encoding: .cp1251)) }
        #expect(hole?.problems.first?.line == 2)
        let western = try CSVTable(bytes: Array("given,family\n".utf8) + [0x4A, 0x6F, 0x73, 0xE9, 0x2C, 0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72],
                                   options: .init(encoding: .latin1))
        #expect(western.records.map(\.fields) == [["José", "Müller"]])
    }

    @Test func utf8IsNotDecodedASecondTime() throws {
        let error = #expect(throws: CSVTable.Malformed.self) {
            try CSVTable(parsing: "given,family\nМадина,Омарова\n", options: .init(encoding: .cp1251))
        }
        #expect(error?.problems.first?.line == 2)
        #expect(error?.problems.first?.message.contains("already UTF-8") == true)
    }

    @Test func utf16IsRefused() throws {
        let error = #expect(throws: CSVTable.Malformed.self) { try CSVTable(bytes: [0xFF, 0xFE, 0x61, 0x00, 0x0A, 0x00]) }
        #expect(error?.problems.first?.message.contains("UTF-16") == true)
    }

    @Test func semicolonsAreRecognisedOrReadWhenNamed() throws {
        let text = "code;name\nAKT-RC;Aktau\n"
        let error = #expect(throws: CSVTable.Malformed.self) { try CSVTable(parsing: text) }
        #expect(error?.problems == [ImportProblem(
            line: 1, field: nil,
            message: "the columns are separated by semicolons (;), as Excel writes CSV where the comma is the decimal separator: "
                + "import it with --delimiter ';', or save it with commas")])
        let table = try CSVTable(parsing: text + "\"ALM;NGO\";\"Almaty, centre\"\n", options: .init(delimiter: ";"))
        #expect(table.records.map(\.fields) == [["AKT-RC", "Aktau"], ["ALM;NGO", "Almaty, centre"]])
    }

    @Test func nulBytesLongFieldsAndLongLinesAreRefusedNamingLineAndColumn() throws {
        let nul = #expect(throws: CSVTable.Malformed.self) { try CSVTable(bytes: Array("a,b\n1,2\nx,y\u{0}z\n".utf8)) }
        #expect(nul?.problems.map(\.line) == [3])
        #expect(nul?.problems.first?.field == "b")
        #expect(nul?.problems.first?.message.hasPrefix("contains a NUL byte") == true)

        let limit = CSVTable.maxFieldCharacters
        // Exactly the limit, in two-byte characters, is accepted; one more is not, and a megabyte stops the reader early.
        let full = try CSVTable(parsing: "a,b\n1," + String(repeating: "ж", count: limit) + "\n")
        #expect(full.records.first?.fields[1].count == limit)
        let over = #expect(throws: CSVTable.Malformed.self) { try CSVTable(parsing: "a,b\n1,\"" + String(repeating: "ж", count: limit + 1) + "\"\n") }
        #expect(over?.problems == [ImportProblem(line: 2, field: "b", message: "is longer than 4,000 characters, the most a field may hold")])
        let huge = #expect(throws: CSVTable.Malformed.self) { try CSVTable(parsing: "a,b\n" + String(repeating: "x", count: 1 << 20) + ",1\n") }
        #expect(huge?.problems.map(\.line) == [2])
        #expect(huge?.problems.first?.field == "a")

        let fields = Array(repeating: String(repeating: "y", count: 3_000), count: 30)
        let long = #expect(throws: CSVTable.Malformed.self) {
            try CSVTable(parsing: (0..<30).map { "c\($0)" }.joined(separator: ",") + "\n" + fields.joined(separator: ",") + "\n")
        }
        #expect(long?.problems == [ImportProblem(line: 2, field: nil, message: "is longer than 65,536 bytes, the most a line may hold")])
    }
}
