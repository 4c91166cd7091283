import Assessment
import Curriculum
import Foundation

/// Certificates: the holder's list and printable page with the credential download; the public verification
/// page and API; the issuer's published keys, profile and revocation status; revocation and reinstatement by HR and
/// admins (the reason is for the holder and HR only: the public answers say revoked and nothing more).
struct CertificateController {
    let context: ControllerContext

    struct VerifyJSON: Encodable {
        var id: String
        var holder: String
        var program: String
        var programTitle: APIModels.Text
        var issuedAt: String
        var expiresAt: String
        var status: String
    }

    struct MyCertification: Encodable {
        var program: String
        var title: APIModels.Text
        var state: String
        var expiresAt: String?
        var missingCourses: [String]
        var chooseFrom: [String]
        var choose: Int
        /// When the latest certificate was revoked, and HR's reason (only while the state is revoked).
        var revokedAt: String?
        var revocationReason: String?
        /// What to do next, course by course (`CertificationGuidance`).
        var nextSteps: NextSteps
    }

    struct NextSteps: Encodable {
        struct Step: Encodable {
            var course: String
            /// complete, retake_exam or contact_hr.
            var action: String
            var quiz: String?

            init(_ step: CertificationGuidance.CourseStep) {
                course = step.course.rawValue
                action = step.action.rawValue
                quiz = step.quiz?.rawValue
            }
        }

        var required: [Step]
        var choose: Int
        var options: [Step]
        var hours: Double
        var countsFrom: String?
        var deadline: String?
        var contactHR: Bool

        init(_ guidance: CertificationGuidance) {
            required = guidance.required.map(Step.init)
            choose = guidance.choose
            options = guidance.options.map(Step.init)
            hours = guidance.hours
            countsFrom = guidance.countsFrom.map(CertificateController.isoDate)
            deadline = guidance.deadline.map(CertificateController.isoDate)
            contactHR = guidance.needsHR
        }
    }

    struct MyCertificate: Encodable {
        var id: String
        var program: String
        var kind: String
        var issuedAt: String
        var expiresAt: String
        var status: String
        var verificationURL: String
    }

