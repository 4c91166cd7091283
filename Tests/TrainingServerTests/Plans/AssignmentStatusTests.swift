import Testing
@testable import TrainingServer

@Suite struct AssignmentStatusTests {
    let today = ISODay("2027-01-15")!

    @Test func exemptionComesFirstThenDoneThenTheDueDay() {
        func status(exempt: Bool = false, _ progress: AssignmentStatus.Progress, due: String?) -> AssignmentStatus {
            AssignmentStatus.of(exempt: exempt, progress: progress, dueDay: due.flatMap(ISODay.init), today: today)
        }
        #expect(status(exempt: true, .notStarted, due: "2027-01-01") == .exempt)
        #expect(status(exempt: true, .done, due: nil) == .exempt)
        #expect(status(.done, due: "2027-01-01") == .done)
        #expect(status(.inProgress, due: "2027-01-14") == .overdue)
        #expect(status(.notStarted, due: "2027-01-15") == .dueSoon)
        #expect(status(.inProgress, due: "2027-01-29") == .dueSoon)
        #expect(status(.inProgress, due: "2027-01-30") == .inProgress)
        #expect(status(.notStarted, due: "2027-01-30") == .notStarted)
        #expect(status(.notStarted, due: nil) == .notStarted)
        #expect(status(.inProgress, due: nil) == .inProgress)
    }

    @Test func anExtensionMovesTheDayThatCounts() {
        var member = AssignmentMember(assignmentID: AssignmentID(rawValue: 1), userID: UserID(rawValue: 1), assignedAt: 0,
                                      dueDay: ISODay("2027-01-10"))
        #expect(AssignmentStatus.of(member, progress: .notStarted, today: today) == .overdue)
        member.extendedDay = ISODay("2027-03-01")
        #expect(AssignmentStatus.of(member, progress: .notStarted, today: today) == .notStarted)
        member.exemptAt = 1
        #expect(AssignmentStatus.of(member, progress: .notStarted, today: today) == .exempt)
    }

    @Test func programmeProgressFollowsTheCertificationState() {
        #expect(AssignmentStatus.Progress(certification: nil) == .notStarted)
        #expect(AssignmentStatus.Progress(certification: .notStarted) == .notStarted)
        #expect(AssignmentStatus.Progress(certification: .inProgress) == .inProgress)
        #expect(AssignmentStatus.Progress(certification: .certified) == .done)
        #expect(AssignmentStatus.Progress(certification: .dueForRenewal) == .done)
        #expect(AssignmentStatus.Progress(certification: .expired) == .inProgress)
        #expect(AssignmentStatus.Progress(certification: .revoked) == .inProgress)
    }
}
