import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders module Markdown (GitHub-flavoured) to safe HTML with heading anchors.
///
/// Safe means: raw HTML is dropped, links may only use `http`, `https`, `mailto` or `tel` (or be relative),
/// images may only come from the course's `media/` folder and are served from `mediaURLPrefix`. Anything
/// else is reduced to its text. Emphasis next to Chinese text follows the CJK-friendly rules (`CJKEmphasis`).
/// `inspect` reports the same decisions as diagnostics when a course is loaded.
public struct MarkdownRenderer: Sendable, Hashable {
    /// The URL prefix media images are served from: `media/map.png` renders as `mediaURLPrefix + "map.png"`.
    public var mediaURLPrefix: String

    /// A renderer serving media images from `mediaURLPrefix` (for example `/media/info-security/`).
    public init(mediaURLPrefix: String) {
        self.mediaURLPrefix = mediaURLPrefix
    }

    /// Safe HTML for `markdown`, with an `id` on every heading.
    public func render(_ markdown: String) -> RenderedMarkdown {
        if MarkdownLimits.problem(in: markdown) != nil {
            return RenderedMarkdown(html: "<pre>" + Self.escaped(markdown) + "</pre>\n", headings: [])
        }
        let prefix = mediaURLPrefix
        let prepared = CJKEmphasis(markdown)
        let output = CMarkDocument.process(prepared.text, render: true) { visit in
            switch visit.kind {
            case .rawHTML:
                return .replaceWithText
            case .link:
                return MarkdownPolicy.linkProblem(visit.url) == nil ? .keep : .replaceWithText
            case .image:
                guard let path = MarkdownPolicy.mediaPath(visit.url) else { return .replaceWithText }
                return .setURL(prefix + path)
            }
        }
        var anchors = HeadingAnchors()
        let headings = output.headings.map { heading in
            let text = prepared.hasMarkers ? CJKEmphasis.removingMarkers(heading.text) : heading.text
            return MarkdownHeading(level: heading.level, text: text, anchor: anchors.anchor(for: text))
        }
        let body = prepared.hasMarkers ? CJKEmphasis.removingMarkers(output.html ?? "") : output.html ?? ""
        let html = Self.addAnchors(headings, to: body)
        return RenderedMarkdown(html: html, headings: headings)
    }

    /// What loading reports about `markdown`: removed links, images and raw HTML, emphasis markers shown as
    /// literal text, and the media files used.
    public static func inspect(_ markdown: String) -> MarkdownInspection {
        // Links, images, autolinks and raw HTML all need '[' or '<', emphasis '*' or '_'; text without any of
        // them has nothing to check.
        if let problem = MarkdownLimits.problem(in: markdown) {
            return MarkdownInspection(issues: [.init(severity: .error, line: problem.line, column: 1,
                                                     message: problem.message)], media: [])
        }
        var scanned = markdown
        let hasMarkup = scanned.withUTF8 { buffer in
            buffer.baseAddress.map {
                memchr($0, Int32(UInt8(ascii: "[")), buffer.count) != nil
                    || memchr($0, Int32(UInt8(ascii: "<")), buffer.count) != nil
            } ?? false
        }
        let prepared = CJKEmphasis(markdown)
        let checksEmphasis = prepared.runs.contains(where: \.isDelimiter)
        guard hasMarkup || checksEmphasis else { return MarkdownInspection(issues: [], media: []) }
        var issues: [MarkdownInspection.Issue] = []
        var media: [MarkdownInspection.MediaReference] = []
        var columns = ColumnConverter(markdown)
        let output = CMarkDocument.process(prepared.text, render: false, delimiterTexts: checksEmphasis) { byteVisit in
            let byteColumn = prepared.originalByteColumn(line: byteVisit.line, byteColumn: byteVisit.column)
            let visit = CMarkDocument.Visit(kind: byteVisit.kind, url: byteVisit.url, line: byteVisit.line,
                                            column: columns.column(line: byteVisit.line, byteColumn: byteColumn))
            switch visit.kind {
            case .rawHTML:
                issues.append(.init(severity: .warning, line: visit.line, column: visit.column,
                                    message: "raw HTML is not shown to learners; write Markdown instead"))
            case .link:
                if let problem = MarkdownPolicy.linkProblem(visit.url) {
                    issues.append(.init(severity: .error, line: visit.line, column: visit.column, message: problem))
                }
            case .image:
                if let path = MarkdownPolicy.mediaPath(visit.url) {
                    media.append(.init(path: path, line: visit.line, column: visit.column))
                } else {
                    issues.append(.init(severity: .error, line: visit.line, column: visit.column,
                                        message: MarkdownPolicy.imageProblem(visit.url)))
                }
            }
            return .keep
        }
        for run in literalDelimiters(prepared, output.delimiterTexts) {
            let byteColumn = prepared.originalByteColumn(line: run.line, byteColumn: run.byteColumn)
            let marker = String(repeating: Character(run.delimiter), count: run.length)
            let escaped = String(repeating: "\\" + String(run.delimiter), count: run.length)
            issues.append(.init(severity: .warning, line: run.line,
                                column: columns.column(line: run.line, byteColumn: byteColumn),
                                message: "'\(marker)' is shown as literal text, not as emphasis; pair it with a "
                                    + "matching '\(marker)' in the same paragraph, or write \(escaped) to show it"))
        }
        issues.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        return MarkdownInspection(issues: issues, media: media)
    }

    /// The delimiter runs cmark left as literal text: for each text node holding `*` or `_`, the characters not
    /// explained by escapes or by runs that cannot open or close are left-over delimiters, reported at the
    /// delimiter runs that start within the node.
    static func literalDelimiters(_ prepared: CJKEmphasis, _ texts: [CMarkDocument.DelimiterText])
        -> [CJKEmphasis.Run] {
        guard !texts.isEmpty else { return [] }
        var runsByLine: [Int: [CJKEmphasis.Run]] = [:]
        for run in prepared.runs { runsByLine[run.line, default: []].append(run) }
        var escapesByLine: [Int: [Int]] = [:]
        for escape in prepared.escapes { escapesByLine[escape.line, default: []].append(escape.byteColumn) }
        var found: [CJKEmphasis.Run] = []
        for text in texts {
            let range = text.startColumn...max(text.startColumn, text.endColumn)
            let runs = (runsByLine[text.line] ?? []).filter { range.contains($0.byteColumn) }
            let explained = runs.filter { !$0.isDelimiter }.reduce(0) { $0 + $1.length }
                + (escapesByLine[text.line] ?? []).filter { range.contains($0) }.count
            var leftOver = text.count - explained
            for run in runs where run.isDelimiter && leftOver > 0 {
                found.append(run)
                leftOver -= run.length
            }
        }
        return found
    }

    /// `text` with the characters HTML gives meaning to escaped.
    static func escaped(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }

    /// Puts `id="anchor"` on each `<hN>` cmark wrote. Safe mode drops raw HTML, so every `<hN>` in the
    /// output is one of the document's headings, in document order.
    private static func addAnchors(_ headings: [MarkdownHeading], to html: String) -> String {
        guard !headings.isEmpty else { return html }
        var result = ""
        result.reserveCapacity(html.utf8.count + headings.count * 24)
        var remaining = Substring(html)
        var index = 0
        while index < headings.count, let range = remaining.range(of: "<h\(headings[index].level)>") {
            result += remaining[..<range.lowerBound]
            result += "<h\(headings[index].level) id=\"\(headings[index].anchor)\">"
            remaining = remaining[range.upperBound...]
            index += 1
        }
        result += remaining
        return result
    }
}
