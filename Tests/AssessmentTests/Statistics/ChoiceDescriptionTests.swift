import Testing
@testable import Assessment

@Suite struct ChoiceDescriptionTests {
    @Test func matchingKeysBecomePromptAndAnswerTexts() {
        #expect(ChoiceDescription(key: "p1=p1", question: Fixtures.matching)
                == .match(prompt: Fixtures.text("Cybersecurity Law"), answer: Fixtures.text("2017")))
        #expect(ChoiceDescription(key: "p2=~0", question: Fixtures.matching)
                == .match(prompt: Fixtures.text("Data Security Law"), answer: Fixtures.text("1999")))
        #expect(ChoiceDescription(key: "p1=p2", question: Fixtures.matching)
                == .match(prompt: Fixtures.text("Cybersecurity Law"), answer: Fixtures.text("2021")))
        for unknown in ["p9=p1", "p1=~7", "p1=zz", "p1"] {
            #expect(ChoiceDescription(key: unknown, question: Fixtures.matching) == .unknown(unknown))
        }
    }

    @Test func optionsTruthAndTypedAnswers() {
        #expect(ChoiceDescription(key: "b", question: Fixtures.single) == .option(Fixtures.text("Serve the office")))
        #expect(ChoiceDescription(key: "x", question: Fixtures.single) == .unknown("x"))
        #expect(ChoiceDescription(key: "false", question: Fixtures.trueFalse) == .truth(false))
        #expect(ChoiceDescription(key: "999999", question: Fixtures.numeric) == .typed("999999"))
        #expect(ChoiceDescription(key: "Cyber Law", question: Fixtures.short) == .typed("Cyber Law"))
    }

    @Test func keysAreListedInAuthoredOrderOrByCount() {
        #expect(ChoiceDescription.orderedKeys(["c": 1, "a": 2], question: Fixtures.single) == ["a", "b", "c"])
        #expect(ChoiceDescription.orderedKeys(["false": 1], question: Fixtures.trueFalse) == ["true", "false"])
        #expect(ChoiceDescription.orderedKeys(["p2=~0": 1, "p1=p2": 1, "p1=p1": 3], question: Fixtures.matching)
                == ["p1=p1", "p1=p2", "p2=~0"])
        #expect(ChoiceDescription.orderedKeys(["0.1": 1, "72": 4, "70": 1], question: Fixtures.numeric)
                == ["72", "0.1", "70"])
        #expect(ChoiceDescription.orderedKeys(["b": 1, "a": 1], question: nil) == ["a", "b"])
    }
}
