import Assessment
import Curriculum
import Logging

/// What a reload changed: courses, modules, quizzes, programmes and training plans added, changed (their content
/// hash or version differs) or removed, in the order a trainer reads them (by course, then programmes, then plans).
public struct CatalogueChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case course, module, quiz, program, plan
    }

    public enum Change: String, Sendable, Hashable, CaseIterable {
        case added, changed, removed
    }

    public var kind: Kind
    public var change: Change
    /// The course a module or quiz belongs to (the course itself for a course; nil for a programme or plan).
    public var course: CourseID?
    /// The item's own id (module, quiz, course or programme id).
    public var id: String
    /// The title: the new one, or the old one for a removed item.
    public var title: LocalizedText
    /// The course's version before and after, when it changed.
    public var versions: (before: Int, after: Int)?

    public init(kind: Kind, change: Change, course: CourseID?, id: String, title: LocalizedText,
                versions: (before: Int, after: Int)? = nil) {
        self.kind = kind
        self.change = change
        self.course = course
        self.id = id
        self.title = title
        self.versions = versions
    }

    /// The path a log line names the item by: `course`, `course/module`, `course/quiz`, `programs/id` or
    /// `plans/id`.
    public var path: String {
        switch kind {
        case .course: id
        case .module, .quiz: "\(course?.rawValue ?? "?")/\(id)"
        case .program: "programs/\(id)"
        case .plan: "plans/\(id)"
        }
    }

    /// One line for the server log, e.g. `changed module info-security/02-passwords`.
    public var logLine: String {
        var line = "\(change.rawValue) \(kind.rawValue) \(path)"
        if let versions { line += " (version \(versions.before) -> \(versions.after))" }
        return line
    }

    public static func == (lhs: CatalogueChange, rhs: CatalogueChange) -> Bool {
        lhs.kind == rhs.kind && lhs.change == rhs.change && lhs.course == rhs.course && lhs.id == rhs.id
            && lhs.title == rhs.title && lhs.versions?.before == rhs.versions?.before
            && lhs.versions?.after == rhs.versions?.after
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(change)
        hasher.combine(course)
        hasher.combine(id)
    }

    /// The differences from `old` to `new`. A course is reported as changed when its own settings (version,
    /// titles, hours, completion rule, the order of its modules or quizzes) differ, or when its hash differs
    /// and nothing below it explains why; its modules and quizzes are reported one by one. An added or removed
    /// course is one line, without its modules and quizzes.
    public static func between(_ old: Catalogue, _ new: Catalogue) -> [CatalogueChange] {
        var changes: [CatalogueChange] = []
        let newIDs = Set(new.courses.map(\.id))
        for course in new.courses {
            guard let before = old.course(course.id) else {
                changes.append(CatalogueChange(kind: .course, change: .added, course: course.id, id: course.id.rawValue,
                                               title: course.title))
                continue
            }
            guard before.contentHash != course.contentHash || before.version != course.version else { continue }
            var inner: [CatalogueChange] = []
            inner += compare(before.modules, course.modules, kind: .module, course: course.id,
                             id: \.id.rawValue, hash: \.contentHash, title: \.title)
            inner += compare(before.quizzes, course.quizzes, kind: .quiz, course: course.id,
                             id: \.id.rawValue, hash: \.contentHash, title: \.title)
            if ownSettingsDiffer(before, course) || inner.isEmpty {
                let versions = before.version != course.version ? (before.version, course.version) : nil
                changes.append(CatalogueChange(kind: .course, change: .changed, course: course.id, id: course.id.rawValue,
                                               title: course.title, versions: versions))
            }
            changes += inner
        }
        for course in old.courses where !newIDs.contains(course.id) {
            changes.append(CatalogueChange(kind: .course, change: .removed, course: course.id, id: course.id.rawValue,
                                           title: course.title))
        }
        changes += compare(old.programs, new.programs, kind: .program, course: nil,
                           id: \.id.rawValue, hash: \.contentHash, title: \.title)
        changes += compare(old.plans, new.plans, kind: .plan, course: nil,
                           id: \.id.rawValue, hash: \.contentHash, title: \.title)
        return changes
    }

    private static func ownSettingsDiffer(_ old: Course, _ new: Course) -> Bool {
        let oldModules = old.modules.map(\.id), newModules = new.modules.map(\.id)
        let oldQuizzes = old.quizzes.map(\.id), newQuizzes = new.quizzes.map(\.id)
        return old.version != new.version || old.title != new.title || old.summary != new.summary
            || old.audience != new.audience || old.studyHours != new.studyHours || old.completion != new.completion
            || oldModules.filter(newModules.contains) != newModules.filter(oldModules.contains)
            || oldQuizzes.filter(newQuizzes.contains) != newQuizzes.filter(oldQuizzes.contains)
    }

    /// Added and changed items in the new order, then removed ones in the old order.
    private static func compare<Item>(_ old: [Item], _ new: [Item], kind: Kind, course: CourseID?,
                                      id: KeyPath<Item, String>, hash: KeyPath<Item, String>,
                                      title: KeyPath<Item, LocalizedText>) -> [CatalogueChange] {
        let oldByID = Dictionary(old.map { ($0[keyPath: id], $0) }, uniquingKeysWith: { first, _ in first })
        let newIDs = Set(new.map { $0[keyPath: id] })
        var changes: [CatalogueChange] = []
        for item in new {
            let itemID = item[keyPath: id]
            if let before = oldByID[itemID] {
                if before[keyPath: hash] != item[keyPath: hash] {
                    changes.append(CatalogueChange(kind: kind, change: .changed, course: course, id: itemID,
                                                   title: item[keyPath: title]))
                }
            } else {
                changes.append(CatalogueChange(kind: kind, change: .added, course: course, id: itemID,
                                               title: item[keyPath: title]))
            }
        }
        for item in old where !newIDs.contains(item[keyPath: id]) {
            changes.append(CatalogueChange(kind: kind, change: .removed, course: course, id: item[keyPath: id],
                                           title: item[keyPath: title]))
        }
        return changes
    }
}

