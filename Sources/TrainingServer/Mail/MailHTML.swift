import Assessment
import Foundation

/// The HTML part of a mail, built with the pages' `HTML` type, so every piece of text put in is escaped by
/// construction. Mail clients ignore style sheets and scripts: the document uses plain elements with a few inline
/// styles, no images and nothing external; links are absolute. The plain-text part says the same.
public enum MailHTML {
    /// A whole HTML document in `language` (`lang`, the title, UTF-8) around `body`.
    public static func document(title: String, language: Language, body: HTML) -> String {
        let html: HTML = """
            <!DOCTYPE html>
            <html lang="\(code(language))">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>\(title)</title></head>
            <body style="margin:0;padding:16px;font-family:sans-serif;font-size:16px;line-height:1.5;color:#1b1b1b;background:#ffffff">
            <div style="max-width:640px">
            \(body)
            </div>
            </body>
            </html>
            """
        return html.rendered + "\n"
    }

    /// The `lang` value of a language.
    static func code(_ language: Language) -> String { language == .zh ? "zh-CN" : "en" }

    /// `body` marked as written in `language` (for a mail in both languages, one block each).
    public static func block(_ language: Language, _ body: HTML) -> HTML {
        "<div lang=\"\(code(language))\">\n\(body)</div>\n"
    }

    /// A line between the two languages of a bilingual mail.
    public static let separator: HTML = "<hr style=\"border:0;border-top:1px solid #c8c8c8;margin:24px 0\">\n"

    /// A paragraph of text.
    public static func paragraph(_ text: String) -> HTML { "<p>\(text)</p>\n" }

    /// A heading (level 1 or 2).
    public static func heading(_ text: String, level: Int = 1) -> HTML {
        level <= 1 ? "<h1 style=\"font-size:22px\">\(text)</h1>\n" : "<h2 style=\"font-size:18px\">\(text)</h2>\n"
    }

    /// A link whose text is `text` (the address itself when nil); only http(s) addresses are linked, anything
    /// else is shown as text.
    public static func link(_ url: String, text: String? = nil) -> HTML {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else { return "\(text ?? url)" }
        return "<a href=\"\(url)\" style=\"color:#0b5cad\">\(text ?? url)</a>"
    }

    /// A bulleted list of fragments.
    public static func list(_ items: [HTML]) -> HTML {
        guard !items.isEmpty else { return .empty }
        return "<ul>\(items.map { item -> HTML in "<li>\(item)</li>" })</ul>\n"
    }

    /// A table with column headers and rows of text.
    public static func table(caption: String, columns: [String], rows: [[String]]) -> HTML {
        let cell = "border:1px solid #c8c8c8;padding:4px 8px;text-align:left"
        let head = columns.map { column -> HTML in "<th scope=\"col\" style=\"\(cell)\">\(column)</th>" }
        let body = rows.map { row -> HTML in
            "<tr>\(row.map { value -> HTML in "<td style=\"\(cell)\">\(value)</td>" })</tr>"
        }
        return """
            <table style="border-collapse:collapse;margin:8px 0"><caption style="text-align:left;font-weight:bold">\
            \(caption)</caption><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>

            """
    }

    /// A note in smaller, grey type (why the mail came, how to stop it).
    public static func footnote(_ text: String) -> HTML {
        "<p style=\"font-size:13px;color:#555555\">\(text)</p>\n"
    }
}
