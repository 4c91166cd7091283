/// A calm error page: what happened in plain words, where to go next, and whom to ask (the help contact, when set).
public enum ErrorPage {
    public static func render(status: Int, requestID: String, context: PageContext, stylesheet: String) -> HTML {
        let key = "error.\(status)"
        var message = context.t(key, ["id": requestID])
        if message == key { message = context.t("error.400") }
        let body: HTML = """
            <h1>\(context.t("error.title"))</h1>
            <p>\(message)</p>
            <p><a href="/">\(context.t("error.back"))</a></p>
            \(HelpContactSection.render(context, intro: context.t("help.error_intro")))
            """
        return Layout.page(title: context.t("error.title"), context: context, stylesheet: stylesheet, body: body)
    }
}
