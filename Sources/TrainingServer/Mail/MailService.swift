import Dispatch
import Foundation
import Logging
import Synchronization

/// How the platform reaches its SMTP server (`serve --smtp-url …`).
public struct MailSettings: Sendable, Hashable {
    /// `smtp://host:port` (STARTTLS required) or `smtps://host:port` (TLS from the start).
    public var url: String
    public var user: String?
    public var password: String?
    /// The sender's address (`From` and the envelope).
    public var from: String
    /// A PEM file of CAs to trust for the server's certificate instead of the system's.
    public var caFile: String?
    /// Seconds to wait for the connection (and twice that for the whole message).
    public var timeout: Double = 30
    /// Seconds before the first retry; each further retry waits twice as long, at most `maximumRetryDelay`.
    public var firstRetryDelay: Double = 60
    public var maximumRetryDelay: Double = 3600
    /// Attempts before a message is given up.
    public var maximumAttempts = 8
    /// Messages (delivery attempts) this server hands to the SMTP server per `rateWindow` at most
    /// (`--mail-rate`, per minute); the rest wait for the next pass.
    public var ratePerWindow = 60
    /// The window of the rate limit in seconds: a minute (shorter only in tests).
    public var rateWindow: Double = 60
    /// The weekly HR digest goes out from this ISO weekday (1 Monday … 7 Sunday) and hour (0–23) on, in the
    /// platform's time zone.
    public var digestWeekday = 1
    public var digestHour = 8

    public init(url: String, user: String? = nil, password: String? = nil, from: String, caFile: String? = nil) {
        self.url = url
        self.user = user
        self.password = password
        self.from = from
        self.caFile = caFile
    }

    /// Why `url` is not an SMTP server's address, or nil when it is one.
    public static func problem(url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "smtp" || scheme == "smtps", let host = components.host, !host.isEmpty,
              components.user == nil, components.password == nil, components.query == nil else {
            return "give the SMTP server as smtp://HOST:PORT (STARTTLS) or smtps://HOST:PORT (TLS), without credentials"
        }
        return nil
    }

    /// The delay before attempt `attempts + 1`, after `attempts` failed ones; nil when the message is given up.
    public func retryDelay(afterAttempts attempts: Int) -> Double? {
        guard attempts < maximumAttempts else { return nil }
        return min(firstRetryDelay * pow(2, Double(max(0, attempts - 1))), maximumRetryDelay)
    }
}

/// An SMTP server refused or could not take a message.
public struct MailDeliveryError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Something that hands a message to a mail server.
public protocol MailTransport: Sendable {
    func send(from sender: String, to recipients: [String], message: [UInt8]) throws(MailDeliveryError)
}

/// The sender's counters, shown at `/metrics`.
public final class MailCounters: Sendable {
    private let sent = Atomic<Int>(0)
    private let failedAttempts = Atomic<Int>(0)
    private let givenUp = Atomic<Int>(0)

    public init() {}

    func recordSent() { sent.add(1, ordering: .relaxed) }
    func recordFailedAttempt() { failedAttempts.add(1, ordering: .relaxed) }
    func recordGivenUp(_ count: Int = 1) { givenUp.add(count, ordering: .relaxed) }

    public var sentCount: Int { sent.load(ordering: .relaxed) }
    public var failedAttemptCount: Int { failedAttempts.load(ordering: .relaxed) }
    public var givenUpCount: Int { givenUp.load(ordering: .relaxed) }

    /// The counters in Prometheus' text format.
    public func render() -> String {
        """
        # HELP mail_sent_total Messages the SMTP server accepted.
        # TYPE mail_sent_total counter
        mail_sent_total \(sentCount)
        # HELP mail_attempts_failed_total Delivery attempts that failed (each is retried until the message is given up).
        # TYPE mail_attempts_failed_total counter
        mail_attempts_failed_total \(failedAttemptCount)
        # HELP mail_given_up_total Messages given up: too many failed attempts, expired, or interrupted mid-delivery.
        # TYPE mail_given_up_total counter
        mail_given_up_total \(givenUpCount)

        """
    }
}

/// Mail delivery: whether it is configured, and the background sender that empties the outbox.
///
/// Work that makes mail runs first on each pass (`addProducer`: e.g. self-service password resets, whose requests
/// wait here so that a web request never looks up an account), then due messages are claimed and sent, at most
/// `ratePerWindow` attempts per `rateWindow` from this server (the rest stay queued for a later pass): a
/// failure is recorded and retried with a doubling delay, a message is given up after `maximumAttempts`, and a
/// message accepted by the server is marked sent at once and never sent again.
public final class MailService: Sendable {
    public let settings: MailSettings?
    public let outbox: any MailOutboxRepository
    /// People's addresses (set on the profile page and with `users set-email`).
    public let addresses: any MailAddressRepository
    let transport: (any MailTransport)?
    let counters: MailCounters
    let logger: Logger
    let clock: @Sendable () -> Double
    private let wakeUp = DispatchSemaphore(value: 0)
    private let producers = Mutex<[@Sendable () throws -> Void]>([])
    /// When this server's recent delivery attempts started (for the rate limit).
    private let recentAttempts = Mutex<[Double]>([])
    private let started = Atomic<Bool>(false)
    /// Seconds between passes when nothing wakes the sender.
    public static let pollInterval: Double = 1

