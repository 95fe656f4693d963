import Foundation
import HomewardStore
import Testing

/// The YAML files Homeward reads are bounded before any tree is built: size, depth, aliases, expanded nodes.
@Suite struct YAMLLimitsTests {
    /// The "billion laughs": nine levels of nine aliases each, 9^9 ≈ 387 million strings once expanded.
    static let aliasBomb = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """

    @Test func anAliasBombIsRefusedAtTheLineWhereItGrowsTooLarge() throws {
        let started = ContinuousClock.now
        let violation = try #require(YAMLLimits.check(Self.aliasBomb))
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(violation.line == 6)
        #expect(violation.description == "line 6: the file expands to more than 100,000 values once its aliases are resolved (an alias bomb?)")
        let error = #expect(throws: FlagSettingsError.self) { try HomewardSettings.parse(yaml: Self.aliasBomb, file: "bomb.yaml") }
        #expect(error?.exceedsLimits == true)
        #expect(error?.description == "bomb.yaml: line 6: the file expands to more than 100,000 values once its aliases are resolved (an alias bomb?)")
    }

    @Test func depthAliasesAndSizeAreBounded() throws {
        let deep = "a: " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "\n"
        #expect(YAMLLimits.check(deep)?.reason == "nests mappings and lists more than 32 deep")
        let aliases = "x: &x 1\nlist: [" + Array(repeating: "*x", count: 101).joined(separator: ", ") + "]\n"
        #expect(YAMLLimits.check(aliases)?.reason == "uses more than 100 aliases (*name)")
        let large = String(repeating: "# padding to make the file large\n", count: 20_000)
        #expect(YAMLLimits.check(large)?.reason.hasSuffix("bytes; at most 524,288 are accepted") == true)
        // A few aliases of a small anchor, as a person might write, are fine.
        #expect(YAMLLimits.check("base: &base {watch_at: 2}\nother: *base\nthird: *base\n") == nil)
        let shipped = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/homeward.yaml"), encoding: .utf8)
        #expect(YAMLLimits.check(shipped) == nil)
    }

    @Test func theSlotMustDivideEverySessionLengthAndWeightsCannotBeNegative() throws {
        for slot in [10, 20, 30, 60] {
            let error = #expect(throws: FlagSettingsError.self) { try HomewardSettings.parse(yaml: "scheduling:\n  slot_minutes: \(slot)\n") }
            #expect(error?.problems.map(\.description) == [
                "scheduling.slot_minutes \"\(slot)\" must divide the day and every session length (multiples of 15 minutes): 5 or 15",
            ])
        }
        #expect(try HomewardSettings.parse(yaml: "scheduling:\n  slot_minutes: 5\n").scheduling.slotMinutes == 5)
        let buffer = #expect(throws: FlagSettingsError.self) {
            try HomewardSettings.parse(yaml: "scheduling:\n  after_school_buffer_minutes: 20\n")
        }
        #expect(buffer?.problems.map(\.field) == ["scheduling.after_school_buffer_minutes"])
        let weight = #expect(throws: FlagSettingsError.self) { try HomewardSettings.parse(yaml: "scheduling:\n  weights:\n    spread: -1\n") }
        #expect(weight?.problems.map(\.description) == ["scheduling.weights.spread \"-1.0\" must be zero or more"])
    }

    @Test func aValueOfTheWrongKindIsNamedWithoutSwiftInternals() throws {
        let error = #expect(throws: FlagSettingsError.self) { try HomewardSettings.parse(yaml: "scheduling:\n  slot_minutes: abc\n", file: "s.yaml") }
        #expect(error?.exceedsLimits == false)
        #expect(error?.description == "s.yaml: line 2: scheduling.slot_minutes \"abc\" must be a whole number")
    }
}
