import Foundation
import Yams

/// Turns YAML text into a node tree, reporting syntax errors with their line and column.
enum YAMLDocument {
    /// The root node of `text`, or nil when the text is empty or has errors (reported to `sink`).
    ///
    /// Course files are composed straight from libyaml's events (`YAMLComposer`); text that composer leaves
    /// alone (syntax errors, repeated keys, tags, anchors, several documents) goes through Yams, whose tree
    /// is converted and whose errors are reported as before.
    static func compose(_ text: String, sink: DiagnosticSink) -> YAMLNode? {
        if let alias = YAMLAliasScanner.firstAlias(in: text) {
            sink.error("YAML aliases (*name) are not supported in course files; write the value out in full",
                       line: alias.line, column: alias.column)
            return nil
        }
        if let composed = YAMLComposer.compose(text) { return composed }
        return composeWithYams(text, sink: sink)
    }

    /// What `compose` gives for `text` when Yams composes it (tests compare the two ways).
    static func composeWithYams(_ text: String, sink: DiagnosticSink) -> YAMLNode? {
        do {
            let parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
            return try parser.singleRoot().map(converted)
        } catch let error as YamlError {
            report(error, in: text, sink: sink)
        } catch {
            sink.error("cannot read YAML: \(error)", line: 1, column: 1)
        }
        return nil
    }

    /// A Yams node as a `YAMLNode`; composition has already resolved aliases to the nodes they name.
    private static func converted(_ node: Node) -> YAMLNode {
        func mark(_ mark: Mark?) -> YAMLNode.Mark {
            YAMLNode.Mark(line: mark?.line ?? 0, column: mark?.column ?? 0)
        }
        switch node {
        case .scalar(let scalar):
            return .scalar(YAMLNode.Scalar(string: scalar.string, tag: scalar.tag.rawValue,
                                           style: YAMLNode.Style(rawValue: scalar.style.rawValue) ?? .any,
                                           mark: mark(scalar.mark)))
        case .mapping(let mapping):
            return .mapping(YAMLNode.Mapping(
                pairs: mapping.map { YAMLNode.Mapping.Pair(key: converted($0.key), value: converted($0.value)) },
                mark: mark(mapping.mark)))
        case .sequence(let sequence):
            return .sequence(YAMLNode.List(items: sequence.map(converted), mark: mark(sequence.mark)))
        case .alias(let alias):
            return .scalar(YAMLNode.Scalar(string: "", tag: "", style: .plain, mark: mark(alias.mark)))
        }
    }

    private static func report(_ error: YamlError, in text: String, sink: DiagnosticSink) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "YAML syntax error: \(problem)"
            if let context, !context.text.isEmpty {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            if character(in: text, line: mark.line, column: mark.column) == "\t" {
                message += "; tabs cannot indent YAML, use spaces"
            }
            sink.error(message, line: mark.line, column: mark.column)
        case .reader(let problem, let offset, _, _):
            let place = offset.map { position(ofCharacterOffset: $0, in: text) } ?? (1, 1)
            sink.error("YAML cannot read this text: \(problem)", line: place.0, column: place.1)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for key in duplicates.prefix(20) {
                let second = secondOccurrence(of: key, after: context.mark, in: lines)
                sink.error("duplicate key '\(key)': each key may appear only once here (first at line \(context.mark.line))",
                           line: second?.line ?? context.mark.line, column: second?.column ?? context.mark.column)
            }
        default:
            sink.error("cannot read YAML: \(error)", line: 1, column: 1)
        }
    }

    private static func character(in text: String, line: Int, column: Int) -> Unicode.Scalar? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        let scalars = Array(lines[line - 1].unicodeScalars)
        guard column >= 1, column <= scalars.count else { return nil }
        return scalars[column - 1]
    }

    private static func position(ofCharacterOffset offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for (index, scalar) in text.unicodeScalars.enumerated() {
            if index >= offset { break }
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    /// Where `key` appears again at the same indentation after its first occurrence at `first`.
    private static func secondOccurrence(of key: String, after first: Mark,
                                         in lines: [Substring]) -> (line: Int, column: Int)? {
        guard first.line >= 1 else { return nil }
        let forms = [key + ":", "\"" + key + "\":", "'" + key + "':"]
        for index in first.line..<lines.count {
            let scalars = Array(lines[index].unicodeScalars)
            let indent = scalars.prefix { $0 == " " || $0 == "-" }.count
            guard indent == first.column - 1 else { continue }
            let rest = String(String.UnicodeScalarView(scalars[indent...]))
            if forms.contains(where: { rest.hasPrefix($0) }) || rest.hasPrefix(key + " :") {
                return (index + 1, indent + 1)
            }
        }
        // Flow mappings (`{zh: a, zh: b}`) keep both keys on one line: point at the second on that line.
        if first.line <= lines.count {
            let line = String(lines[first.line - 1])
            let scalars = Array(line.unicodeScalars)
            let startOffset = min(scalars.count, first.column)
            let tail = String(String.UnicodeScalarView(scalars[startOffset...]))
            for form in forms {
                if let range = tail.range(of: form) {
                    let offset = tail.unicodeScalars.distance(from: tail.unicodeScalars.startIndex,
                                                              to: range.lowerBound)
                    return (first.line, startOffset + offset + 1)
                }
            }
        }
        return nil
    }
}
