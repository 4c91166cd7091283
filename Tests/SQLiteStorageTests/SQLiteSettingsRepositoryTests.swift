import Foundation
import GRDB
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Settings rows and images: written with their audit entry in one transaction, images kept only while named, and
/// the stamp file touched after each commit.
@Suite struct SQLiteSettingsRepositoryTests {
    @Test func changesImagesAndTheStamp() throws {
        let temporary = try TemporaryStore()
        let repository = SQLiteSettingsRepository(store: temporary.store)
        let stamp = ChangeStamp.settings(databasePath: temporary.store.path)
        #expect(stamp.read() == nil)
        #expect(try repository.values().isEmpty)
        let upload = try BrandImageUpload.check(ImageFixtures.png(width: 20, height: 20))
        let actor = AuditActor(userID: nil, name: "cli")
        try repository.apply(["organisation.logo": upload.image.fileName, "organisation.name.zh": "机构"],
                             images: [upload], audit: AuditEvent(action: "settings.update", subject: "settings"),
                             by: actor, at: 10)
        #expect(try repository.values() == ["organisation.logo": upload.image.fileName, "organisation.name.zh": "机构"])
        #expect(try repository.image(digest: upload.image.digest) == upload.bytes)
        #expect(stamp.read() != nil, "touched after the commit")

        try repository.apply(["organisation.logo": nil], images: [], audit: AuditEvent(action: "settings.update", subject: "settings"),
                             by: actor, at: 20)
        #expect(try repository.values() == ["organisation.name.zh": "机构"])
        #expect(try repository.image(digest: upload.image.digest) == nil)
        #expect(try SQLiteAuditLog(store: temporary.store, clock: { 0 }).verify() == .intact(rows: 2))
    }

    @Test func anImageNoSettingNamesIsNotKept() throws {
        let temporary = try TemporaryStore()
        let repository = SQLiteSettingsRepository(store: temporary.store)
        let upload = try BrandImageUpload.check(ImageFixtures.png(width: 20, height: 20))
        try repository.apply([:], images: [upload], audit: AuditEvent(action: "settings.update", subject: "settings"),
                             by: .commandLine, at: 1)
        #expect(try repository.image(digest: upload.image.digest) == nil)
    }
}
