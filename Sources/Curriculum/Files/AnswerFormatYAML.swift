/// Reads the keys that say how a typed answer may be written (see "Numbers and short answers as people type
/// them" in `Courses/README.md`) and checks them: a mistake here would mark a right answer wrong, so each is an
/// error.
enum AnswerFormatYAML {
    /// The format keys of a numeric question.
    static let numericKeys = ["format", "example", "units", "unit_required", "unit_penalty", "wrappers",
                              "chinese_numerals"]
    /// The format keys of a short-answer question.
    static let shortKeys = ["wrappers"]

    /// The question's format, or nil when it declares none of the keys (or they have errors, already reported).
    static func read(_ mapping: YAMLMapping, reader: YAMLReader, numeric: Bool) -> AnswerFormat? {
        let keys = numeric ? numericKeys : shortKeys
        guard keys.contains(where: { mapping.index(of: $0) != nil }) else { return nil }
        var format = AnswerFormat()
        var complete = true
        if let node = mapping["format"] {
            if let hint = reader.localized(node, "format") { format.hint = hint } else { complete = false }
        }
        if let node = mapping["example"] {
            if let example = reader.text(node, "example") { format.example = example } else { complete = false }
        }
        if let node = mapping["chinese_numerals"] {
            if let flag = reader.boolean(node, "chinese_numerals") { format.chineseNumerals = flag } else { complete = false }
        }
        if let node = mapping["wrappers"] {
            if let wrappers = self.wrappers(node, reader: reader) { format.wrappers = wrappers } else { complete = false }
        }
        if let node = mapping["units"] {
            if let units = self.units(node, format: format, reader: reader) { format.units = units } else { complete = false }
        }
        let required = mapping["unit_required"].flatMap { reader.boolean($0, "unit_required") }
        let penalty = mapping["unit_penalty"].flatMap { reader.number($0, "unit_penalty", in: 0...100) }
        if let penaltyNode = mapping.keyNode("unit_penalty"), required == true {
            reader.error("a unit is either required ('unit_required: true') or costs a penalty when missing "
                         + "('unit_penalty'), not both", at: penaltyNode)
            complete = false
        } else if let penalty {
            format.unitRule = .penalty(fraction: penalty / 100)
        } else if required == true {
            format.unitRule = .required
        }
        for key in ["unit_required", "unit_penalty"] {
            if let node = mapping.keyNode(key), format.units.isEmpty, mapping["units"] == nil {
                reader.error("'\(key)' needs 'units': declare the units a number may carry", at: node)
                complete = false
            }
        }
        return complete ? format : nil
    }

    /// Checks the example against the answers: it must read as a number this question accepts, and must not
    /// be one of the answers with marks.
    static func checkExample(_ format: AnswerFormat, answers: [NumericAnswer], mapping: YAMLMapping, reader: YAMLReader) {
        guard let example = format.example, let node = mapping["example"] else { return }
        switch NumericKind.read(example, format: format) {
        case .empty, .unreadable:
            reader.error("the example '\(example)' is not a number in a form this question accepts", at: node)
        case .number(let value, _):
            if answers.contains(where: { $0.fraction > 0 && NumericKind.accepts($0.target, value) }) {
                reader.error("the example '\(example)' is a right answer: it would give the answer away", at: node)
            }
        }
    }

    private static func wrappers(_ node: YAMLNode, reader: YAMLReader) -> [AnswerWrapper]? {
        guard let items = reader.sequence(node, "wrappers") else { return nil }
        var wrappers: [AnswerWrapper] = []
        var complete = true
        var seen: Set<AnswerWrapper> = []
        for item in items {
            var wrapper: AnswerWrapper?
            if case .mapping = item, let entry = reader.mapping(item, "a wrapper") {
                reader.checkKeys(entry, in: "wrapper", allowed: ["prefix", "suffix"], required: [])
                let prefix = entry["prefix"].flatMap { reader.text($0, "prefix") } ?? ""
                let suffix = entry["suffix"].flatMap { reader.text($0, "suffix") } ?? ""
                wrapper = AnswerWrapper(prefix: prefix, suffix: suffix)
            } else if let text = reader.text(item, "wrapper") {
                let marker = text.contains("…") ? "…" : "..."
                let parts = text.split(separator: marker, omittingEmptySubsequences: false)
                if parts.count == 2 {
                    wrapper = AnswerWrapper(prefix: String(parts[0]), suffix: String(parts[1]))
                } else {
                    reader.error("write a wrapper as prefix…suffix with one '…' where the answer goes "
                                 + "(第…条, Article …), or as {prefix: ..., suffix: ...}", at: item)
                }
            }
            guard let wrapper else { complete = false; continue }
            let prefix = TextNormalizer.normalize(wrapper.prefix), suffix = TextNormalizer.normalize(wrapper.suffix)
            if prefix.isEmpty && suffix.isEmpty {
                reader.error("a wrapper needs a prefix or a suffix", at: item)
                complete = false
            } else if (prefix + suffix).contains(where: { ("0"..."9").contains($0) }) {
                reader.error("a wrapper cannot contain digits: '\(prefix)…\(suffix)' would take part of the answer",
                             at: item)
                complete = false
            } else if !seen.insert(AnswerWrapper(prefix: prefix, suffix: suffix)).inserted {
                reader.error("the wrapper '\(prefix)…\(suffix)' is declared twice", at: item)
                complete = false
            }
            wrappers.append(wrapper)
        }
        return complete ? wrappers : nil
    }

    private static func units(_ node: YAMLNode, format: AnswerFormat, reader: YAMLReader) -> [AnswerUnit]? {
        guard let items = reader.sequence(node, "units") else { return nil }
        if items.isEmpty {
            reader.error("'units' is empty: list the units a number may carry, or remove the key", at: node)
            return nil
        }
        var units: [AnswerUnit] = []
        var seen: Set<String> = []
        var complete = true
        for item in items {
            var unit: AnswerUnit?
            if case .mapping = item, let entry = reader.mapping(item, "a unit") {
                reader.checkKeys(entry, in: "unit", allowed: ["unit", "multiplier"], required: ["unit"])
                let text = entry["unit"].flatMap { reader.text($0, "unit") }
                let multiplier = entry["multiplier"].map { reader.number($0, "multiplier", exclusiveMinimum: 0) } ?? 1
                if let text, let multiplier { unit = AnswerUnit(text, multiplier: multiplier) }
            } else if let text = reader.text(item, "unit") {
                unit = AnswerUnit(text)
            }
            guard let unit else { complete = false; continue }
            let normalized = TextNormalizer.normalize(unit.text)
            var bare = format
            bare.units = []
            bare.wrappers = []
            if case .number = NumericKind.read(unit.text, format: bare) {
                reader.error("the unit '\(unit.text)' is itself a number", at: item)
                complete = false
            } else if let first = normalized.first, ("0"..."9").contains(first) || "+-.,".contains(first) {
                reader.error("a unit cannot start with a digit or a sign: '\(unit.text)'", at: item)
                complete = false
            } else if !seen.insert(normalized).inserted {
                reader.error("the unit '\(unit.text)' is declared twice", at: item)
                complete = false
            }
            units.append(unit)
        }
        return complete ? units : nil
    }
}
