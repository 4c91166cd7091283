import Foundation
@testable import TrainingServer

/// The committed test issuer key and the sample certificate the e2e schema check reads
/// (`Tests/e2e/fixtures/`), found by walking up from this file.
enum CredentialFixtures {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "Tests/e2e/fixtures was not found above \(#filePath)" }
    }

    static func url(_ name: String) throws -> URL {
        // Resolved, because a package may reach this folder through a symbolic link.
        var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.pathComponents.count > 1 {
            let fixtures = directory.appendingPathComponent("e2e/fixtures")
            if FileManager.default.fileExists(atPath: fixtures.appendingPathComponent("test-issuer-key.pem").path) {
                return fixtures.appendingPathComponent(name)
            }
            directory.deleteLastPathComponent()
        }
        throw Missing()
    }

    /// The test issuer key (never used outside tests).
    static func issuerKey() throws -> IssuerKey {
        try IssuerKey(pemRepresentation: String(contentsOf: url("test-issuer-key.pem"), encoding: .utf8))
    }

    static let issuedAt = Date(timeIntervalSince1970: 1_740_816_000)   // 2025-03-01T08:00:00Z
    static let expiresAt = Date(timeIntervalSince1970: 1_803_888_000)  // 2027-03-01T08:00:00Z

    static let issuer = IssuerProfile(baseURL: "https://academy.example.gov.cn/", name: "省公务员学院",
                                      email: "badges@academy.example.gov.cn")

    static let achievement = BadgeAchievement(
        programID: "infosec-2025",
        name: "信息安全合规认证",
        description: "持证人能够依照信息安全规定处理政务信息，并以服务群众为先。",
        criteria: "完成信息安全、服务伦理和信息素养三门课程，各课程考试成绩均达到 80 分以上。",
        language: "zh-Hans")

    /// The sample certificate: fixed inputs, so its VC-JWT is byte-for-byte reproducible.
    static func sampleCredential(key: IssuerKey) -> OpenBadgeCredential {
        OpenBadgeCredential(
            certificateID: "c5Jt0q8ZbW3xYk2LmN4pQ7rS",
            issuer: issuer,
            holder: BadgeHolder(id: key.holderID(forLearner: "42"), name: "张三", email: "Zhang.San@example.gov.cn"),
            achievement: achievement,
            issuedAt: issuedAt,
            expiresAt: expiresAt)
    }
}
