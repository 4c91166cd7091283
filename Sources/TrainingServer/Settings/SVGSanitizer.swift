import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Makes an uploaded SVG safe to serve and show: the file is parsed as XML and written out again keeping only
/// drawing elements and presentation attributes from an allow-list. Scripts, event handlers (`on…`), styles
/// sheets, links, embedded images, foreign objects, animation and every reference outside the file are dropped
/// (`href` only as `#id`, `url(…)` only as `url(#id)`; no `javascript:` or `data:` anywhere). A `style` attribute
/// becomes presentation attributes from the same list. A file with a DTD or entity declarations, one that is not
/// well-formed, or whose root is not an SVG `<svg>` element cannot be made safe this way and is refused.
public enum SVGSanitizer {
    public enum Failure: Error, Sendable, Equatable {
        /// Not well-formed XML (or not UTF-8).
        case notWellFormed
        /// A `<!DOCTYPE>` or `<!ENTITY>`: entity expansion and external entities are refused outright.
        case declarations
        /// The root element is not `<svg>` in the SVG namespace.
        case notSVG
        /// Nothing drawable is left once what is not allowed is removed.
        case empty
        /// Elements nested deeper than `maximumDepth`.
        case tooDeep

        public var messageKey: String {
            switch self {
            case .notWellFormed: "admin.settings.error.svg_malformed"
            case .declarations: "admin.settings.error.svg_declarations"
            case .notSVG: "admin.settings.error.svg_root"
            case .empty: "admin.settings.error.svg_empty"
            case .tooDeep: "admin.settings.error.svg_depth"
            }
        }
    }

    static let namespace = "http://www.w3.org/2000/svg"
    static let maximumDepth = 64

