import Foundation

/// Reads typed values out of a composed YAML tree for one file, reporting every problem at its position.
///
/// Each accessor returns nil after reporting a problem, so a parser can go on and find the next mistake.
final class YAMLReader {
    let sink: DiagnosticSink

    init(sink: DiagnosticSink) {
        self.sink = sink
    }

    // MARK: Positions and messages

    func position(of node: YAMLNode) -> (line: Int, column: Int) {
        let mark = node.mark
        return (max(1, mark.line), max(1, mark.column))
    }

    func location(of node: YAMLNode) -> SourceLocation {
        let (line, column) = position(of: node)
        return SourceLocation(file: sink.file, line: line + sink.lineOffset, column: column)
    }

    func error(_ message: String, at node: YAMLNode) {
        let (line, column) = position(of: node)
        sink.error(message, line: line, column: column)
    }

    func warning(_ message: String, at node: YAMLNode) {
        let (line, column) = position(of: node)
        sink.warning(message, line: line, column: column)
    }

    // MARK: Structure

    /// `node` as a mapping with string keys; reports other shapes as `'name' must be ...`.
    func mapping(_ node: YAMLNode, _ name: String) -> YAMLMapping? {
        guard case .mapping(let mapping) = node else {
            error("\(name) must be a mapping of keys to values, not \(describe(node))", at: node)
            return nil
        }
        var keys: [String?] = []
        keys.reserveCapacity(mapping.count)
        for index in mapping.indices {
            let key = mapping[index].key
            if case .scalar(let scalar) = key {
                keys.append(scalar.string)
            } else {
                error("keys must be plain names, not \(describe(key))", at: key)
                keys.append(nil)
            }
        }
        return YAMLMapping(node: node, mapping: mapping, keys: keys)
    }

    /// Reports keys not in `allowed` (with a suggestion for typos) and `required` keys that are missing.
    func checkKeys(_ mapping: YAMLMapping, in name: String, allowed: [String], required: [String]) {
        for (index, key) in mapping.keys.enumerated() {
            guard let key, !allowed.contains(key) else { continue }
            var message = "unknown key '\(key)' in \(name)"
            if let suggestion = KeySuggestion.closest(to: key, among: allowed) {
                message += "; did you mean '\(suggestion)'?"
            } else {
                message += "; allowed keys are " + allowed.joined(separator: ", ")
            }
            error(message, at: mapping.mapping[mapping.mapping.startIndex + index].key)
        }
        for key in required where mapping.index(of: key) == nil {
            error("\(name) is missing the required key '\(key)'", at: mapping.node)
        }
    }

    /// `node` as a list; reports other shapes.
    func sequence(_ node: YAMLNode, _ name: String) -> [YAMLNode]? {
        guard case .sequence(let sequence) = node else {
            error("'\(name)' must be a list, not \(describe(node))", at: node)
            return nil
        }
        return sequence.items
    }

    // MARK: Scalars

    func value(_ node: YAMLNode) -> YAMLValue? {
        guard case .scalar(let scalar) = node else { return nil }
        return YAMLValue(scalar)
    }

