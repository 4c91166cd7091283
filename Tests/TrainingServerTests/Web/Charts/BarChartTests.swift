import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import TrainingServer

@Suite struct BarChartTests {
    /// Collects what an XML parser saw of an SVG document.
    final class SVGReader: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        var texts: [String] = []
        private var current = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append((name, attributes))
            current = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" || name == "title" || name == "desc" { texts.append(current) }
            current = ""
        }

        static func read(_ svg: String) throws -> SVGReader {
            let reader = SVGReader()
            let parser = XMLParser(data: Data(svg.utf8))
            parser.delegate = reader
            #expect(parser.parse(), "not well-formed XML: \(parser.parserError.map(String.init(describing:)) ?? "")\n\(svg)")
            return reader
        }
    }

    private let chart = BarChart(id: "chart-rate", title: "各部门认证率 <script>", summary: "A & B",
                                 bars: [BarChart.Bar(label: "综合处", value: 0.75, text: "75%"),
                                        BarChart.Bar(label: "<b>\"网络\"</b> & '安全'", value: 0, text: "0%"),
                                        BarChart.Bar(label: "空", value: 2, text: "—")],
                                 maximum: 1)

    @Test func theChartIsWellFormedSVGWithATitleAndDescription() throws {
        let svg = chart.render().rendered
        let reader = try SVGReader.read(svg)
        let root = try #require(reader.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["role"] == "img")
        #expect(root.attributes["aria-labelledby"] == "chart-rate-title chart-rate-desc")
        #expect(reader.elements.contains { $0.name == "title" && $0.attributes["id"] == "chart-rate-title" })
        #expect(reader.elements.contains { $0.name == "desc" && $0.attributes["id"] == "chart-rate-desc" })
        #expect(reader.texts.prefix(2) == ["各部门认证率 <script>", "A & B"])
    }

    @Test func labelsAreTextEscapedNotMarkup() throws {
        let svg = chart.render().rendered
        #expect(!svg.contains("<script>") && !svg.contains("<b>"))
        let reader = try SVGReader.read(svg)
        #expect(reader.texts.contains("<b>\"网络\"</b> & '安全'"))
        #expect(!reader.elements.contains { $0.name == "b" || $0.name == "script" })
    }

    @Test func everyBarHasItsLabelAndItsValueInText() throws {
        let reader = try SVGReader.read(chart.render().rendered)
        let texts = Array(reader.texts.dropFirst(2))
        #expect(texts == ["综合处", "75%", "<b>\"网络\"</b> & '安全'", "0%", "空", "—"])
        let widths = reader.elements.filter { $0.name == "rect" }.compactMap { $0.attributes["width"].flatMap(Double.init) }
        #expect(widths.count == 3)
        #expect(widths[1] == 0)
        #expect(widths[0] == widths[2] * 0.75, "values above the maximum are drawn full length")
    }

    @Test func longLabelsAreShortenedAndIdsKeptSafe() throws {
        let long = String(repeating: "长", count: 50)
        let chart = BarChart(id: "x\" onload=\"alert(1)", title: "t", summary: "s",
                             bars: [BarChart.Bar(label: long, value: 1, text: "1")], maximum: 0)
        let reader = try SVGReader.read(chart.render().rendered)
        #expect(reader.texts.contains(String(repeating: "长", count: BarChart.labelLimit - 1) + "…"))
        #expect(reader.elements.first?.attributes["aria-labelledby"] == "xonloadalert1-title xonloadalert1-desc")
        #expect(reader.elements.first?.attributes["onload"] == nil)
        #expect(reader.elements.filter { $0.name == "rect" }.first?.attributes["width"] == "0")
    }

    @Test(arguments: [(0.0, "0"), (12.0, "12"), (12.25, "12.3"), (559.96, "560"), (3.14159, "3.1")])
    func coordinatesAreShortAndLocaleFree(_ value: Double, _ text: String) {
        #expect(BarChart.number(value) == text)
    }
}
