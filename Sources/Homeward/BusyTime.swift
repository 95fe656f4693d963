/// What keeps a participant away at a one-off time: a court hearing, a medical appointment, or something else
/// (`homeward participant busy`). Like school hours, the scheduler plans around it and a booking over it is refused.
public enum BusyKind: String, Vocabulary { case court, medical, other }
