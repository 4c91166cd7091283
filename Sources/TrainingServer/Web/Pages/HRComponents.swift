import Assessment
import Curriculum

/// Pieces the HR pages share: state words, dates, rates, the section's breadcrumbs and download links.
enum HRComponents {
    /// A certification state as a word in a tag (the colour only repeats the word).
    static func state(_ state: CertificationStateName, _ context: PageContext) -> HTML {
        let kind = switch state {
        case .certified: "completed"
        case .dueForRenewal, .inProgress: "in_progress"
        case .expired, .revoked: "wrong"
        case .notStarted: "not_started"
        }
        return Components.tag(stateName(state, context), kind: kind)
    }

    static func stateName(_ state: CertificationStateName, _ context: PageContext) -> String {
        context.t("hr.state.\(state.rawValue)")
    }

    static func date(_ seconds: Double?, _ context: PageContext) -> String {
        seconds.map { context.date($0) } ?? "—"
    }

    static func rate(_ fraction: Double?, _ context: PageContext) -> String {
        fraction.map { context.t("percent", ["value": Components.percent($0)]) } ?? "—"
    }

    static func programTitle(_ program: Program?, _ context: PageContext) -> String {
        program?.title.t(context) ?? context.t("hr.program.none")
    }

    /// "HR reports" first, then the given trail.
    static func breadcrumbs(_ items: [(String, String?)], context: PageContext) -> HTML {
        "<div class=\"no-print\">\(Components.breadcrumbs([(context.t("hr.title"), "/hr")] + items, context: context))</div>"
    }

    /// The opening of a horizontally scrollable table box: a labelled region that keyboard users can focus and
    /// scroll (close it with `</div>`). On a narrow screen the table keeps readable columns and scrolls inside it,
    /// its first column staying in view.
    static func scrollBox(_ label: String) -> HTML {
        "<div class=\"table-scroll wide-table\" role=\"region\" tabindex=\"0\" aria-label=\"\(label)\">"
    }

    /// The department's names below the top of the organisation (the top is the same for everyone listed).
    static func shortPath(_ department: Department?) -> String {
        guard let department else { return "" }
        return department.namePath.count > 1 ? department.namePath.dropFirst().joined(separator: " / ") : department.name
    }

    /// The CSV and JSON links beside a table.
    static func downloads(csv: String, json: String, context: PageContext) -> HTML {
        """
        <ul class="inline-list no-print"><li><a href="\(csv)" download>\(context.t("hr.download.csv"))</a></li>\
        <li><a href="\(json)" download>\(context.t("hr.download.json"))</a></li></ul>
        """
    }

    /// `?name=value&...` from pairs, percent-encoded ("" when there are none).
    static func query(_ pairs: [(String, String?)]) -> String {
        let present = pairs.compactMap { name, value in value.map { (name, $0) } }
        guard !present.isEmpty else { return "" }
        return "?" + present.map { "\(PercentDecoding.encode($0.0))=\(PercentDecoding.encode($0.1))" }.joined(separator: "&")
    }

    /// A programme picker (GET form) that keeps the other parameters as hidden fields.
    static func programPicker(programs: [Program], current: Program?, action: String, keep: [(String, String)],
                              context: PageContext) -> HTML {
        guard programs.count > 1 else { return .empty }
        let options = programs.map { program -> HTML in
            let selected: HTML = program.id == current?.id ? " selected" : .empty
            return "<option value=\"\(program.id.rawValue)\"\(selected)>\(program.title.t(context))</option>"
        }
        let hidden = keep.map { name, value -> HTML in "<input type=\"hidden\" name=\"\(name)\" value=\"\(value)\">" }
        return """
            <form method="get" action="\(action)" class="form no-print">\(hidden)
            <div class="field"><label for="program">\(context.t("hr.program.label"))</label>
            <select id="program" name="program">\(options)</select></div>
            <button type="submit" class="button button-secondary">\(context.t("hr.program.show"))</button></form>
            """
    }
}
