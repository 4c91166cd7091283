import Foundation

/// `plans/<id>.yaml` as written: a training plan's entries, with where each reference sits.
///
/// ```yaml
/// id: security-2027
/// title: {zh: 2027年度信息安全培训, en: Information security training 2027}
/// entries:
///   - id: refresher
///     course: info-security-refresher
///     kind: required
///     audience: {department: 测试省/市场监管局, include_subtree: true, job_category: 窗口岗位}
///     due: 2027-06-30
/// ```
struct PlanFile: Sendable {
    let fileName: String
    let id: Located<PlanID>?
    let title: LocalizedText
    /// The entries without errors.
    let entries: [PlanEntry]
    /// Every course or programme an entry names (with or without other errors), where it is written.
    let references: [Located<PlanItem>]

    static let keys = ["id", "title", "entries"]
    static let entryKeys = ["id", "course", "program", "kind", "audience", "due", "due_days_after_assignment",
                            "due_days_after_joining"]
    static let audienceKeys = ["department", "include_subtree", "job_category", "people"]
    static let dueKeys = ["due", "due_days_after_assignment", "due_days_after_joining"]
    /// Keys people write for required/elective out of habit; the message says how to write it here.
    static let kindHabits = ["required", "elective", "optional", "mandatory", "compulsory"]
    /// What the assignments' due days allow (10 years).
    static let dueDays = 1...3660
    /// What the staff attribute allows.
    static let jobCategoryLength = 1...60

    /// The plan, once its course and programme references are known to resolve.
    var plan: Plan? {
        guard let id else { return nil }
        return Plan(id: id.value, title: title, entries: entries,
                    source: SourceReference(file: fileName, line: 1))
    }

    static func parse(text: String, fileName: String) -> (PlanFile?, [Diagnostic]) {
        let sink = DiagnosticSink(file: fileName)
        guard let root = YAMLDocument.compose(text, sink: sink) else {
            if !sink.hasErrors { sink.error("the plan file is empty", line: 1, column: 1) }
            return (nil, sink.diagnostics)
        }
        let reader = YAMLReader(sink: sink)
        guard let mapping = reader.mapping(root, "plan") else { return (nil, sink.diagnostics) }
        reader.checkKeys(mapping, in: "plan", allowed: keys, required: keys)

        var id: Located<PlanID>?
        if let node = mapping["id"], let value = reader.identifier(node, "plan id") {
            id = Located(value: PlanID(value), location: reader.location(of: node))
            let stem = fileName.fileStem
            if stem != value {
                reader.error("the plan id '\(value)' must match its file name '\(stem).yaml'", at: node)
            }
        }
        let title = mapping["title"].flatMap { reader.localized($0, "title") } ?? LocalizedText()

        var entries: [PlanEntry] = []
        var references: [Located<PlanItem>] = []
        if let node = mapping["entries"], let items = reader.sequence(node, "entries") {
            if items.isEmpty {
                reader.error("'entries' must list at least one entry", at: node)
            }
            var seen: [String: Int] = [:]
            for item in items {
                // Repeated ids are reported whatever else is wrong with either entry.
                if case .mapping(let entryMapping) = item,
                   let idNode = entryMapping.pairs.first(where: { $0.key.scalarString == "id" })?.value,
                   let entryID = idNode.scalarString, Identifier.isValid(entryID) {
                    let line = reader.position(of: item).line
                    if let first = seen[entryID] {
                        reader.error("entry id '\(entryID)' is used twice in this plan (first at line \(first)); "
                                     + "entry ids must be unique", at: idNode)
                        _ = entry(item, reader: reader, references: &references)
                        continue
                    }
                    seen[entryID] = line
                }
                if let parsed = entry(item, reader: reader, references: &references) { entries.append(parsed) }
            }
        }
        return (PlanFile(fileName: fileName, id: id, title: title, entries: entries, references: references),
                sink.diagnostics)
    }

