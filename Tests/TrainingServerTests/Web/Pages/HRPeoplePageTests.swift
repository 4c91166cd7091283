import Assessment
import Testing
@testable import TrainingServer

@Suite struct HRPeoplePageTests {
    private func render(total: Int, exact: Bool, lines count: Int, page: Int, language: Language = .en) -> String {
        let lines = (0..<count).map { index in
            PersonLine(userID: Int64(index + 1), login: "p\(index)", name: "人\(index)", employeeNumber: nil, departmentID: 1,
                       state: .certified, certifiedAt: nil, expiresAt: nil, certificateID: nil, hours: 10)
        }
        var query = PeopleQuery()
        query.search = "王"
        let result = PeoplePage(query: query, department: nil, program: nil, year: 2027, lines: lines, total: total,
                                totalExact: exact, limit: 50, offset: (page - 1) * 50)
        let model = HRPeoplePage.Model(query: query, problems: [], result: result, program: nil, programs: [],
                                       department: nil, departments: [], requiredHours: 90, year: 2027, pageNumber: page)
        let context = PageContext(language: language, user: nil, csrfToken: "t", currentPath: "/hr/people", strings: .shipped)
        return HRPeoplePage.render(model, context: context, stylesheet: "/s.css").rendered
    }

    @Test func anExactTotalGivesThePageCountAndStopsAtTheLastPage() {
        let html = render(total: 120, exact: true, lines: 20, page: 3)
        #expect(html.contains("120 people match; showing 101 to 120"))
        #expect(html.contains("Page 3 of 3"))
        #expect(!html.contains("rel=\"next\""))
        #expect(html.contains("rel=\"prev\""))
    }

    @Test func aTotalThatIsOnlyALowerBoundSaysSoAndOffersTheNextPageWhileItIsFull() {
        let html = render(total: 1000, exact: false, lines: 50, page: 2)
        #expect(html.contains("More than 1000 people match; showing 51 to 100"))
        #expect(html.contains("more than 1000 people"))
        #expect(html.contains(">Page 2<"))
        #expect(html.contains("rel=\"next\"") && html.contains("page=3"))
        let last = render(total: 1000, exact: false, lines: 7, page: 30)
        #expect(!last.contains("rel=\"next\""))
        #expect(render(total: 1000, exact: false, lines: 50, page: 2, language: .zh).contains("超过 1000 人符合条件"))
    }
}
