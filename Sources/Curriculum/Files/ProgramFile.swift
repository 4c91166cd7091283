import Foundation

/// `programs/<id>.yaml` as written, with where each course reference sits.
struct ProgramFile: Sendable {
    let fileName: String
    let id: Located<ProgramID>?
    let title: LocalizedText
    let summary: LocalizedText
    let kind: ProgramKind
    let courses: [Located<CourseID>]
    let minStudyHours: Double
    let validityDays: Int
    let renewalWindowDays: Int
    let expiryBase: ExpiryBase
    let recertification: (courses: [Located<CourseID>], choose: Int, from: [Located<CourseID>])?

    static let keys = ["id", "title", "summary", "kind", "courses", "min_study_hours", "validity_days",
                       "renewal_window_days", "expiry_base", "recertification"]
    static let requiredKeys = ["id", "title", "summary", "courses", "validity_days", "renewal_window_days",
                               "expiry_base"]

    /// The programme, once its course references are known to resolve.
    var program: Program? {
        guard let id else { return nil }
        return Program(
            id: id.value, title: title, summary: summary, kind: kind, courses: courses.map(\.value),
            minStudyHours: minStudyHours, validityDays: validityDays, renewalWindowDays: renewalWindowDays,
            expiryBase: expiryBase,
            recertification: recertification.map {
                Recertification(courses: $0.courses.map(\.value), choose: $0.choose, from: $0.from.map(\.value))
            },
            source: SourceReference(file: fileName, line: 1))
    }

    static func parse(text: String, fileName: String) -> (ProgramFile?, [Diagnostic]) {
        let sink = DiagnosticSink(file: fileName)
        guard let root = YAMLDocument.compose(text, sink: sink) else {
            if !sink.hasErrors { sink.error("the programme file is empty", line: 1, column: 1) }
            return (nil, sink.diagnostics)
        }
        let reader = YAMLReader(sink: sink)
        guard let mapping = reader.mapping(root, "programme") else { return (nil, sink.diagnostics) }
        reader.checkKeys(mapping, in: "programme", allowed: keys, required: requiredKeys)

        var id: Located<ProgramID>?
        if let node = mapping["id"], let value = reader.identifier(node, "programme id") {
            id = Located(value: ProgramID(value), location: reader.location(of: node))
            let stem = fileName.fileStem
            if stem != value {
                reader.error("the programme id '\(value)' must match its file name '\(stem).yaml'", at: node)
            }
        }
        let title = mapping["title"].flatMap { reader.localized($0, "title") } ?? LocalizedText()
        let summary = mapping["summary"].flatMap { reader.localized($0, "summary") } ?? LocalizedText()
        let kind = mapping["kind"].flatMap {
            reader.choice($0, "kind", ProgramKind.allCases.map(\.rawValue))
        }.flatMap(ProgramKind.init(rawValue:)) ?? .completion
        let courses = courseList(mapping["courses"], "courses", reader: reader, requireOne: true)
        let minStudyHours = mapping["min_study_hours"].flatMap {
            reader.number($0, "min_study_hours", in: 0...Double.infinity)
        } ?? 0
        let validity = mapping["validity_days"].flatMap { reader.integer($0, "validity_days", in: 1...Int.max) }
        let validityDays = validity ?? 1
        var renewalWindowDays = 0
        if let node = mapping["renewal_window_days"],
           let value = reader.integer(node, "renewal_window_days", in: 0...Int.max) {
            renewalWindowDays = value
            if let validity, value > validity {
                reader.error("'renewal_window_days' (\(value)) cannot be longer than 'validity_days' (\(validityDays))",
                             at: node)
            }
        }
        let expiryBase = mapping["expiry_base"].flatMap {
            reader.choice($0, "expiry_base", ExpiryBase.allCases.map(\.rawValue))
        }.flatMap(ExpiryBase.init(rawValue:)) ?? .completion

        var recertification: (courses: [Located<CourseID>], choose: Int, from: [Located<CourseID>])?
        if let node = mapping["recertification"], let block = reader.mapping(node, "recertification") {
            reader.checkKeys(block, in: "recertification", allowed: ["courses", "choose", "from"], required: [])
            let required = courseList(block["courses"], "recertification.courses", reader: reader, requireOne: false)
            let from = courseList(block["from"], "recertification.from", reader: reader, requireOne: false)
            var choose = 0
            if let chooseNode = block["choose"] {
                choose = reader.integer(chooseNode, "choose", in: 0...Int.max) ?? 0
                if block["from"] == nil {
                    reader.error("'choose' needs a 'from' list of courses to choose from", at: chooseNode)
                } else if choose > from.count {
                    reader.error("'choose' is \(choose) but 'from' lists only \(from.count) course\(from.count == 1 ? "" : "s")",
                                 at: chooseNode)
                }
            } else if let fromNode = block["from"] {
                reader.error("'from' needs 'choose': how many of these courses must be passed", at: fromNode)
            }
            if required.isEmpty && choose == 0 && !reader.sink.hasErrors {
                reader.error("recertification must require at least one course: 'courses', or 'choose' with 'from'",
                             at: node)
            }
            for course in required where from.contains(where: { $0.value == course.value }) {
                sink.append(course.location.error("'\(course.value)' is both required and in 'from'"))
            }
            recertification = (required, choose, from)
        }

        let file = ProgramFile(fileName: fileName, id: id, title: title, summary: summary, kind: kind, courses: courses,
                               minStudyHours: minStudyHours, validityDays: validityDays,
                               renewalWindowDays: renewalWindowDays, expiryBase: expiryBase,
                               recertification: recertification)
        return (file, sink.diagnostics)
    }

    private static func courseList(_ node: YAMLNode?, _ name: String, reader: YAMLReader,
                                   requireOne: Bool) -> [Located<CourseID>] {
        guard let node else { return [] }
        let items = reader.identifierList(node, name, itemName: "course id") ?? []
        if requireOne, items.isEmpty, case .sequence(let list) = node, list.isEmpty {
            reader.error("'\(name)' must list at least one course", at: node)
        }
        return items.map { Located(value: CourseID($0.id), location: reader.location(of: $0.node)) }
    }
}
