import Curriculum

/// The courses one way to a certificate asks for: all of `required`, plus `choose` of `from`.
struct CertificationPath: Sendable, Hashable {
    let required: [CourseID]
    let choose: Int
    let from: [CourseID]

    /// The full programme.
    static func programme(_ program: Program) -> CertificationPath {
        CertificationPath(required: program.courses, choose: 0, from: [])
    }

    /// The recertification block, or the full programme when the programme has none.
    static func renewal(_ program: Program) -> CertificationPath {
        guard let recertification = program.recertification else { return programme(program) }
        return CertificationPath(required: recertification.courses, choose: recertification.choose,
                                 from: recertification.from)
    }

    /// The completions that fulfil the path by `instant`, oldest first, or nil when something is missing.
    /// `completions` must be sorted by `at`.
    func fulfilment(by instant: Double, completions: [CertificationEvidence.Completion],
                    counting bound: CertificationBound) -> [CertificationEvidence.Completion]? {
        var basis: [CertificationEvidence.Completion] = []
        for course in required {
            guard let completion = latest(course, by: instant, completions: completions, counting: bound) else {
                return nil
            }
            basis.append(completion)
        }
        let chosen = from.compactMap { latest($0, by: instant, completions: completions, counting: bound) }
            .sorted { ($0.at, $0.course) > ($1.at, $1.course) }
            .prefix(choose)
        guard chosen.count == choose else { return nil }
        basis.append(contentsOf: chosen)
        return basis.sorted { ($0.at, $0.course) < ($1.at, $1.course) }
    }

    /// What is still missing by `instant`: required courses, how many more to choose, and the candidates left.
    func missing(by instant: Double, completions: [CertificationEvidence.Completion],
                 counting bound: CertificationBound) -> (courses: [CourseID], choose: Int, from: [CourseID]) {
        let courses = required.filter { latest($0, by: instant, completions: completions, counting: bound) == nil }
        let open = from.filter { latest($0, by: instant, completions: completions, counting: bound) == nil }
        let remaining = max(0, choose - (from.count - open.count))
        return (courses, remaining, remaining == 0 ? [] : open)
    }

    private func latest(_ course: CourseID, by instant: Double, completions: [CertificationEvidence.Completion],
                        counting bound: CertificationBound) -> CertificationEvidence.Completion? {
        completions.last { $0.course == course && $0.at <= instant && bound.admits($0.earliest) }
    }
}
