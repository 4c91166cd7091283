import Foundation
import Testing
@testable import TrainingServer
#if canImport(FoundationXML)
import FoundationXML
#endif

private let verificationURL = "https://academy.example.gov.cn/verify/c5Jt0q8ZbW3xYk2LmN4pQ7rS"

/// Collects element names and attributes while checking that the document is well-formed XML.
private final class QRSVGReader: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append((elementName, attributeDict))
    }

    static func read(_ text: String) -> (wellFormed: Bool, reader: QRSVGReader) {
        let reader = QRSVGReader()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = reader
        return (parser.parse(), reader)
    }
}

/// Redraws the modules a path of `M x y h n v1 h-n z` runs covers.
private func modules(in path: String, extent: Int) -> [[Bool]] {
    var grid = Array(repeating: Array(repeating: false, count: extent), count: extent)
    let pattern = #/M(\d+) (\d+)h(\d+)v1h-(\d+)z/#
    for match in path.matches(of: pattern) {
        let x = Int(match.1)!, y = Int(match.2)!, length = Int(match.3)!
        for column in x..<(x + length) { grid[y][column] = true }
    }
    return grid
}

@Suite struct QRCodeTests {
    @Test func helloWorldFitsVersion1() throws {
        let code = try QRCode(encoding: "HELLO WORLD", correction: .medium)
        #expect(code.version == 1)
        #expect(code.size == 21)
    }

    @Test(arguments: [QRCode.Correction.low, .medium, .quartile, .high])
    func theSizeFollowsTheVersion(correction: QRCode.Correction) throws {
        let code = try QRCode(encoding: verificationURL, correction: correction)
        #expect((1...40).contains(code.version))
        #expect(code.size == 17 + 4 * code.version)
    }

    @Test func strongerCorrectionNeedsALargerSymbol() throws {
        let low = try QRCode(encoding: verificationURL, correction: .low)
        let high = try QRCode(encoding: verificationURL, correction: .high)
        #expect(high.version > low.version)
    }

    @Test func finderPatternsSitInThreeCorners() throws {
        let code = try QRCode(encoding: verificationURL)
        let last = code.size - 7
        for (left, top) in [(0, 0), (last, 0), (0, last)] {
            for dy in 0..<7 {
                for dx in 0..<7 {
                    let ring = max(abs(dx - 3), abs(dy - 3))
                    #expect(code.isDark(x: left + dx, y: top + dy) == (ring != 2), "finder at \(left),\(top)")
                }
            }
        }
        for x in 8..<(code.size - 8) {
            #expect(code.isDark(x: x, y: 6) == x.isMultiple(of: 2), "timing pattern")
        }
    }

    @Test func theSVGIsWellFormedAndAccessible() throws {
        let svg = try QRCode(encoding: verificationURL).svg(label: "扫码验证证书 \"A&B\" <ok>")
        let (wellFormed, reader) = QRSVGReader.read(svg)
        #expect(wellFormed)
        let root = try #require(reader.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["role"] == "img")
        #expect(root.attributes["aria-label"] == "扫码验证证书 \"A&B\" <ok>")
        #expect(root.attributes["width"] == nil)
        #expect(reader.elements.filter { $0.name == "path" }.count == 1)
        #expect(!svg.contains("style="), "no inline styles, so a strict CSP allows it")
    }

    @Test func theSVGDrawsExactlyTheModulesInsideAQuietZone() throws {
        let code = try QRCode(encoding: verificationURL)
        let svg = code.svg(label: "verify", pixels: 164)
        let (_, reader) = QRSVGReader.read(svg)
        let root = try #require(reader.elements.first)
        let extent = code.size + 8
        #expect(root.attributes["viewBox"] == "0 0 \(extent) \(extent)")
        #expect(root.attributes["width"] == "164")
        #expect(root.attributes["height"] == "164")
        let background = try #require(reader.elements.first { $0.name == "rect" })
        #expect(background.attributes["fill"] == "#fff")
        let path = try #require(reader.elements.first { $0.name == "path" })
        #expect(path.attributes["fill"] == "#000")

        let drawn = modules(in: try #require(path.attributes["d"]), extent: extent)
        for y in 0..<extent {
            for x in 0..<extent {
                let inside = (4..<(4 + code.size)).contains(x) && (4..<(4 + code.size)).contains(y)
                #expect(drawn[y][x] == (inside && code.isDark(x: x - 4, y: y - 4)), "module \(x),\(y)")
            }
        }
    }

    @Test func renderingIsDeterministic() throws {
        let first = try QRCode(encoding: verificationURL).svg(label: "verify")
        let second = try QRCode(encoding: verificationURL).svg(label: "verify")
        #expect(first == second)
        #expect(try QRCode(encoding: verificationURL + "x").svg(label: "verify") != first)
    }

    @Test func textThatCannotBeEncodedIsAnError() {
        #expect(throws: QRCode.EncodingError.containsNUL) { try QRCode(encoding: "a\u{0}b") }
        #expect(throws: QRCode.EncodingError.tooLong) {
            try QRCode(encoding: String(repeating: "x", count: 3_000), correction: .high)
        }
    }

    @Test func modulesOutsideTheSymbolAreLight() throws {
        let code = try QRCode(encoding: "HELLO WORLD")
        #expect(!code.isDark(x: -1, y: 0))
        #expect(!code.isDark(x: 0, y: code.size))
    }
}
