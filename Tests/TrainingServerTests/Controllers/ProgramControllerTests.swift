import Testing
@testable import TrainingServer

/// Content negotiation of the programme page: JSON only for clients that ask for it over HTML.
@Suite struct ProgramControllerTests {
    @Test(arguments: [
        "application/json",
        "application/ld+json",
        "application/json, */*;q=0.1",
        "text/html;q=0.5, application/json",
    ])
    func clientsAskingForJSONGetJSON(accept: String) {
        #expect(ProgramController.prefersJSON(accept))
    }

    @Test(arguments: [
        nil,
        "*/*",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "text/html, application/json;q=0.9",
        "application/json;q=0",
        "application/json;q=0.5, */*",
    ] as [String?])
    func browsersAndOtherClientsGetThePage(accept: String?) {
        #expect(!ProgramController.prefersJSON(accept))
    }
}
