import Assessment
import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Settings are checked, stored with one audit entry naming old and new values (images by digest), read through
/// a cache this instance's changes replace at once and other instances' changes end through the stamp file.
@Suite struct SettingsServiceTests {
    private let actor = AuditActor(userID: UserID(rawValue: 1), name: "admin.root")

    private func service(_ temporary: TemporaryStore, clock: ManualClock = ManualClock()) -> SettingsService {
        SettingsService(repository: SQLiteSettingsRepository(store: temporary.store),
                        changes: ChangeStamp.settings(databasePath: temporary.store.path),
                        configuredIssuerName: "Configured Academy", clock: clock.function)
    }

    private func input(_ change: (inout SettingsInput) -> Void = { _ in }) -> SettingsInput {
        var input = SettingsInput()
        input.organisationZh = "  测试省人社厅 "
        input.organisationEn = "Test Department"
        input.accent = "teal"
        input.issuerZh = "测试省培训中心"
        input.phone = "010-1234 5678"
        input.email = "help@example.gov.cn"
        input.officeZh = "305 室"
        change(&input)
        return input
    }

    private func audit(_ temporary: TemporaryStore) throws -> [AuditEntry] {
        try SQLiteAuditLog(store: temporary.store, clock: { 0 }).recent(limit: 100).filter { $0.action == "settings.update" }
    }

    @Test func nothingSetMeansTheShippedDefaults() throws {
        let settings = service(try TemporaryStore()).current()
        #expect(settings.organisationName(.zh) == nil)
        #expect(settings.accent == .standard && settings.logo == nil && settings.seal == nil)
        #expect(settings.helpContact(.zh) == nil)
        #expect(settings.issuerName(.en) == "Configured Academy")
        #expect(settings.credentialIssuerName == "Configured Academy")
    }

    @Test func anUpdateIsStoredAuditedAndShownAtOnce() throws {
        let temporary = try TemporaryStore()
        let settings = service(temporary)
        _ = settings.current()
        let logo = ImageFixtures.png(width: 64, height: 64)
        let changed = try settings.update(input { $0.logo = .upload(logo) }, by: actor)
        #expect(changed.contains(SettingsService.Key.organisationZh) && changed.contains(SettingsService.Key.logo))
        let current = settings.current()
        #expect(current.organisationName(.zh) == "测试省人社厅")
        #expect(current.accent == .teal)
        #expect(current.issuerName(.en) == "测试省培训中心")
        #expect(current.credentialIssuerName == "测试省培训中心")
        #expect(current.helpContact(.en) == HelpContact(phone: "010-1234 5678", email: "help@example.gov.cn", office: "305 室"))
        let image = try #require(current.logo)
        #expect(try settings.imageData(image) == logo)

        let entries = try audit(temporary)
        #expect(entries.count == 1)
        let entry = try #require(entries.first)
        #expect(entry.actor == "admin.root" && entry.subject == "settings")
        let details = try #require(try JSONSerialization.jsonObject(with: Data(entry.details.utf8)) as? [String: String])
        #expect(details["organisation.name.zh.old"] == "" && details["organisation.name.zh.new"] == "测试省人社厅")
        #expect(details["theme.accent.new"] == "teal")
        #expect(details["organisation.logo.new"] == "sha256:\(image.digest)")
        #expect(details["issuer.seal.old"] == nil, "unchanged keys are not listed")

        // The same again: nothing to store, nothing audited.
        #expect(try settings.update(input(), by: actor).isEmpty)
        #expect(try audit(temporary).count == 1)
    }

    @Test func removingAnImageDropsItsBytesAndAuditsItsDigest() throws {
        let temporary = try TemporaryStore()
        let settings = service(temporary)
        try settings.update(input { $0.seal = .upload(ImageFixtures.png(width: 32, height: 32)) }, by: actor)
        let seal = try #require(settings.current().seal)
        try settings.update(input { $0.seal = .remove }, by: actor)
        #expect(settings.current().seal == nil)
        #expect(try settings.imageData(seal) == nil)
        let first = try #require(try audit(temporary).first)
        let details = try #require(try JSONSerialization.jsonObject(with: Data(first.details.utf8)) as? [String: String])
        #expect(details == ["issuer.seal.old": "sha256:\(seal.digest)", "issuer.seal.new": ""])
    }

    @Test func badInputIsRefusedWholeAndChangesNothing() throws {
        let temporary = try TemporaryStore()
        let settings = service(temporary)
        try settings.update(input(), by: actor)
        let before = settings.current()
        let bad = input {
            $0.organisationEn = String(repeating: "x", count: 101)
            $0.issuerEn = "line\nbreak"
            $0.accent = "#ff00ff"
            $0.phone = "call me"
            $0.email = "help@localhost"
            $0.logo = .upload(Array("GIF89a".utf8))
        }
        #expect {
            try settings.update(bad, by: actor)
        } throws: { error in
            guard let rejection = error as? SettingsRejection else { return false }
            return rejection.problems.map(\.field).sorted() == [
                "accent-navy", "help_email", "help_phone", "issuer_en", "logo", "organisation_en"]
                && rejection.problems.first { $0.field == "logo" }?.key == "admin.settings.error.image_format"
        }
        #expect(settings.current() == before)
        #expect(try audit(temporary).count == 1)
    }

    @Test func anotherInstancesChangeIsSeenOnTheNextRead() throws {
        let temporary = try TemporaryStore()
        let clock = ManualClock()
        let here = service(temporary, clock: clock)
        let there = service(temporary, clock: clock)
        #expect(there.current().organisationName(.zh) == nil)
        try here.update(input(), by: actor)
        // No time has passed: only the stamp file tells `there`.
        #expect(there.current().organisationName(.zh) == "测试省人社厅")
    }

    @Test func aChangeNoStampAnnouncesIsSeenAfterTheLifetime() throws {
        let temporary = try TemporaryStore()
        let clock = ManualClock()
        let settings = service(temporary, clock: clock)
        #expect(settings.current().organisationName(.zh) == nil)
        try temporary.store.write { db in
            try db.execute(sql: """
                INSERT INTO platform_settings (key, value, updated_at, updated_by) VALUES ('organisation.name.zh', '手改', 0, 'sql')
                """)
        }
        #expect(settings.current().organisationName(.zh) == nil, "cached")
        clock.advance(by: settings.lifetime)
        #expect(settings.current().organisationName(.zh) == "手改")
    }

    @Test func phoneAndEmailRules() {
        #expect(SettingsService.isPhone("+86 (010) 1234-5678 转 123"))
        #expect(!SettingsService.isPhone("call"))
        #expect(!SettingsService.isPhone(String(repeating: "1", count: 41)))
        #expect(SettingsService.isEmail("help.desk@hr.example.gov.cn"))
        for bad in ["@x.cn", "a@b", "a b@c.cn", "a@b..cn", "<a@b.cn>", "a@b.cn\n"] {
            #expect(!SettingsService.isEmail(bad), "\(bad)")
        }
    }

    @Test func theCredentialNameJoinsBothLanguagesChineseFirst() {
        var settings = PlatformSettings(configuredIssuerName: "Configured")
        settings.issuerName = LocalizedText(zh: "培训中心", en: "Training Centre")
        #expect(settings.credentialIssuerName == "培训中心 / Training Centre")
        #expect(settings.issuerName(.en) == "Training Centre")
        settings.issuerName = LocalizedText(en: "Training Centre")
        #expect(settings.credentialIssuerName == "Training Centre")
        #expect(settings.issuerName(.zh) == "Training Centre")
    }
}
