import Homeward
import Testing

@Suite struct ControlCharacterTests {
    @Test func controlCharactersAreWrittenOutAndEverythingElseIsKept() {
        #expect("Ev\u{1B}[31mil\u{07}".escapingControlCharacters() == "Ev\\u{1B}[31mil\\u{7}")
        #expect("one\ntwo\r\tthree".escapingControlCharacters() == "one\\ntwo\\r\\tthree")
        #expect("one\ntwo\r".escapingControlCharacters(keepingNewlines: true) == "one\ntwo\\r")
        #expect("\u{0}\u{7F}\u{85}\u{9B}".escapingControlCharacters() == "\\u{0}\\u{7F}\\u{85}\\u{9B}")
        // Letters of every script, emoji, a backslash and U+00A0 (just past C1) are text, not controls.
        let text = "Әсел Қасымова — عائشة \\ 😀 \u{A0}"
        #expect(text.escapingControlCharacters() == text)
        // A CRLF is one Character but two control scalars: both are shown.
        #expect("a\r\nb".escapingControlCharacters() == "a\\r\\nb")
    }
}
