import Foundation
@testable import Homeward
import Testing

@Suite struct SessionCalendarTests {
    let session = Session(
        id: 42, type: .individualCounselling, mode: .individual, centreCode: "AKT-RC", roomCode: "C1", requirement: nil,
        staffCodes: ["ST-001"], caseNumbers: ["KZ-2025-0001"], startsAt: Date(timeIntervalSince1970: 1_796_101_200),
        endsAt: Date(timeIntervalSince1970: 1_796_104_800), status: .planned, cancelReason: nil, cancelledBy: nil,
        replacedBySessionID: nil, familyID: nil)

    @Test func rendersOneEventPerSessionInUTC() {
        let text = SessionCalendar(name: "ST-001", sessions: [session], generatedAt: Date(timeIntervalSince1970: 1_796_000_000)).render()
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(text.contains("DTSTART:20261201T050000Z\r\n"))
        #expect(text.contains("DTEND:20261201T060000Z\r\n"))
        #expect(text.contains("UID:session-42@homeward"))
        #expect(text.contains("SUMMARY:Individual counselling — KZ-2025-0001"))
        #expect(text.contains("LOCATION:AKT-RC / C1"))
        #expect(text.components(separatedBy: "BEGIN:VEVENT").count == 2)
    }

    @Test func cancelledSessionsAreMarkedCancelled() {
        var cancelled = session
        cancelled.status = .cancelled
        #expect(SessionCalendar(name: "x", sessions: [cancelled], generatedAt: Date()).render().contains("STATUS:CANCELLED"))
    }

    @Test func textIsEscapedAndLongLinesFolded() {
        #expect(SessionCalendar.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne")
        let long = "SUMMARY:" + String(repeating: "Қ", count: 60)
        let folded = SessionCalendar.fold(long)
        for line in folded.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75) }
        #expect(folded.replacingOccurrences(of: "\r\n ", with: "") == long)
    }
}
