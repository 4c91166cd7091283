import Testing
@testable import TrainingServer

/// Every colour administrators may choose keeps the header's white text readable (WCAG 2.2 AA, 4.5:1).
@Suite struct AccentColourTests {
    @Test func theContrastFormulaMatchesWCAG() {
        #expect(AccentColour.relativeLuminance(hex: "#ffffff") == 1)
        #expect(AccentColour.relativeLuminance(hex: "#000000") == 0)
        // #767676 is the lightest grey that passes 4.5:1 on white.
        let grey = 1.05 / (AccentColour.relativeLuminance(hex: "#767676") + 0.05)
        #expect(grey >= 4.5 && grey < 4.6)
    }

    @Test(arguments: AccentColour.allCases)
    func everyColourHasEnoughContrastWithWhiteText(_ colour: AccentColour) {
        #expect(colour.contrastWithWhite >= 4.5, "\(colour) is only \(colour.contrastWithWhite):1")
        #expect(colour.hex.count == 7 && colour.hex.hasPrefix("#"))
    }

    @Test func theStylesheetSetsTheBrandAndItsURLChangesWithIt() {
        #expect(AccentColour.teal.stylesheet == ":root { --brand: #00695c; }\n")
        let versions = Set(AccentColour.allCases.map(\.stylesheetVersion))
        #expect(versions.count == AccentColour.allCases.count)
        #expect(AccentColour.red.stylesheetURL == "/theme.css?v=\(AccentColour.red.stylesheetVersion)")
        #expect(AccentColour.standard == .navy)
    }
}
