import ArgumentParser
import Assessment
import Foundation
import SQLiteStorage
import TrainingServer

/// The SMTP options `serve` and `mail test` share.
struct MailOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The SMTP server mail goes through: smtp://HOST:PORT (STARTTLS is required) or smtps://HOST:PORT (TLS). Without it no mail is sent and the forgotten-password page names the help contact.",
                               valueName: "url"))
    var smtpUrl: String?
    @Option(help: "The SMTP login.") var smtpUser: String?
    @Option(help: ArgumentHelp("A file holding the SMTP password (goes with --smtp-user).", valueName: "file"))
    var smtpPasswordFile: String?
    @Option(help: ArgumentHelp("A PEM file of the CAs to trust for the SMTP server's certificate (default: the system's).",
                               valueName: "file"))
    var smtpCaFile: String?
    @Option(help: ArgumentHelp("The address the platform's mail comes from.", valueName: "address")) var mailFrom: String?
    @Option(help: "Seconds before a failed message is tried again (doubling each time, at most an hour).")
    var mailRetrySeconds = 60.0
    @Option(help: "Attempts before a message is given up (its last error stays in the outbox).") var mailAttempts = 8
    @Option(help: "Messages this server sends per minute at most (the rest wait in the outbox).") var mailRate = 60
    @Option(help: ArgumentHelp("For tests only: the seconds of the --mail-rate window instead of a minute.",
                               visibility: .hidden))
    var mailRateWindowSeconds = 60.0
    @Option(help: ArgumentHelp("The weekday of the weekly HR digest of overdue people (monday … sunday), in --time-zone.",
                               valueName: "day"))
    var hrDigestDay = "monday"
    @Option(help: ArgumentHelp("The hour (0–23) from which the weekly HR digest goes out on --hr-digest-day.",
                               valueName: "hour"))
    var hrDigestHour = 8

    func validate() throws {
        guard let smtpUrl else {
            try validateDelivery()
            for (given, name) in [(smtpUser != nil, "--smtp-user"), (smtpPasswordFile != nil, "--smtp-password-file"),
                                  (smtpCaFile != nil, "--smtp-ca-file"), (mailFrom != nil, "--mail-from")] where given {
                throw ValidationError("\(name) needs --smtp-url")
            }
            return
        }
        if let problem = MailSettings.problem(url: smtpUrl) { throw ValidationError("--smtp-url: \(problem)") }
        guard let mailFrom else { throw ValidationError("--smtp-url needs --mail-from, the address mail comes from") }
        guard MailAddress.isValid(mailFrom) else { throw ValidationError("--mail-from: \(mailFrom) is not an e-mail address") }
        guard (smtpUser == nil) == (smtpPasswordFile == nil) else {
            throw ValidationError("--smtp-user and --smtp-password-file go together")
        }
        guard mailRetrySeconds >= 1 else { throw ValidationError("--mail-retry-seconds must be at least 1") }
        guard (1...100).contains(mailAttempts) else { throw ValidationError("--mail-attempts must be between 1 and 100") }
        try validateDelivery()
    }

    /// The options of the sender's pace and the digest, checked with or without an SMTP server.
    private func validateDelivery() throws {
        guard (1...10_000).contains(mailRate) else { throw ValidationError("--mail-rate must be between 1 and 10000 messages a minute") }
        guard mailRateWindowSeconds >= 0.1 else { throw ValidationError("--mail-rate-window-seconds must be at least 0.1") }
        guard WeeklyDigestSchedule.weekday(named: hrDigestDay) != nil else {
            throw ValidationError("--hr-digest-day: \(hrDigestDay) is not a weekday; give monday, tuesday, … or sunday")
        }
        guard (0...23).contains(hrDigestHour) else { throw ValidationError("--hr-digest-hour must be between 0 and 23") }
    }

    /// The settings, or nil when no SMTP server was given.
    func settings() throws -> MailSettings? {
        guard let smtpUrl, let mailFrom else { return nil }
        var password: String?
        if let smtpPasswordFile {
            do {
                password = try String(contentsOfFile: smtpPasswordFile, encoding: .utf8)
                    .trimmingCharacters(in: .newlines)
            } catch {
                throw ValidationError("--smtp-password-file: cannot read \(smtpPasswordFile): \(error.localizedDescription)")
            }
            guard password?.isEmpty == false else { throw ValidationError("--smtp-password-file: \(smtpPasswordFile) is empty") }
        }
        if let smtpCaFile { try requireReadableFile(smtpCaFile) }
        var settings = MailSettings(url: smtpUrl, user: smtpUser, password: password, from: mailFrom, caFile: smtpCaFile)
        settings.firstRetryDelay = mailRetrySeconds
        settings.maximumAttempts = mailAttempts
        settings.ratePerWindow = mailRate
        settings.rateWindow = mailRateWindowSeconds
        settings.digestWeekday = WeeklyDigestSchedule.weekday(named: hrDigestDay) ?? 1
        settings.digestHour = hrDigestHour
        return settings
    }
}

struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mail", abstract: "Check mail delivery.",
                                                    subcommands: [Test.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a test message now with the given SMTP options.")
        @OptionGroup var mail: MailOptions
        @Option(help: ArgumentHelp("The address to send the test message to.", valueName: "address")) var to: String

        func validate() throws {
            guard mail.smtpUrl != nil else { throw ValidationError("give the SMTP server with --smtp-url") }
            guard MailAddress.isValid(to) else { throw ValidationError("--to: \(to) is not an e-mail address") }
        }

        func run() throws {
            guard let settings = try mail.settings() else { throw ValidationError("give the SMTP server with --smtp-url") }
            let strings = Localization.shipped
            let subject = strings.text("mail.test.subject", .zh) + " / " + strings.text("mail.test.subject", .en)
            let body = strings.text("mail.test.body", .zh) + "\n\n" + strings.text("mail.test.body", .en) + "\n"
            // Text and HTML, as the platform's own mail is: what arrives shows whether the relay keeps both.
            let html = MailHTML.document(title: subject, language: .zh, body: HTML.join([
                MailHTML.block(.zh, MailHTML.paragraph(strings.text("mail.test.body", .zh))),
                MailHTML.block(.en, MailHTML.paragraph(strings.text("mail.test.body", .en))),
            ], separator: MailHTML.separator))
            let message = MailMessage(from: settings.from, to: to, subject: subject, body: body, html: html,
                                      messageID: MailMessage.newMessageID(domain: MailAddress.domain(of: settings.from)),
                                      date: now())
            do {
                try CurlSMTPTransport(settings: settings).send(from: settings.from, to: [to], message: message.rendered)
            } catch {
                throw CommandFailure("the test message was not accepted: \(error.description)")
            }
            print("test message accepted by \(settings.url) for \(to)")
        }
    }
}

extension Users {
    struct SetEmail: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-email",
                                                        abstract: "Set or remove an account's e-mail address (where its mail goes).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Login name.") var login: String
        @Option(help: "The address; an empty one removes it.") var email: String

        func run() throws {
            let trimmed = email.trimmingCharacters(in: .whitespacesAndNewlines)
            let address: String?
            if trimmed.isEmpty {
                address = nil
            } else {
                guard let valid = MailAddress.normalized(trimmed) else { throw CommandFailure("\(email) is not an e-mail address") }
                address = valid
            }
            let storage = try database.openExisting()
            guard let user = try storage.users.find(login: login) else {
                throw CommandFailure("no account \(login)")
            }
            try storage.mailAddresses.setEmail(address, id: user.id, by: .commandLine)
            print(address.map { "e-mail address of \(user.login) set to \($0)" } ?? "e-mail address of \(user.login) removed")
        }
    }

    struct ResetLink: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-link",
            abstract: "Make a one-time link (24 hours) that sets a new password; printed once, never stored. Older links of the account end.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Login name.") var login: String
        @Option(help: "The address people reach the platform at (as serve --public-url).") var publicURL = "http://127.0.0.1:8080"

        func run() throws {
            let storage = try database.openExisting()
            guard let user = try storage.users.find(login: login) else {
                throw CommandFailure("no account \(login)")
            }
            let resets = PasswordResets(storage: storage, strings: Localization.shipped, publicURL: publicURL,
                                        mailEnabled: false, clock: now)
            let link: PasswordResets.IssuedLink
            do {
                link = try resets.issue(for: user, origin: .cli, by: .commandLine)
            } catch let failure as PasswordResets.Failure {
                throw CommandFailure("\(user.login): \(failure.description)")
            }
            print("Password reset link for \(user.login), valid until \(tokenTimestamp(link.expiresAt)) (shown once):")
            print(link.url)
        }
    }
}
