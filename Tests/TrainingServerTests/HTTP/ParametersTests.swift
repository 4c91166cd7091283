import Testing
@testable import TrainingServer

@Suite struct ParametersTests {
    private func parse(_ text: String) throws(PercentDecoding.Failure) -> Parameters {
        try Parameters.parseURLEncoded(Substring(text))
    }

    @Test func keepsPairsInOrderAndTheFirstValueWins() throws {
        let parameters = try parse("b=2&a=1&b=3&c=4")
        #expect(parameters.pairs.map(\.name) == ["b", "a", "b", "c"])
        #expect(parameters["b"] == "2")
        #expect(parameters.values("b") == ["2", "3"])
        #expect(parameters.values("missing") == [])
        #expect(parameters["missing"] == nil)
    }

    @Test func emptyValuesNamesAndPiecesAreHandled() throws {
        let parameters = try parse("a=&b&=x&&c=1=2&")
        #expect(parameters.pairs.map(\.name) == ["a", "b", "", "c"])
        #expect(parameters["a"] == "")
        #expect(parameters["b"] == "")
        #expect(parameters[""] == "x")
        #expect(parameters["c"] == "1=2")
        #expect(try parse("").isEmpty)
        #expect(try parse("&&").isEmpty)
    }

    @Test func namesAndValuesAreDecodedAsFormText() throws {
        let parameters = try parse("full+name=%E6%9D%8E+%E6%98%8E&q=a%2Bb%26c")
        #expect(parameters["full name"] == "李 明")
        #expect(parameters["q"] == "a+b&c")
    }

    @Test func aBadPieceFailsTheWhole() {
        #expect(throws: PercentDecoding.Failure.badEscape) { try parse("a=1&b=%zz") }
        #expect(throws: PercentDecoding.Failure.invalidUTF8) { try parse("a=%C0%AF") }
        #expect(throws: PercentDecoding.Failure.nulByte) { try parse("a%00=1") }
    }

    @Test func equalityComparesPairsInOrder() throws {
        #expect(try parse("a=1&b=2") == Parameters([(name: "a", value: "1"), (name: "b", value: "2")]))
        #expect(try parse("a=1&b=2") != parse("b=2&a=1"))
        var built = Parameters()
        built.append("a", "1")
        #expect(built == (try parse("a=1")))
    }
}
