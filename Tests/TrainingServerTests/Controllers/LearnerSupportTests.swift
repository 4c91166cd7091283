import Testing
@testable import TrainingServer

@Suite("Learner support")
struct LearnerSupportTests {
    @Test(arguments: [
        ("application/json", true),
        ("text/html,application/json;q=0.9", true),
        ("text/html, application/xhtml+xml, application/json", true),
        ("aapplication/json", true),
        ("applicationapplication/json", true),
        ("text/html,application/xhtml+xml", false),
        ("application/jso", false),
        ("application/js", false),
        ("Application/JSON", false),
        ("", false),
        ("应用 application/json", true),
        ("a", false),
    ])
    func acceptAsksForJSONAsStringContainsSays(accept: String, expected: Bool) {
        #expect(ControllerContext.containsJSON(accept) == expected)
        #expect(ControllerContext.containsJSON(accept) == accept.contains("application/json"))
    }
}
