/// The dashboard's "assigned training" section: the person's required assignments still to do, by effective due
/// day (those without one last), each with its item, due day, status and a written 逾期 / 即将到期 mark; then the
/// required ones done or exempted, counted; electives apart under their own heading.
public enum PlanDueSection {
    public static func render(_ items: [DueItem], words: PlanWords, context: PageContext) -> HTML {
        guard !items.isEmpty else { return .empty }
        let required = items.filter(\.assignment.required)
        let open = required.filter(\.status.isOpen)
        let closed = required.filter { !$0.status.isOpen }
        let electives = items.filter { !$0.assignment.required }
        let openList: HTML = open.isEmpty ? "<p>\(context.t("dashboard.due.nothing"))</p>" : list(open, words: words, context: context)
        let closedPart: HTML = closed.isEmpty ? .empty : """
            <h3 id="due-done-title">\(context.t("dashboard.due.done", ["count": String(closed.count)]))</h3>
            \(list(closed, words: words, context: context, labelledBy: "due-done-title"))
            """
        let electivePart: HTML = electives.isEmpty ? .empty : """
            <h3 id="due-electives-title">\(context.t("dashboard.due.electives"))</h3>
            \(list(electives, words: words, context: context, labelledBy: "due-electives-title"))
            """
        return """
            <section aria-labelledby="due-title">
            <h2 id="due-title">\(context.t("dashboard.due.title"))</h2>
            \(openList)
            \(closedPart)
            \(electivePart)
            </section>
            """
    }

    static func list(_ items: [DueItem], words: PlanWords, context: PageContext, labelledBy: String? = nil) -> HTML {
        let lines = items.map { item -> HTML in
            let due: String = item.member.effectiveDueDay.map {
                context.t(item.member.extendedDay == nil ? "dashboard.due.by" : "dashboard.due.by_extended", ["day": $0.description])
            } ?? context.t("dashboard.due.no_day")
            return """
                <li><a href="\(words.link(item.assignment.item))">\(words.title(item.assignment.item))</a> \
                \(words.statusTag(item.status)) <span class="meta">\(due) · \(item.assignment.name) · \
                <a href="/due/\(item.assignment.id.description)">\(context.t("dashboard.due.details"))<span class="visually-hidden">: \(item.assignment.name)</span></a></span></li>
                """
        }
        let label: HTML = labelledBy.map { " aria-labelledby=\"\($0)\"" } ?? .empty
        return "<ul class=\"due-list\"\(label)>\(lines)</ul>"
    }
}