    /// Mail is off when `settings` is nil: nothing is queued and no sender runs.
    public init(settings: MailSettings?, storage: any StorageEngine, transport: (any MailTransport)? = nil,
                counters: MailCounters, logger: Logger, clock: @escaping @Sendable () -> Double) {
        self.settings = settings
        self.outbox = storage.mailOutbox
        self.addresses = storage.mailAddresses
        self.transport = transport ?? settings.map { CurlSMTPTransport(settings: $0) }
        self.counters = counters
        self.logger = logger
        self.clock = clock
    }

    public var isConfigured: Bool { settings != nil }

    /// Adds work run at the start of every pass (before delivery).
    public func addProducer(_ producer: @escaping @Sendable () throws -> Void) {
        producers.withLock { $0.append(producer) }
    }

    /// Makes the sender look at the outbox now rather than at its next poll.
    public func wake() {
        wakeUp.signal()
    }

    /// Starts the sender on a thread of its own (once; nothing happens when mail is off). Messages a stopped sender
    /// left mid-delivery (claimed longer ago than any attempt can last) are given up, at start and on every pass
    /// (see `SQLiteMailOutbox.abandonInterrupted`).
    public func start() {
        guard let settings, !started.exchange(true, ordering: .relaxed) else { return }
        abandonInterrupted(olderThan: settings.timeout * 4)
        Thread.detachNewThread { [self] in
            while true {
                runOnce()
                // Another instance may have died mid-delivery: its claims are given up once well past any timeout.
                abandonInterrupted(olderThan: settings.timeout * 4)
                _ = wakeUp.wait(timeout: .now() + Self.pollInterval)
            }
        }
    }

    private func abandonInterrupted(olderThan seconds: Double) {
        let now = clock()
        do {
            let ids = try outbox.abandonInterrupted(claimedBefore: now - seconds, at: now)
            for id in ids { logger.error("mail given up id=\(id): interrupted during delivery, not retried") }
            if !ids.isEmpty { counters.recordGivenUp(ids.count) }
        } catch {
            logger.error("mail outbox check failed: \(error)")
        }
    }

    /// One pass: the producers, then every message due now. Returns how many messages were delivered.
    @discardableResult
    public func runOnce() -> Int {
        for producer in producers.withLock({ $0 }) {
            do { try producer() } catch { logger.error("preparing mail failed: \(error)") }
        }
        guard let settings, let transport else { return 0 }
        var delivered = 0
        while takeRateSlot(settings: settings) {
            let message: OutboxMessage
            do {
                guard let claimed = try outbox.claimNext(now: clock(), messageID: {
                    MailMessage.newMessageID(domain: MailAddress.domain(of: settings.from))
                }) else {
                    giveBackRateSlot()
                    break
                }
                message = claimed
            } catch {
                logger.error("mail outbox read failed: \(error)")
                giveBackRateSlot()
                break
            }
            if deliver(message, settings: settings, transport: transport) { delivered += 1 }
        }
        return delivered
    }

    /// Takes a place in the rate limit's window for one attempt; false when this server has made
    /// `ratePerWindow` attempts within the last `rateWindow` seconds (the rest wait for a later pass).
    private func takeRateSlot(settings: MailSettings) -> Bool {
        let now = clock()
        return recentAttempts.withLock { times in
            times.removeAll { $0 <= now - settings.rateWindow }
            guard times.count < settings.ratePerWindow else { return false }
            times.append(now)
            return true
        }
    }

    /// Returns the place taken when nothing was due after all.
    private func giveBackRateSlot() {
        recentAttempts.withLock { times in _ = times.popLast() }
    }

    private func deliver(_ message: OutboxMessage, settings: MailSettings, transport: any MailTransport) -> Bool {
        let bytes = MailMessage(from: settings.from, to: message.recipient, subject: message.subject, body: message.body,
                                html: message.html, unsubscribeURL: message.unsubscribeURL,
                                messageID: message.messageID ?? MailMessage.newMessageID(domain: "localhost"),
                                date: message.createdAt).rendered
        do {
            try transport.send(from: settings.from, to: [message.recipient], message: bytes)
        } catch {
            counters.recordFailedAttempt()
            let now = clock()
            let delay = settings.retryDelay(afterAttempts: message.attempts)
            do {
                try outbox.attemptFailed(id: message.id, error: error.description, at: now, retryAt: delay.map { now + $0 })
            } catch let storeError {
                logger.error("mail outbox update failed id=\(message.id): \(storeError)")
            }
            if let delay {
                logger.warning("mail attempt failed id=\(message.id) kind=\(message.kind) attempt=\(message.attempts) retry_in=\(Int(delay))s: \(error.description)")
            } else {
                counters.recordGivenUp()
                logger.error("mail given up id=\(message.id) kind=\(message.kind) after \(message.attempts) attempts: \(error.description)")
            }
            return false
        }
        counters.recordSent()
        do {
            try outbox.delivered(id: message.id, at: clock())
        } catch {
            // Still `sending`: it is given up later, never sent again.
            logger.error("mail sent but not recorded id=\(message.id): \(error)")
        }
        logger.info("mail sent id=\(message.id) kind=\(message.kind) attempt=\(message.attempts)")
        return true
    }

    /// Sends one message now, outside the outbox (`mail test`).
    public func sendNow(to recipient: String, subject: String, body: String, html: String? = nil) throws(MailDeliveryError) {
        guard let settings, let transport else { throw MailDeliveryError("mail is not configured") }
        let message = MailMessage(from: settings.from, to: recipient, subject: subject, body: body, html: html,
                                  messageID: MailMessage.newMessageID(domain: MailAddress.domain(of: settings.from)),
                                  date: clock())
        try transport.send(from: settings.from, to: [recipient], message: message.rendered)
    }
}
