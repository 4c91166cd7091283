import Assessment
import Foundation

/// Posting notices and mailing them.
///
/// `post(_:at:in:)` writes the notice in the caller's transaction (a `StorageTransaction`), once per person and dedupe key, and queues a
/// mail in the same transaction when mail is configured, the person has an address, the kind is mailed, and either
/// the kind must be delivered (`NoticeKind.mustBeDelivered`) or the person has not turned reminder mail off.
/// Reminder mails carry a one-click unsubscribe link (`/mail/unsubscribe/<token>`, RFC 8058); only the token's
/// digest is kept.
public struct NoticeService: Sendable {
    public let notices: any NoticeRepository
    let outbox: any MailOutboxRepository
    let strings: Localization
    let publicURL: String
    let mailConfigured: Bool
    /// Tells the mail sender to look now (called after a commit that queued mail).
    let wakeMail: @Sendable () -> Void

    public init(storage: any StorageEngine, strings: Localization, publicURL: String, mailConfigured: Bool,
                wakeMail: @escaping @Sendable () -> Void = {}) {
        self.notices = storage.notices
        self.outbox = storage.mailOutbox
        self.strings = strings
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.mailConfigured = mailConfigured
        self.wakeMail = wakeMail
    }

    /// What posting did.
    public struct Posted: Sendable, Hashable {
        /// The new notice's id; nil when the person had it already (nothing changed).
        public var noticeID: Int64?
        /// The queued mail's outbox id, if one was queued.
        public var mailID: Int64?
    }

    /// Posts `notice` inside the caller's write transaction (see the type's description).
    @discardableResult
    public func post(_ notice: NewNotice, at now: Double, in transaction: any StorageTransaction) throws -> Posted {
        guard let id = try notices.insert(notice, at: now, in: transaction) else { return Posted(noticeID: nil, mailID: nil) }
        guard mailConfigured, notice.kind.isMailed,
              let recipient = try notices.recipient(notice.userID, in: transaction), !recipient.disabled,
              let address = recipient.email,
              notice.kind.mustBeDelivered || recipient.reminderMail else { return Posted(noticeID: id, mailID: nil) }
        var unsubscribe: String?
        if !notice.kind.mustBeDelivered {
            let token = Tokens.random()
            try notices.insertUnsubscribeToken(hash: Tokens.digest(token), userID: notice.userID, at: now, in: transaction)
            unsubscribe = "\(publicURL)/mail/unsubscribe/\(token)"
        }
        let mail = self.mail(notice, to: recipient, address: address, unsubscribe: unsubscribe)
        let mailID = try outbox.enqueue(mail, at: now, in: transaction)
        return Posted(noticeID: id, mailID: mailID)
    }

    /// Call after committing posts that queued mail.
    public func mailQueued() { wakeMail() }

    /// The mail for `notice`: in the person's language, or Chinese then English when they chose none; plain text
    /// and HTML saying the same; a reminder carries its one-click unsubscribe address (`List-Unsubscribe`).
    func mail(_ notice: NewNotice, to recipient: NoticeRecipient, address: String, unsubscribe: String?) -> OutgoingMail {
        let languages: [Language] = recipient.language.map { [$0] } ?? [.zh, .en]
        let titles = languages.map { NoticeWords(strings: strings, language: $0).title(notice.kind, notice.parameters) }
        let subject = zip(languages, titles).map { language, title in
            strings.text("notices.mail.subject", language, ["title": title])
        }.joined(separator: " / ")
        let url = publicURL + (notice.link ?? "/notices")
        var texts: [String] = []
        var blocks: [HTML] = []
        for (language, title) in zip(languages, titles) {
            let words = NoticeWords(strings: strings, language: language)
            let greeting = strings.text("notices.mail.greeting", language, ["name": recipient.displayName])
            let sentence = words.text(notice.kind, notice.parameters)
            let open = strings.text("notices.mail.open", language, ["url": url])
            let footer = unsubscribe.map {
                strings.text("notices.mail.unsubscribe", language, ["url": $0, "profile": publicURL + "/profile"])
            } ?? strings.text("notices.mail.required", language)
            texts.append([greeting, sentence, open, footer].joined(separator: "\n\n"))
            blocks.append(MailHTML.block(language, MailHTML.heading(title) + MailHTML.paragraph(greeting)
                + MailHTML.paragraph(sentence) + "<p>\(MailHTML.link(url, text: open))</p>\n" + MailHTML.footnote(footer)))
        }
        let html = MailHTML.document(title: subject, language: languages[0],
                                     body: HTML.join(blocks, separator: MailHTML.separator))
        return OutgoingMail(kind: "notice.\(notice.kind.rawValue)", recipient: address, subject: subject,
                            body: texts.joined(separator: "\n\n-----\n\n") + "\n", html: html, unsubscribeURL: unsubscribe)
    }

    /// Turns reminder mail off for the person an unsubscribe token names; nil for an unknown token, else whether
    /// it was on before.
    public func unsubscribe(token: String, at now: Double) throws -> Bool? {
        guard Self.isWellFormed(token), let target = try notices.unsubscribeTarget(tokenHash: Tokens.digest(token)) else {
            return nil
        }
        if target.reminderMail { try notices.setReminderMail(false, of: target.userID, at: now) }
        return target.reminderMail
    }

    /// Whether the person an unsubscribe token names still gets reminder mail (nil: unknown token).
    public func unsubscribeState(token: String) throws -> Bool? {
        guard Self.isWellFormed(token) else { return nil }
        return try notices.unsubscribeTarget(tokenHash: Tokens.digest(token))?.reminderMail
    }

    /// 43 characters of base64url: what `Tokens.random()` makes.
    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x5F
        }
    }
}
