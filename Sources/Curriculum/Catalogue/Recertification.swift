/// The recertification path: all of `courses`, plus `choose` of the courses in `from` whose completion quiz
/// was passed within the renewal window.
public struct Recertification: Sendable, Hashable {
    /// Courses that must all be passed again.
    public let courses: [CourseID]
    /// How many of `from` must have their completion quiz passed within the renewal window.
    public let choose: Int
    /// The courses to choose from.
    public let from: [CourseID]

    /// A recertification rule.
    public init(courses: [CourseID], choose: Int = 0, from: [CourseID] = []) {
        self.courses = courses
        self.choose = choose
        self.from = from
    }
}
