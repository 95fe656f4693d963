/// What a database login may do in Homeward: each case is a NOLOGIN group role (`homeward_<raw value>`) that logins are granted.
public enum UserRole: String, Vocabulary {
    case admin, coordinator, scheduler, oversight, auditor

    /// The PostgreSQL group role created by migration 0005, e.g. `homeward_coordinator`.
    public var groupRole: String { "homeward_" + rawValue }
}
