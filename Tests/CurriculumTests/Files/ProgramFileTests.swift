import Testing
@testable import Curriculum

struct ProgramFileTests {
    @Test("a programme with a recertification path")
    func valid() throws {
        let text = """
        id: egov
        title: {zh: 认证, en: Certification}
        summary: {zh: 概要, en: Summary}
        courses: [ethics, literacy, security]
        min_study_hours: 12
        validity_days: 730
        renewal_window_days: 90
        expiry_base: previous_expiry
        recertification:
          courses: [security-refresher]
          choose: 1
          from: [ethics, literacy]

        """
        let (file, diagnostics) = ProgramFile.parse(text: text, fileName: "programs/egov.yaml")
        #expect(diagnostics.isEmpty)
        let program = try #require(file?.program)
        #expect(program.id == ProgramID("egov"))
        #expect(program.courses == [CourseID("ethics"), CourseID("literacy"), CourseID("security")])
        #expect(program.minStudyHours == 12)
        #expect(program.validityDays == 730 && program.renewalWindowDays == 90)
        #expect(program.expiryBase == .previousExpiry)
        #expect(program.recertification == Recertification(courses: [CourseID("security-refresher")], choose: 1,
                                                            from: [CourseID("ethics"), CourseID("literacy")]))
        #expect(program.contentHash.count == 64)
        #expect(program.source == SourceReference(file: "programs/egov.yaml", line: 1))
    }

    @Test("without recertification a renewal repeats the courses; min_study_hours defaults to 0")
    func minimal() throws {
        let text = """
        id: basic
        title: {zh: 基础, en: Basic}
        summary: {zh: 概要, en: Summary}
        courses: [a]
        validity_days: 365
        renewal_window_days: 0
        expiry_base: completion

        """
        let program = try #require(ProgramFile.parse(text: text, fileName: "basic.yaml").0?.program)
        #expect(program.recertification == nil)
        #expect(program.minStudyHours == 0)
        #expect(program.expiryBase == .completion)
    }

    @Test("programme mistakes")
    func mistakes() {
        let text = """
        id: egov
        title: {zh: 认证, en: Certification}
        courses: []
        validity_days: 0
        renewal_window_days: 30
        expiry_base: expiry
        recertification:
          from: [a]

        """
        let (_, diagnostics) = ProgramFile.parse(text: text, fileName: "programs/other.yaml")
        #expect(diagnostics.sorted().map(\.description) == [
            "programs/other.yaml:1:1: error: programme is missing the required key 'summary'",
            "programs/other.yaml:1:5: error: the programme id 'egov' must match its file name 'other.yaml'",
            "programs/other.yaml:3:10: error: 'courses' must list at least one course",
            "programs/other.yaml:4:16: error: 'validity_days' must be at least 1, not 0",
            "programs/other.yaml:6:14: error: 'expiry_base' must be one of completion, previous_expiry, not 'expiry'",
            "programs/other.yaml:8:9: error: 'from' needs 'choose': how many of these courses must be passed",
        ])
    }

    @Test("kind names the certificate: competence or completion, completion when absent, anything else an error")
    func kind() throws {
        func parse(_ kind: String?) -> (ProgramFile?, [Diagnostic]) {
            let line = kind.map { "kind: \($0)\n" } ?? ""
            return ProgramFile.parse(text: """
                id: p
                title: {zh: 认证, en: Certification}
                \(line)summary: {zh: 概要, en: Summary}
                courses: [a]
                validity_days: 365
                renewal_window_days: 0
                expiry_base: completion

                """, fileName: "programs/p.yaml")
        }
        let competence = try #require(parse("competence").0?.program)
        #expect(competence.kind == .competence)
        let absent = try #require(parse(nil).0?.program)
        #expect(absent.kind == .completion)
        let completion = try #require(parse("completion").0?.program)
        #expect(completion.kind == .completion)
        // A completion programme keeps the hash it had before programmes had a kind; a competence one differs.
        #expect(completion.contentHash == absent.contentHash)
        #expect(competence.contentHash != absent.contentHash)
        #expect(parse("competance").1.map(\.description) == [
            "programs/p.yaml:3:7: error: 'kind' must be one of competence, completion, not 'competance'; did you mean 'competence'?",
        ])
    }
}
