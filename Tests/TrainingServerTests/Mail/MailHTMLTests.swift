import Assessment
import Foundation
import Testing
@testable import TrainingServer

@Suite struct MailHTMLTests {
    @Test func everythingPutInIsEscapedAndOnlyWebLinksAreLinked() {
        let body = MailHTML.heading("<script>alert(1)</script>") + MailHTML.paragraph("A & B \"quoted\"")
            + MailHTML.link("javascript:alert(1)", text: "click") + MailHTML.link("https://x.example.gov/a?b=1&c=2")
            + MailHTML.table(caption: "名单", columns: ["姓名", "部门"], rows: [["<i>李</i>", "数据局"]])
            + MailHTML.list(["<b>", "x"].map { MailHTML.paragraph($0) })
        let document = MailHTML.document(title: "T<>", language: .en, body: body)
        #expect(document.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(document.contains("<title>T&lt;&gt;</title>"))
        #expect(!document.contains("<script>") && document.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(document.contains("A &amp; B &quot;quoted&quot;"))
        #expect(!document.contains("href=\"javascript:") && document.contains("click"))
        #expect(document.contains("<a href=\"https://x.example.gov/a?b=1&amp;c=2\""))
        #expect(document.contains("<th scope=\"col\"") && document.contains("&lt;i&gt;李&lt;/i&gt;"))
        #expect(MailHTML.block(.zh, MailHTML.paragraph("中文")).rendered.hasPrefix("<div lang=\"zh-CN\">"))
    }
}
