import Testing
@testable import TrainingServer

@Suite struct QuizPreviewPageTests {
    @Test("numbers read as the trainer wrote them: whole numbers without .0, decimals without rounding or noise")
    func authoredNumbers() {
        let cases: [(Double, String)] = [
            (999_999, "999999"), (0.1, "0.1"), (0.1 + 0.2, "0.30000000000000004"), (3.14159, "3.14159"),
            (0.00001, "0.00001"), (-2.5, "-2.5"), (-0.0, "0"), (0, "0"), (1e20, "100000000000000000000"),
            (72, "72"),
        ]
        for (value, text) in cases {
            #expect(QuizPreviewPage.authored(value) == text, "\(value)")
        }
    }
}
