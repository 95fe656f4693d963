import HomewardStore
import PropertyBased
import Testing

/// Random bytes and random rows fed to the CSV reader: every run ends in a table or in `CSVTable.Malformed` naming
/// lines of the input, never in a trap; and whatever is written as CSV reads back exactly.
@Suite struct CSVPropertyTests {
    /// Bytes that matter to the reader (delimiters, quotes, line ends, NUL, a BOM's bytes, invalid and valid UTF-8 lead
    /// and continuation bytes, cp1251's hole 0x98) among ordinary letters.
    static let alphabet: [UInt8] = Array("ab Z09-,;\"\r\n\t".utf8) + [0x00, 0x80, 0x98, 0xBB, 0xBF, 0xC0, 0xD0, 0xE9, 0xEF, 0xF0, 0xFF]

    /// One generated input and the options it is read with.
    struct Input: Sendable, CustomTestStringConvertible {
        var bytes: [UInt8]
        var encoding: CSVEncoding
        var delimiter: Character
        var testDescription: String { "\(bytes.count) bytes, \(encoding), delimiter \(delimiter.debugDescription)" }
    }

    /// 600 inputs from a fixed seed, so every run checks the same ones (see PropertyTests in SchedulerTests for why
    /// `propertyCheck` is not used).
    static let inputs: [Input] = {
        var rng = Xoshiro(seed: (0x4353_5631, 0x5052_4F50, 0x4552_5459, 0x4259_5445))
        let alphabet = Self.alphabet
        let bytes = Gen.int(in: 0...(alphabet.count - 1)).array(of: 0...240).map { $0.map { alphabet[$0] } }
        let generator = zip(bytes, Gen.int(in: 0...2), Gen.int(in: 0...2)).map { bytes, encoding, delimiter in
            Input(bytes: bytes, encoding: CSVEncoding.allCases[encoding], delimiter: CSVTable.Options.delimiters[delimiter])
        }
        return (0..<600).map { _ in generator.run(using: &rng) }
    }()

    @Test func randomBytesEndInATableOrInProblemsNamingLinesOfTheInput() {
        for input in Self.inputs {
            let lines = 1 + input.bytes.filter { $0 == 0x0A || $0 == 0x0D }.count
            do throws(CSVTable.Malformed) {
                let table = try CSVTable(bytes: input.bytes, options: CSVTable.Options(encoding: input.encoding, delimiter: input.delimiter))
                #expect(table.records.allSatisfy { $0.fields.count == table.header.count }, "\(input.bytes)")
                #expect(table.records.map(\.line) == table.records.map(\.line).sorted(), "\(input.bytes)")
                #expect(table.records.allSatisfy { $0.line > table.headerLine && $0.line <= lines }, "\(input.bytes)")
                #expect(table.records.allSatisfy { $0.fields.allSatisfy { !$0.unicodeScalars.contains("\u{0}") } }, "\(input.bytes)")
            } catch {
                #expect(!error.problems.isEmpty, "\(input.bytes)")
                #expect(error.problems.allSatisfy { (1...lines).contains($0.line) && !$0.message.isEmpty }, "\(input.bytes)")
            }
        }
    }

    /// Rows of random text, written as RFC 4180 CSV (quoted where needed) with a random delimiter.
    struct Rows: Sendable, CustomTestStringConvertible {
        var rows: [[String]]
        var delimiter: Character
        var testDescription: String { "\(rows.count) rows, delimiter \(delimiter.debugDescription)" }
    }

    static let rows: [Rows] = {
        var rng = Xoshiro(seed: (0x524F_5753, 0x5452_4950, 0x3130_3230, 0x3430_3636))
        let characters: [Character] = ["a", "Ә", "ж", "é", " ", ",", ";", "\"", "\n", "\r\n", "\t", "\u{1B}", "7", "😀"]
        let field = Gen.int(in: 0...(characters.count - 1)).array(of: 0...12).map { String($0.map { characters[$0] }) }
        let generator = zip(field.array(of: 3).array(of: 0...8), Gen.int(in: 0...2)).map { rows, delimiter in
            Rows(rows: rows, delimiter: CSVTable.Options.delimiters[delimiter])
        }
        return (0..<300).map { _ in generator.run(using: &rng) }
    }()

    @Test func whatIsWrittenAsCSVReadsBackExactly() throws {
        for sample in Self.rows {
            let separator = String(sample.delimiter)
            func quoted(_ field: String) -> String {
                let special = field.contains { $0 == sample.delimiter || $0 == "\"" || $0.isNewline } || field.isEmpty
                return special ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }
            let text = ([["a", "b", "c"]] + sample.rows).map { $0.map(quoted).joined(separator: separator) }.joined(separator: "\r\n")
            let table = try CSVTable(parsing: text, options: CSVTable.Options(delimiter: sample.delimiter))
            #expect(table.header == ["a", "b", "c"])
            #expect(table.records.map(\.fields) == sample.rows, "\(text.debugDescription)")
        }
    }
}
