import Assessment
import Foundation
import Testing
@testable import TrainingServer

/// Audit rows in words: every action the platform writes has a name and a sentence in both languages; an action
/// without them shows its code and details.
@Suite struct AdminAuditWordsTests {
    private func context(_ language: Language) -> PageContext {
        PageContext(language: language, user: nil, csrfToken: "", currentPath: "/admin/audit", strings: .shipped,
                    timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    }

    private func record(_ action: String, subject: String, details: [String: String], actor: String = "chen.jing",
                        actorName: String? = "陈静", login: String? = "zhang.san") -> AuditRecord {
        AuditRecord(entry: AuditEntry(id: 7, at: 1_800_000_000, actorUserID: actorName == nil ? nil : 3, actor: actor,
                                      action: action, subject: subject, details: AuditChain.encode(details),
                                      prevHash: "", hash: ""),
                    actorName: actorName, subjectUserID: login == nil ? nil : 9, subjectLogin: login,
                    subjectName: login == nil ? nil : "张三", subjectDepartmentID: nil)
    }

    /// Every action name the server's source writes (`action: "…"` and the two written conditionally).
    private static func actionsInSources() throws -> Set<String> {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources").resolvingSymlinksInPath()
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        let direct = try NSRegularExpression(pattern: #"AuditEvent\(action: "([a-z_]+\.[a-z_.]+)""#)
        let conditional = try NSRegularExpression(pattern: #"AuditEvent\(action: [^"\n]*\? "([a-z_.]+)" : "([a-z_.]+)""#)
        var actions: Set<String> = []
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for pattern in [direct, conditional] {
                for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    for group in 1..<match.numberOfRanges {
                        if let range = Range(match.range(at: group), in: text) { actions.insert(String(text[range])) }
                    }
                }
            }
        }
        return actions
    }

    @Test func everyActionTheCodeWritesHasWordsInBothLanguages() throws {
        let written = try Self.actionsInSources()
        #expect(written.count >= 20, "the source scan found \(written.sorted())")
        #expect(written.subtracting(AdminAuditWords.actions).isEmpty,
                "actions without words: \(written.subtracting(AdminAuditWords.actions).sorted())")
        for language in Language.allCases {
            let keys = Localization.shipped.keys(language)
            for action in AdminAuditWords.actions {
                #expect(keys.contains("admin.audit.action.\(action)"), "\(language): \(action)")
                #expect(keys.contains("admin.audit.sentence.\(action)"), "\(language): \(action)")
            }
        }
    }

    @Test func aDisabledAccountReadsAsASentenceWithItsReason() {
        let row = record("user.disable", subject: "user:9", details: ["reason": "离职"])
        #expect(AdminAuditWords(context: context(.zh), departments: [:]).sentence(row) == "陈静 停用了账户 zhang.san（原因：离职）")
        let english = record("user.disable", subject: "user:9", details: ["reason": "left"], actorName: "Chen Jing")
        #expect(AdminAuditWords(context: context(.en), departments: [:]).sentence(english)
            == "Chen Jing disabled the account zhang.san (reason: left)")
        #expect(AdminAuditWords(context: context(.en), departments: [:]).actionName("user.disable") == "Disable an account")
        #expect(AdminAuditWords(context: context(.en), departments: [:]).actor(english) == "Chen Jing (chen.jing)")
        #expect(AdminAuditWords(context: context(.zh), departments: [:]).actor(row) == "陈静（chen.jing）")
    }

    @Test func theCommandLineAndRolesAreNamed() {
        let words = AdminAuditWords(context: context(.zh), departments: [:])
        let row = record("user.create", subject: "user:zhang.san", details: ["roles": "hr,learner", "department": "2"],
                         actor: "cli", actorName: nil)
        #expect(words.sentence(row) == "命令行 创建了账户 zhang.san（角色：人事、学员）")
        #expect(words.actor(row) == "命令行")
    }

    @Test func unknownActionsAndMissingDetailsFallBackToTheRawRow() {
        let words = AdminAuditWords(context: context(.en), departments: [:])
        let unknown = record("widget.frobnicate", subject: "widget:4", details: ["size": "2"], actorName: "Chen Jing", login: nil)
        #expect(words.sentence(unknown) == "Chen Jing: widget.frobnicate widget:4 (size=2)")
        #expect(words.actionName("widget.frobnicate") == "widget.frobnicate")
        // A known action whose row lacks a detail its sentence needs is not shown with a hole in it.
        let partial = record("token.create", subject: "user:9", details: [:], actorName: "Chen Jing")
        #expect(words.sentence(partial) == "Chen Jing: token.create user:9 (—)")
    }
}