    /// One entry, or nil when it has an error (already reported); what it assigns is added to `references`.
    private static func entry(_ node: YAMLNode, reader: YAMLReader,
                              references: inout [Located<PlanItem>]) -> PlanEntry? {
        guard let mapping = reader.mapping(node, "entry") else { return nil }
        let errorsBefore = reader.sink.diagnostics.count(where: \.isError)
        reader.checkKeys(mapping, in: "entry", allowed: entryKeys + kindHabits, required: ["id", "kind", "audience"])
        for (index, key) in mapping.keys.enumerated() {
            guard let key, kindHabits.contains(key) else { continue }
            reader.error("unknown key '\(key)' in entry; write 'kind: required' or 'kind: elective'",
                         at: mapping.mapping[mapping.mapping.startIndex + index].key)
        }

        let id = mapping["id"].flatMap { reader.identifier($0, "entry id") }
        let required = mapping["kind"].flatMap { reader.choice($0, "kind", ["required", "elective"]) }

        var item: (PlanItem, SourceLocation)?
        switch (mapping["course"], mapping["program"]) {
        case (let course?, let program?):
            let later = course.mark.line <= program.mark.line ? "program" : "course"
            let earlier = later == "program" ? "course" : "program"
            reader.error("an entry assigns one item: '\(earlier)' is given already, so '\(later)' cannot be given too",
                         at: mapping.keyNode(later) ?? (later == "program" ? program : course))
        case (let course?, nil):
            if let value = reader.identifier(course, "course id") {
                item = (.course(CourseID(value)), reader.location(of: course))
            }
        case (nil, let program?):
            if let value = reader.identifier(program, "programme id") {
                item = (.program(ProgramID(value)), reader.location(of: program))
            }
        case (nil, nil):
            reader.error("entry is missing what it assigns: 'course: <course id>' or 'program: <programme id>'",
                         at: mapping.node)
        }

        if let item { references.append(Located(value: item.0, location: item.1)) }
        let audience = mapping["audience"].flatMap { readAudience($0, reader: reader) }
        let due = dueRule(mapping, reader: reader)

        guard reader.sink.diagnostics.count(where: \.isError) == errorsBefore,
              let id, let required, let item, let audience, let due else { return nil }
        let line = reader.position(of: node).line + reader.sink.lineOffset
        let audienceLine = mapping["audience"].map { reader.position(of: $0).line + reader.sink.lineOffset } ?? line
        return PlanEntry(id: id, item: item.0, required: required == "required", audience: audience, due: due,
                         line: line, audienceLine: audienceLine)
    }

    private static func readAudience(_ node: YAMLNode, reader: YAMLReader) -> PlanAudience? {
        guard let mapping = reader.mapping(node, "audience") else { return nil }
        reader.checkKeys(mapping, in: "audience", allowed: audienceKeys, required: [])
        let department = mapping["department"].flatMap { departmentPath($0, reader: reader) }
        if let people = mapping["people"] {
            for key in ["include_subtree", "job_category"] {
                if let keyNode = mapping.keyNode(key) {
                    reader.error("'\(key)' applies to a department audience, not to named people", at: keyNode)
                }
            }
            guard let list = peopleList(people, reader: reader) else { return nil }
            if mapping["department"] != nil && department == nil { return nil }
            return .people(list, department: department)
        }
        var includeSubtree: Bool? = true
        if let subtreeNode = mapping["include_subtree"] {
            includeSubtree = reader.boolean(subtreeNode, "include_subtree")
        }
        var jobCategory: String?
        var categoryRead = true
        if let categoryNode = mapping["job_category"] {
            if let text = reader.text(categoryNode, "job_category")?.trimmingCharacters(in: .whitespaces),
               jobCategoryLength.contains(text.count), !text.contains(where: \.isNewline) {
                jobCategory = text
            } else {
                categoryRead = false
                if case .scalar(let scalar) = categoryNode, YAMLValue(scalar) != .null {
                    reader.error("'job_category' must be one line of \(jobCategoryLength.lowerBound) to "
                                 + "\(jobCategoryLength.upperBound) characters", at: categoryNode)
                }
            }
        }
        guard mapping["department"] != nil else {
            reader.error("audience needs 'department: <path>' (everyone there) or 'people: [...]' (named people)",
                         at: node)
            return nil
        }
        guard let department, let includeSubtree, categoryRead else { return nil }
        return .department(path: department, includeSubtree: includeSubtree, jobCategory: jobCategory)
    }

