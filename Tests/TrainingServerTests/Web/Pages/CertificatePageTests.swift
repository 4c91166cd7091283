import Assessment
import Curriculum
import Testing
@testable import TrainingServer

/// The printable certificate names the programme's kind and the issuing body, with its seal when one is set.
@Suite struct CertificatePageTests {
    private func render(kind: ProgramKind, settings: PlatformSettings, language: Language = .zh) -> String {
        let program = Program(id: ProgramID("p"), title: LocalizedText(zh: "电子政务服务能力认证", en: "E-Government Competence"),
                              summary: LocalizedText(both: "s"), kind: kind, courses: [CourseID("c")], validityDays: 730,
                              renewalWindowDays: 90, expiryBase: .completion, recertification: nil,
                              source: SourceReference(file: "programs/p.yaml", line: 1))
        let certificate = StoredCertificate(id: CertificateID.random(), userID: UserID(rawValue: 1), programID: "p",
                                            kind: .initial, issuedAt: 1_800_000_000, expiresAt: 1_900_000_000,
                                            credential: "jwt")
        let model = CertificatePage.Model(certificate: certificate, holderName: "张三", program: program, status: .valid,
                                          verificationURL: "https://academy.example/verify/x", qrSVG: "<svg></svg>",
                                          canDownload: true, canRevoke: false, formError: nil, printScript: "/p.js")
        let context = PageContext(language: language, user: nil, csrfToken: "", currentPath: "/certificates/x",
                                  strings: .shipped, settings: settings)
        return CertificatePage.render(model, context: context, stylesheet: "/s.css").rendered
    }

    @Test func aCompetenceProgrammeAwardsACertificateOfCompetence() {
        let html = render(kind: .competence, settings: PlatformSettings())
        #expect(html.contains("<span lang=\"zh-CN\">能力认证证书</span> <span lang=\"en\">Certificate of Competence</span>"))
        #expect(!html.contains("结业证书"))
    }

    @Test func aCompletionProgrammeAwardsACertificateOfCompletion() {
        let html = render(kind: .completion, settings: PlatformSettings())
        #expect(html.contains("<span lang=\"zh-CN\">结业证书</span> <span lang=\"en\">Certificate of Completion</span>"))
    }

    @Test func theIssuerAndSealAreOnTheCertificate() throws {
        let seal = BrandImage(digest: String(repeating: "ab", count: 32), format: .svg)
        let settings = PlatformSettings(issuerName: LocalizedText(zh: "测试省<培训中心>", en: "Training Centre"), seal: seal,
                                        configuredIssuerName: "Configured Academy")
        let html = render(kind: .competence, settings: settings, language: .en)
        #expect(html.contains("<span lang=\"zh-CN\">测试省&lt;培训中心&gt;</span><br><span lang=\"en\">Training Centre</span>"))
        #expect(html.contains("<img class=\"certificate-seal\" src=\"\(seal.url)\" alt=\"Seal of Training Centre\">"))
        #expect(html.contains("Issued by"))
    }

    @Test func withoutSettingsTheConfiguredIssuerIsNamedOnceAndNoSealIsShown() {
        let html = render(kind: .completion, settings: PlatformSettings(configuredIssuerName: "Configured Academy"))
        #expect(html.contains("<span class=\"certificate-issuer-name\">Configured Academy</span>"))
        #expect(!html.contains("certificate-seal"))
    }
}