    func register(in router: inout Router) {
        router.get("/certificates/:id", page)
        router.get("/certificates/:id/credential.jwt") { request in
            let (certificate, user) = try owned(request)
            guard certificate.userID == user.id else { throw HTTPError.notFound }
            var response = Response(status: .ok, body: .bytes(Array(certificate.credential.utf8)))
            response.headers.add("Content-Type", "application/vc+jwt")
            response.headers.add("Content-Disposition", "attachment; filename=\"certificate-\(certificate.id.rawValue).jwt\"")
            return response
        }
        router.post("/certificates/:id/revoke") { request in
            let (certificate, user) = try owned(request)
            guard try mayRevoke(user, certificate: certificate) else { throw HTTPError.notFound }
            let form = try request.form()
            let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty, reason.count <= 500 else {
                return try page(request, formError: .revoke(context.page(request).t("cert.revoke.missing")), status: .badRequest)
            }
            guard form["confirm"] == "yes" else {
                return try page(request, formError: .revoke(context.page(request).t("cert.revoke.confirm_missing")),
                                status: .badRequest)
            }
            _ = try context.certification.revoke(certificate.id, reason: reason, by: AuditActor(user))
            return Response.redirect(to: "/certificates/\(certificate.id.rawValue)")
        }
        router.post("/certificates/:id/reinstate") { request in
            let (certificate, user) = try owned(request)
            guard try mayRevoke(user, certificate: certificate) else { throw HTTPError.notFound }
            let reason = (try request.form()["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty, reason.count <= 500 else {
                return try page(request, formError: .reinstate(context.page(request).t("cert.reinstate.missing")),
                                status: .badRequest)
            }
            guard try context.certification.reinstate(certificate.id, reason: reason, by: AuditActor(user)) else {
                return try page(request, formError: .reinstate(context.page(request).t("cert.reinstate.not_revoked")),
                                status: .conflict)
            }
            return Response.redirect(to: "/certificates/\(certificate.id.rawValue)")
        }
        router.get("/verify") { request in
            let typed = request.query["id"] ?? ""
            if typed.isEmpty {
                return Response.html(VerifyPage.render(found: nil, typed: "", error: nil, context: context.page(request),
                                                       stylesheet: context.stylesheet).rendered)
            }
            guard let id = CertificateID(typed: typed) else {
                return Response.html(VerifyPage.render(found: nil, typed: typed, error: context.page(request).t("verify.invalid"),
                                                       context: context.page(request), stylesheet: context.stylesheet).rendered,
                                     status: .badRequest)
            }
            return Response.redirect(to: "/verify/\(id.rawValue)")
        }
        router.get("/verify/:id") { request in
            let typed: String = try request.parameter("id")
            let page = context.page(request)
            guard let found = try verification(typed) else {
                return Response.html(VerifyPage.render(found: nil, typed: typed, error: page.t("verify.not_found"), context: page,
                                                       stylesheet: context.stylesheet).rendered, status: .notFound)
            }
            return Response.html(VerifyPage.render(found: found, typed: found.certificate.id.grouped, error: nil, context: page,
                                                   stylesheet: context.stylesheet).rendered)
        }
        router.get("/api/v1/verify/:id") { request in
            guard let found = try verification(try request.parameter("id")) else { throw HTTPError.notFound }
            let certificate = found.certificate
            return Response.json(VerifyJSON(id: certificate.id.rawValue, holder: found.holderName, program: certificate.programID,
                                            programTitle: APIModels.Text(found.programTitle),
                                            issuedAt: Self.isoDate(certificate.issuedAt),
                                            expiresAt: Self.isoDate(certificate.expiresAt), status: found.status.rawValue))
        }
        router.get("/api/v1/certificates") { request in
            let user = try context.requireUser(request)
            let now = context.clock()
            return Response.json(try context.certificationRepository.certificates(userID: user.id).map { certificate in
                MyCertificate(id: certificate.id.rawValue, program: certificate.programID, kind: certificate.kind.rawValue,
                              issuedAt: Self.isoDate(certificate.issuedAt), expiresAt: Self.isoDate(certificate.expiresAt),
                              status: certificate.status(at: now).rawValue,
                              verificationURL: context.issuer.profile.verificationURL(certificateID: certificate.id.rawValue))
            })
        }
        router.get("/api/v1/certifications") { request in
            let user = try context.requireUser(request)
            let catalogue = context.catalogue.catalogue
            let statuses = Dictionary(try context.courseLines(for: user).map { ($0.course.id, $0.status) },
                                      uniquingKeysWith: { first, _ in first })
            return Response.json(try catalogue.programs.map { program in
                let evidence = try context.certification.evidence(userID: user.id, programID: program.id.rawValue)
                let record = CertificationEngine.evaluate(program: program, evidence: evidence, now: context.clock())
                let guidance = CertificationGuidance(record: record, catalogue: catalogue, statuses: statuses)
                return MyCertification(program: program.id.rawValue, title: APIModels.Text(program.title),
                                       state: record.state.rawValue, expiresAt: record.expiresAt.map(Self.isoDate),
                                       missingCourses: record.requirements.courses.map(\.rawValue),
                                       chooseFrom: record.requirements.choose > 0 ? record.requirements.from.map(\.rawValue) : [],
                                       choose: record.requirements.choose,
                                       revokedAt: guidance.revocation.map { Self.isoDate($0.at) },
                                       revocationReason: guidance.revocation?.reason, nextSteps: NextSteps(guidance))
            })
        }
        router.get("/.well-known/jwks.json") { _ in
            var response = Response(status: .ok, body: .bytes(Array(try context.issuer.keySetJSON())))
            response.headers.add("Content-Type", "application/jwk-set+json")
            response.headers.add("Cache-Control", "public, max-age=3600")
            return response
        }
        router.get("/.well-known/jwks/:thumbprint") { request in
            guard let jwk = try context.issuer.keyJSON(thumbprint: try request.parameter("thumbprint")) else {
                throw HTTPError.notFound
            }
            var response = Response(status: .ok, body: .bytes(Array(jwk)))
            response.headers.add("Content-Type", "application/jwk+json")
            response.headers.add("Cache-Control", "public, max-age=3600")
            return response
        }
        router.get("/issuer") { _ in
            var response = Response(status: .ok, body: .bytes(Array(try context.issuer.profileJSON())))
            response.headers.add("Content-Type", "application/ld+json")
            return response
        }
        router.get("/api/v1/credentials/status/:id") { request in
            let typed: String = try request.parameter("id")
            guard let id = CertificateID(typed: typed), let certificate = try context.certificationRepository.certificate(id) else {
                throw HTTPError.notFound
            }
            var response = Response(status: .ok, body: .bytes(Array(context.issuer.statusDocument(certificate))))
            response.headers.add("Content-Type", "application/json")
            return response
        }
    }

    private func page(_ request: Request) throws -> Response { try page(request, formError: nil, status: .ok) }

    private func page(_ request: Request, formError: CertificatePage.FormError?, status: HTTPStatus) throws -> Response {
        let (certificate, user) = try owned(request)
        let canRevoke = try mayRevoke(user, certificate: certificate)
        guard certificate.userID == user.id || canRevoke else { throw HTTPError.notFound }
        if certificate.userID != user.id {
            try context.audit.append(AuditEvent(action: "record.view", subject: "certificate:\(certificate.id.rawValue)",
                                                details: ["holder": String(certificate.userID.rawValue)]), by: AuditActor(user))
        }
        let holder = try context.users.find(id: certificate.userID)
        let url = context.issuer.profile.verificationURL(certificateID: certificate.id.rawValue)
        let qr = (try? context.issuer.qrSVG(url, label: context.page(request).t("cert.qr_label"))) ?? ""
        let model = CertificatePage.Model(certificate: certificate, holderName: holder?.displayName ?? "",
                                          program: context.catalogue.catalogue.program(ProgramID(certificate.programID)),
                                          status: certificate.status(at: context.clock()), verificationURL: url, qrSVG: qr,
                                          canDownload: certificate.userID == user.id, canRevoke: canRevoke,
                                          formError: formError, printScript: context.assets.url("print.js"))
        return Response.html(CertificatePage.render(model, context: context.page(request), stylesheet: context.stylesheet).rendered,
                             status: status)
    }

    /// The certificate in the path and the signed-in person (who may or may not be its holder).
    private func owned(_ request: Request) throws -> (StoredCertificate, User) {
        let user = try context.requireUser(request)
        guard let id = CertificateID(typed: try request.parameter("id")),
              let certificate = try context.certificationRepository.certificate(id) else { throw HTTPError.notFound }
        return (certificate, user)
    }

    /// HR and admins may see, revoke and reinstate certificates of people in their scope.
    private func mayRevoke(_ user: User, certificate: StoredCertificate) throws -> Bool {
        guard !user.roles.isDisjoint(with: [.hr, .admin]), let holder = try context.users.find(id: certificate.userID),
              let department = try context.departments.find(id: holder.departmentID) else { return false }
        return AccessScope.reporting(for: user, departments: try context.departments.all()).contains(department)
    }

    private func verification(_ typed: String) throws -> VerifyPage.Found? {
        guard let id = CertificateID(typed: typed), let certificate = try context.certificationRepository.certificate(id),
              let holder = try context.users.find(id: certificate.userID) else { return nil }
        let title = context.catalogue.catalogue.program(ProgramID(certificate.programID))?.title
            ?? LocalizedText(both: certificate.programID)
        return VerifyPage.Found(certificate: certificate, holderName: holder.displayName, programTitle: title,
                                status: certificate.status(at: context.clock()))
    }

    /// ISO 8601 in UTC with the `Z` offset: the API's instants do not depend on any time zone.
    static func isoDate(_ seconds: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
    }
}