/// The outcome of one reload, kept for the trainers' page until the next reload.
public struct ReloadOutcome: Sendable {
    /// What started the reload.
    public enum Trigger: String, Sendable {
        case button, signal
        /// Another server of the platform reloaded (servers sharing one database follow each other's reloads).
        case otherServer
    }

    public var at: Double
    public var trigger: Trigger
    /// Who pressed the button (nil for a signal).
    public var by: String?
    /// Whether the new files were taken (false: they have errors and the running catalogue stays).
    public var taken: Bool
    /// Empty when nothing changed or the reload was refused.
    public var changes: [CatalogueChange]
    public var warnings: [Diagnostic]
    public var errors: [Diagnostic]

    public init(at: Double, trigger: Trigger, by: String?, taken: Bool, changes: [CatalogueChange],
                warnings: [Diagnostic], errors: [Diagnostic]) {
        self.at = at
        self.trigger = trigger
        self.by = by
        self.taken = taken
        self.changes = changes
        self.warnings = warnings
        self.errors = errors
    }

    /// The lines the server log gets: a summary, then one line per change, warning and error.
    public var logLines: [String] { logEntries.map(\.line) }

    /// Writes `logLines` to `logger`: the summary as info (error when refused), changes as info, warnings as
    /// warnings and errors as errors.
    public func log(to logger: Logger) {
        for entry in logEntries { logger.log(level: entry.level, "\(entry.line)") }
    }

    /// Each log line with its level.
    private var logEntries: [(level: Logger.Level, line: String)] {
        let source = switch trigger {
        case .signal: "on SIGHUP"
        case .button: "by \(by ?? "?") from /trainer"
        case .otherServer: "after another server's reload"
        }
        var entries: [(level: Logger.Level, line: String)]
        if taken {
            let counts = CatalogueChange.Change.allCases.map { change in
                "\(changes.filter { $0.change == change }.count) \(change.rawValue)"
            }
            entries = [(.info, "catalogue reloaded \(source): \(counts.joined(separator: ", ")), \(warnings.count) warnings")]
        } else {
            entries = [(.error, "catalogue reload refused \(source): \(errors.count) errors; the running catalogue stays")]
        }
        entries += changes.map { (.info, "catalogue change: \($0.logLine)") }
        entries += warnings.map { (.warning, "catalogue warning: \($0.description)") }
        entries += errors.map { (.error, "catalogue error: \($0.description)") }
        return entries
    }
}
