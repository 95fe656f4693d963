import Foundation

/// Whether one booked participant came to one session, and who said so.
public struct Attendance: Sendable, Equatable, Codable {
    public var sessionID: Int
    public var caseNumber: String
    public var status: AttendanceStatus
    public var note: String?
    /// Staff code or login name of whoever recorded it.
    public var recordedBy: String
    public var recordedAt: Date

    public init(sessionID: Int, caseNumber: String, status: AttendanceStatus, note: String? = nil, recordedBy: String, recordedAt: Date) {
        self.sessionID = sessionID
        self.caseNumber = caseNumber
        self.status = status
        self.note = note
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }

    /// True when the participant was there (on time or late).
    public var wasPresent: Bool { status == .attended || status == .late }
}
