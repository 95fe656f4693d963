/// A prisoner following a prison education course, from a start day; modules are completed in turn. The store keeps
/// the enrolments (`homeward.course_enrolments`); the domain names their statuses.
public enum CourseEnrolment {
    /// At most one active enrolment per person and course.
    public enum Status: String, Vocabulary { case active, completed, withdrawn }
}
