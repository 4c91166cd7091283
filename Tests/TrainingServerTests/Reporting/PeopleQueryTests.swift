import Assessment
import Testing
@testable import TrainingServer

@Suite struct PeopleQueryTests {
    private func parse(_ query: String) throws -> (PeopleQuery, [PeopleQuery.Problem]) {
        PeopleQuery.parse(try Parameters.parseURLEncoded(Substring(query)))
    }

    @Test func everyFilterIsRead() throws {
        let (query, problems) = try parse("program=egov&department=7&state=due_for_renewal&expires_from=2027-01-01"
                                          + "&expires_to=2027-03-31&below_required=1&q=%E6%9D%8E&sort=expires&dir=desc")
        #expect(problems.isEmpty)
        #expect(query.programID == "egov")
        #expect(query.department == "7")
        #expect(query.state == .dueForRenewal)
        #expect(query.expiresFrom?.description == "2027-01-01")
        #expect(query.expiresTo?.description == "2027-03-31")
        #expect(query.belowRequired)
        #expect(query.search == "李")
        #expect(query.sort == .expires)
        #expect(query.descending)
    }

    @Test func emptyFieldsAsAFormSendsThemMeanNotGiven() throws {
        let (query, problems) = try parse("program=&department=&state=&expires_from=&expires_to=&q=+&sort=&dir=")
        #expect(problems.isEmpty)
        #expect(query == PeopleQuery())
        #expect(query.parameters.isEmpty)
        #expect(query.queryString() == "")
    }

    @Test func theFirstOfARepeatedParameterCounts() throws {
        let (query, _) = try parse("department=3&department=9&state=certified&state=expired")
        #expect(query.department == "3")
        #expect(query.state == .certified)
    }

    @Test(arguments: [
        ("state=passed", "state", PeopleQuery.Problem.Reason.state),
        ("expires_from=2027-02-30", "expires_from", .date),
        ("expires_to=31/12/2027", "expires_to", .date),
        ("expires_from=2027-05-01&expires_to=2027-04-30", "expires_to", .dateOrder),
        ("sort=password_hash", "sort", .sort),
        ("sort=name;DROP", "sort", .sort),
        ("dir=sideways", "dir", .direction),
    ])
    func badValuesAreProblemsNamingTheirField(_ text: String, _ field: String, _ reason: PeopleQuery.Problem.Reason) throws {
        let (_, problems) = try parse(text)
        #expect(problems == [PeopleQuery.Problem(field: field, reason: reason)])
        #expect(!problems[0].description.isEmpty)
    }

    @Test func everyProblemAndStateHasWordsInBothLanguages() {
        let reasons: [PeopleQuery.Problem.Reason] = [.state, .date, .dateOrder, .sort, .direction, .search, .number]
        let keys = reasons.map { "hr.error.\($0.rawValue)" } + CertificationStateName.allCases.map { "hr.state.\($0.rawValue)" }
            + ["hr.certificate.initial", "hr.certificate.renewal", "hr.certificate.recertification"]
        for language in Language.allCases {
            let missing = Set(keys).subtracting(Localization.shipped.keys(language))
            #expect(missing.isEmpty, "\(language): \(missing.sorted())")
        }
    }

    @Test func aSearchLongerThanTheLimitIsAProblem() throws {
        let (_, problems) = try parse("q=" + String(repeating: "x", count: PeopleQuery.searchLimit + 1))
        #expect(problems.map(\.reason) == [.search])
    }

    @Test func theQueryStringRoundTripsAndLeavesDefaultsOut() throws {
        let text = "program=egov&department=7&state=expired&expires_from=2027-01-01&below_required=1&q=a%26b%3Dc&sort=hours&dir=desc"
        let (query, _) = try parse(text)
        #expect(query.queryString() == "?" + text)
        let (again, problems) = try parse(String(query.queryString().dropFirst()))
        #expect(problems.isEmpty && again == query)
        #expect(query.queryString([("page", "3")]).hasSuffix("&page=3"))
        #expect(query.auditDetails["q"] == "a&b=c")
    }
}