    /// Any non-empty scalar, as written.
    func text(_ node: YAMLNode, _ name: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error("'\(name)' must be text, not \(describe(node))", at: node)
            return nil
        }
        if YAMLValue(scalar) == .null {
            error("'\(name)' has no value", at: node)
            return nil
        }
        return scalar.string
    }

    /// A stable id: lowercase ASCII letters, digits and hyphens, starting with a letter or digit.
    func identifier(_ node: YAMLNode, _ name: String) -> String? {
        guard let text = text(node, name) else { return nil }
        guard Identifier.isValid(text) else {
            error("'\(text)' is not a valid \(name): use lowercase letters a-z, digits and hyphens, "
                  + "starting with a letter or digit", at: node)
            return nil
        }
        return text
    }

    func integer(_ node: YAMLNode, _ name: String, in range: ClosedRange<Int>? = nil) -> Int? {
        guard let value = value(node), case .int(let number) = value else {
            error("'\(name)' must be a whole number, not \(describe(node))", at: node)
            return nil
        }
        if let range, !range.contains(number) {
            error("'\(name)' must be \(describe(range)), not \(number)", at: node)
            return nil
        }
        return number
    }

    /// A finite number (or infinite when `allowInfinity`), optionally within `range`.
    func number(_ node: YAMLNode, _ name: String, in range: ClosedRange<Double>? = nil, allowInfinity: Bool = false,
                exclusiveMinimum: Double? = nil) -> Double? {
        guard let number = value(node)?.number, !number.isNaN else {
            error("'\(name)' must be a number, not \(describe(node))", at: node)
            return nil
        }
        if number.isInfinite && !allowInfinity {
            error("'\(name)' must be a finite number", at: node)
            return nil
        }
        if let range, !range.contains(number) {
            error("'\(name)' must be \(describe(range)), not \(format(number))", at: node)
            return nil
        }
        if let exclusiveMinimum, number <= exclusiveMinimum {
            error("'\(name)' must be greater than \(format(exclusiveMinimum)), not \(format(number))", at: node)
            return nil
        }
        return number
    }

    func boolean(_ node: YAMLNode, _ name: String) -> Bool? {
        guard let value = value(node), case .bool(let flag) = value else {
            error("'\(name)' must be true or false, not \(describe(node))", at: node)
            return nil
        }
        return flag
    }

    /// One of `choices`, as written.
    func choice(_ node: YAMLNode, _ name: String, _ choices: [String]) -> String? {
        guard let text = text(node, name) else { return nil }
        guard choices.contains(text) else {
            var message = "'\(name)' must be one of " + choices.joined(separator: ", ") + ", not '\(text)'"
            if let suggestion = KeySuggestion.closest(to: text, among: choices) {
                message += "; did you mean '\(suggestion)'?"
            }
            error(message, at: node)
            return nil
        }
        return text
    }

    /// A list of ids, each reported if invalid or repeated.
    func identifierList(_ node: YAMLNode, _ name: String, itemName: String) -> [(id: String, node: YAMLNode)]? {
        guard let items = sequence(node, name) else { return nil }
        var result: [(id: String, node: YAMLNode)] = []
        var seen: Set<String> = []
        for item in items {
            guard let id = identifier(item, itemName) else { continue }
            if !seen.insert(id).inserted {
                error("'\(id)' is listed twice in '\(name)'", at: item)
                continue
            }
            result.append((id, item))
        }
        return result
    }

    /// A list of non-empty texts.
    func textList(_ node: YAMLNode, _ name: String) -> [String]? {
        guard let items = sequence(node, name) else { return nil }
        return items.compactMap { text($0, name) }
    }

    /// A bilingual text `{zh: ..., en: ...}`; a missing language is a warning, both missing an error.
    func localized(_ node: YAMLNode, _ name: String, warnMissing: Bool = true) -> LocalizedText? {
        guard case .mapping(let mapping) = node else {
            error("'\(name)' must be a bilingual text {zh: ..., en: ...}, not \(describe(node))", at: node)
            return nil
        }
        var result = LocalizedText()
        var seenZH = false
        var seenEN = false
        for index in mapping.indices {
            let (key, value) = mapping[index]
            guard case .scalar(let keyScalar) = key else {
                error("keys must be plain names, not \(describe(key))", at: key)
                continue
            }
            switch keyScalar.string {
            case "zh" where !seenZH:
                seenZH = true
                result.zh = optionalText(value, name + ".zh")
            case "en" where !seenEN:
                seenEN = true
                result.en = optionalText(value, name + ".en")
            default:
                var message = "unknown language '\(keyScalar.string)' in '\(name)'; use zh and en"
                if let suggestion = KeySuggestion.closest(to: keyScalar.string, among: ["zh", "en"]) {
                    message += " (did you mean '\(suggestion)'?)"
                }
                error(message, at: key)
            }
        }
        if result.zh == nil && result.en == nil {
            error("'\(name)' has no text in either language", at: node)
            return nil
        }
        if warnMissing {
            if result.zh == nil { warning("'\(name)' has no Chinese (zh) text", at: node) }
            if result.en == nil { warning("'\(name)' has no English (en) text", at: node) }
        }
        return result
    }

    private func optionalText(_ node: YAMLNode, _ name: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error("'\(name)' must be text, not \(describe(node))", at: node)
            return nil
        }
        if YAMLValue(scalar) == .null { return nil }
        let text = scalar.string
        return text.unicodeScalars.allSatisfy(\.properties.isWhitespace) ? nil : text
    }

    // MARK: Descriptions

    func describe(_ node: YAMLNode) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar): return YAMLValue(scalar).shortDescription
        }
    }

    private func describe(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "at least \(range.lowerBound)" }
        return "between \(range.lowerBound) and \(range.upperBound)"
    }

    private func describe(_ range: ClosedRange<Double>) -> String {
        if range.upperBound == .infinity { return "at least \(format(range.lowerBound))" }
        return "between \(format(range.lowerBound)) and \(format(range.upperBound))"
    }

    func format(_ number: Double) -> String {
        NumberFormatting.plain(number)
    }
}