    /// `测试省/市场监管局`: department names from the top of the tree, separated by `/`.
    private static func departmentPath(_ node: YAMLNode, reader: YAMLReader) -> [String]? {
        guard let text = reader.text(node, "department") else { return nil }
        let names = text.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.contains(where: \.isEmpty) else {
            reader.error("'department' must be department names from the top of the tree separated by '/', "
                         + "such as 测试省/市场监管局; '\(text)' has an empty name", at: node)
            return nil
        }
        guard !text.contains(where: { $0.isNewline }) else {
            reader.error("'department' must be on one line", at: node)
            return nil
        }
        return names
    }

    /// Logins or employee numbers, each once.
    private static func peopleList(_ node: YAMLNode, reader: YAMLReader) -> [String]? {
        guard let items = reader.sequence(node, "people") else { return nil }
        guard !items.isEmpty else {
            reader.error("'people' must name at least one person (a login or an employee number)", at: node)
            return nil
        }
        var people: [String] = []
        var seen: Set<String> = []
        var failed = false
        for item in items {
            guard let text = reader.text(item, "people") else { failed = true; continue }
            let person = text.trimmingCharacters(in: .whitespaces)
            if person.isEmpty || person.contains(where: \.isNewline) {
                reader.error("each person is one login or employee number on one line", at: item)
                failed = true
            } else if !seen.insert(person).inserted {
                reader.error("'\(person)' is listed twice in 'people'", at: item)
                failed = true
            } else {
                people.append(person)
            }
        }
        return failed ? nil : people
    }

    /// The entry's one due rule (`.none` without any), or nil after reporting a problem.
    private static func dueRule(_ mapping: YAMLMapping, reader: YAMLReader) -> PlanDueRule? {
        let given = dueKeys.compactMap { key in mapping.keyNode(key).map { (key, $0) } }
            .sorted { ($0.1.mark.line, $0.1.mark.column) < ($1.1.mark.line, $1.1.mark.column) }
        guard let (key, _) = given.first else { return PlanDueRule.none }
        var ok = true
        for (other, keyNode) in given.dropFirst() {
            reader.error("an entry has one due rule: '\(key)' is given already (line \(reader.position(of: given[0].1).line)), "
                         + "so '\(other)' cannot be given too", at: keyNode)
            ok = false
        }
        guard let node = mapping[key] else { return nil }
        let rule: PlanDueRule?
        switch key {
        case "due":
            rule = day(node, reader: reader).map(PlanDueRule.fixed)
        case "due_days_after_assignment":
            rule = reader.integer(node, key, in: dueDays).map(PlanDueRule.afterAssignment)
        default:
            rule = reader.integer(node, key, in: dueDays).map(PlanDueRule.afterJoining)
        }
        return ok ? rule : nil
    }

    /// A real calendar day written `YYYY-MM-DD`.
    private static func day(_ node: YAMLNode, reader: YAMLReader) -> String? {
        guard case .scalar(let scalar) = node, YAMLValue(scalar) != .null else {
            reader.error("'due' must be a day written YYYY-MM-DD, such as 2027-06-30, not \(reader.describe(node))",
                         at: node)
            return nil
        }
        let text = scalar.string
        guard isDay(text) else {
            let what = isDayShaped(text) ? "a real day" : "a day written YYYY-MM-DD, such as 2027-06-30"
            reader.error("'due' must be \(what), not '\(text)'", at: node)
            return nil
        }
        return text
    }

    /// Whether `text` is `YYYY-MM-DD` in digits.
    static func isDayShaped(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
    }

    /// Whether `text` is a day of the Gregorian calendar written `YYYY-MM-DD` (years 2000 to 2999).
    static func isDay(_ text: String) -> Bool {
        guard isDayShaped(text) else { return false }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return false }
        let (year, month, day) = (parts[0], parts[1], parts[2])
        guard (2000...2999).contains(year), (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...lengths[month - 1]).contains(day)
    }
}

private extension YAMLNode {
    /// The text of a scalar node; nil for mappings and lists.
    var scalarString: String? {
        if case .scalar(let scalar) = self { return scalar.string }
        return nil
    }
}
