import Testing
@testable import TrainingServer

@Suite struct HRAPIControllerTests {
    private func refusal(_ query: String, _ names: [String] = HRAPIController.peopleParameters) throws -> String? {
        let parameters = try Parameters.parseURLEncoded(Substring(query))
        do throws(HTTPError) {
            try HRAPIController.refuseMalformed(parameters, names)
            return nil
        } catch {
            #expect(error.status == .badRequest)
            return error.message
        }
    }

    @Test func valuesTheDescriptionAllowsPass() throws {
        #expect(try refusal("") == nil)
        #expect(try refusal("department=12&state=certified&expires_from=2027-01-01&expires_to=2027-02-01&below_required=0"
            + "&q=%E7%8E%8B&sort=hours&dir=desc&limit=1000&offset=0&program=&unknown=") == nil)
        // A department that is no id is "not found" later, like one outside the scope.
        #expect(try refusal("department=abc") == nil)
        #expect(try refusal("q=" + String(repeating: "a", count: 100)) == nil)
    }

    @Test(arguments: [("department=", "department: empty; use a department id"),
                      ("expires_to=", "expires_to: empty; use a date written YYYY-MM-DD"),
                      ("expires_from=2027-02-30", "expires_from: use a date written YYYY-MM-DD"),
                      ("state=", "state: empty; use one of"), ("state=%20certified", "state: use one of"),
                      ("below_required=yes", "below_required: use 1, true, 0 or false"),
                      ("sort=", "sort: empty; use one of"), ("dir=DESC", "dir: use asc or desc"),
                      ("limit=", "limit: empty; use a whole number"), ("offset=-1", "offset: use a whole number")])
    func valuesOutsideTheDescriptionAreRefusedByName(_ query: String, _ message: String) throws {
        let refused = try #require(try refusal(query))
        #expect(refused.hasPrefix(message), "\(refused)")
    }

    @Test func aSearchIsCountedInCodePointsAsJSONSchemaCountsThem() throws {
        // 101 combining accents are one Character to Swift, but 101 code points to the description's maxLength.
        let accents = String(repeating: "%CC%81", count: 101)
        #expect(try refusal("q=" + accents) == "q: use at most 100 characters")
    }

    @Test func everyRefusedParameterIsNamedOnce() throws {
        #expect(try refusal("department=&limit=x") == "department: empty; use a department id; limit: use a whole number")
        #expect(try refusal("state=", ["department"]) == nil)
    }
}