    /// Elements kept (with their allowed attributes and children); any other element is dropped with everything
    /// inside it.
    static let elements: Set<String> = [
        "svg", "g", "defs", "title", "desc", "symbol", "use", "path", "rect", "circle", "ellipse", "line", "polyline",
        "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop", "clipPath",
    ]
    /// Elements whose text is kept.
    static let textElements: Set<String> = ["text", "tspan", "title", "desc"]
    /// Elements that draw something (a file with none of them is refused as empty).
    static let drawing: Set<String> = ["path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "use"]

    /// Attributes kept (names as written, case-sensitive as SVG is).
    static let attributes: Set<String> = Set([
        "id", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "dx", "dy", "width", "height",
        "viewBox", "preserveAspectRatio", "d", "points", "transform", "offset", "gradientUnits", "gradientTransform",
        "spreadMethod", "clipPathUnits", "href", "version",
    ]).union(presentation)

    /// Presentation attributes, also accepted as declarations of a `style` attribute.
    static let presentation: Set<String> = [
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
        "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity", "stop-color",
        "stop-opacity", "clip-path", "clip-rule", "font-family", "font-size", "font-weight", "font-style",
        "text-anchor", "dominant-baseline", "letter-spacing", "visibility", "display",
    ]

    /// Whether `bytes` start like an XML document (after a BOM and white space): `<`.
    public static func looksLikeXML(_ bytes: [UInt8]) -> Bool {
        var rest = bytes[...]
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3) }
        return rest.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "<")
    }

    /// The SVG rewritten from the allow-list, UTF-8.
    public static func sanitize(_ bytes: [UInt8]) throws(Failure) -> [UInt8] {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notWellFormed }
        let upper = text.uppercased()
        guard !upper.contains("<!DOCTYPE"), !upper.contains("<!ENTITY") else { throw .declarations }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        let writer = Writer()
        parser.delegate = writer
        let finished = parser.parse()
        if let failure = writer.failure { throw failure }
        guard finished, parser.parserError == nil, writer.closedRoot else { throw .notWellFormed }
        guard writer.drew else { throw .empty }
        return Array(writer.output.utf8)
    }

    /// A value is kept unless it could reach outside the file or run something.
    static func safeValue(_ value: String, attribute: String) -> Bool {
        let squeezed = String(value.lowercased().unicodeScalars.filter {
            !CharacterSet.whitespacesAndNewlines.contains($0) && $0.value >= 0x20
        })
        for scheme in ["javascript:", "vbscript:", "data:", "expression(", "@import", "\\"] where squeezed.contains(scheme) {
            return false
        }
        if attribute == "href" { return isFragment(value) }
        var rest = squeezed[...]
        while let range = rest.range(of: "url(") {
            rest = rest[range.upperBound...]
            guard let close = rest.firstIndex(of: ")"), isFragment(String(rest[..<close])) else { return false }
            rest = rest[close...]
        }
        return true
    }

    /// `#id` with an XML name's characters.
    static func isFragment(_ value: String) -> Bool {
        guard value.hasPrefix("#"), value.count > 1 else { return false }
        return value.dropFirst().allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    }

    static func escape(_ text: String, attribute: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where attribute: result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Builds the output as the parser reports the document.
    final class Writer: NSObject, XMLParserDelegate {
        var output = ""
        var failure: Failure?
        var closedRoot = false
        var drew = false
        /// Open elements: whether each is kept (a dropped element's descendants are dropped too).
        private var stack: [(name: String, kept: Bool)] = []

        private var inDroppedSubtree: Bool { stack.contains { !$0.kept } }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String]) {
            guard failure == nil else { return }
            if stack.isEmpty && !closedRoot {
                guard elementName == "svg", namespaceURI == SVGSanitizer.namespace else {
                    fail(.notSVG, parser)
                    return
                }
            }
            guard stack.count < SVGSanitizer.maximumDepth else {
                fail(.tooDeep, parser)
                return
            }
            let kept = !inDroppedSubtree && namespaceURI == SVGSanitizer.namespace
                && SVGSanitizer.elements.contains(elementName)
            stack.append((elementName, kept))
            guard kept else { return }
            if SVGSanitizer.drawing.contains(elementName) { drew = true }
            var kept_: [(String, String)] = []
            var names = Set<String>()
            func keep(_ name: String, _ value: String) {
                guard SVGSanitizer.attributes.contains(name), SVGSanitizer.safeValue(value, attribute: name),
                      names.insert(name).inserted else { return }
                kept_.append((name, value))
            }
            for (rawName, value) in attributes.sorted(by: { $0.key < $1.key }) {
                var name = rawName
                if name.hasPrefix("xlink:") { name = String(name.dropFirst(6)) }
                guard !name.contains(":") else { continue }
                if name == "style" {
                    for declaration in value.split(separator: ";") {
                        let pair = declaration.split(separator: ":", maxSplits: 1)
                        guard pair.count == 2 else { continue }
                        let property = pair[0].trimmingCharacters(in: .whitespaces)
                        guard SVGSanitizer.presentation.contains(property) else { continue }
                        keep(property, pair[1].trimmingCharacters(in: .whitespaces))
                    }
                } else {
                    keep(name, value)
                }
            }
            output += "<" + elementName
            if stack.count == 1 { output += " xmlns=\"\(SVGSanitizer.namespace)\"" }
            for (name, value) in kept_ {
                output += " \(name)=\"\(SVGSanitizer.escape(value, attribute: true))\""
            }
            output += ">"
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?) {
            guard failure == nil, let last = stack.popLast() else { return }
            if last.kept { output += "</\(last.name)>" }
            if stack.isEmpty { closedRoot = true }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard failure == nil, let last = stack.last, last.kept, SVGSanitizer.textElements.contains(last.name) else {
                return
            }
            output += SVGSanitizer.escape(string, attribute: false)
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            self.parser(parser, foundCharacters: String(decoding: CDATABlock, as: UTF8.self))
        }

        private func fail(_ reason: Failure, _ parser: XMLParser) {
            failure = reason
            parser.abortParsing()
        }
    }
}
