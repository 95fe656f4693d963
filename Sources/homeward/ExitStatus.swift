/// Exit statuses cron and scripts can branch on (sysexits-style where one fits).
enum ExitStatus: Int32 {
    case success = 0
    /// Something unexpected failed.
    case failure = 1
    /// The scheduler ran, but some demand could not be placed (see `homeward schedule gaps`).
    case unplacedDemand = 3
    /// Input was rejected: a constraint, a bad CSV row, an unknown identifier.
    case dataError = 65
    /// The database could not be reached, or went away during the command.
    case databaseUnavailable = 69
    /// The output could not be written (EX_IOERR), e.g. stdout is a full disk.
    case ioError = 74
    /// The login lacks the privilege, or the row is outside its centres (row-level security).
    case forbidden = 77
    /// Another run holds the lock, or a lock wait or statement ran past its timeout; try again later.
    case busy = 75
    /// Installation or migration state is wrong (changed migration, missing files), or the settings file is missing or wrong.
    case configuration = 78
}
