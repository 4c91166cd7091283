import Assessment
import Curriculum
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// The programme as an Open Badges achievement: criteria naming courses by title, both languages, and the
/// published JSON equal to what credentials embed.
@Suite struct ProgramAchievementTests {
    static let titles: [CourseID: LocalizedText] = [
        CourseID("ethics"): LocalizedText(zh: "服务型政府职业伦理", en: "Public service values"),
        CourseID("literacy"): LocalizedText(zh: "电子政务信息素养", en: "Digital skills"),
        CourseID("security"): LocalizedText(zh: "政务信息安全", en: "Protecting government data"),
    ]

    @Test func criteriaNameTheCoursesByTitleInEachLanguage() {
        let achievement = ProgramAchievement(program: CertificationFixture.program(), courseTitles: Self.titles)
        let zh = achievement.criteria(in: .zh)
        let en = achievement.criteria(in: .en)
        #expect(zh.contains("服务型政府职业伦理、电子政务信息素养、政务信息安全"))
        #expect(en.contains("Public service values, Digital skills, Protecting government data"))
        for id in ["ethics", "literacy", "security"] {
            #expect(!zh.contains(id) && !en.contains(id), "course ids are not for people")
        }
        #expect(achievement.badge.criteria == zh + "\n\n" + en)
    }

    @Test func studyHoursAreNamedWhenTheProgrammeAsksForThem() {
        let plain = ProgramAchievement(program: CertificationFixture.program(), courseTitles: Self.titles)
        let hours = ProgramAchievement(program: CertificationFixture.program(minStudyHours: 12),
                                       courseTitles: Self.titles)
        #expect(!plain.criteria(in: .en).contains("study hours"))
        #expect(hours.criteria(in: .en).contains("at least 12 study hours"))
        #expect(hours.criteria(in: .zh).contains("12 学时"))
    }

    @Test func aCourseMissingFromTheCatalogueIsNamedByItsID() {
        let achievement = ProgramAchievement(program: CertificationFixture.program(), courseTitles: [:])
        #expect(achievement.criteria(in: .en).contains("ethics, literacy, security"))
    }

    @Test func thePublishedAchievementIsTheOneCredentialsEmbed() throws {
        let issuer = try TemporaryStore.issuer()
        let achievement = ProgramAchievement(program: CertificationFixture.program(), courseTitles: Self.titles)
        let published = try #require(try JSONSerialization.jsonObject(with: achievement.documentJSON(issuer: issuer.profile))
            as? [String: Any])
        #expect(published["@context"] as? [String] == CredentialPayload.contexts)
        #expect(published["id"] as? String == "https://academy.example/programs/egov")

        let token = try issuer.sign(CredentialRequest(certificateID: CertificateID.random(), holderID: UserID(rawValue: 7),
                                                      holderName: "张三", program: CertificationFixture.program(),
                                                      courseTitles: Self.titles, issuedAt: 1_740_816_000,
                                                      expiresAt: 1_803_888_000))
        let payload = try #require(CompactJWS(parsing: token)?.payload)
        let json = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        let embedded = try #require((json["credentialSubject"] as? [String: Any])?["achievement"] as? [String: Any])
        var withoutContext = published
        withoutContext["@context"] = nil
        #expect(NSDictionary(dictionary: withoutContext).isEqual(to: embedded))
        let criteria = try #require(embedded["criteria"] as? [String: String])
        #expect(criteria["narrative"]?.contains("Protecting government data") == true)
    }
}
