import Foundation
import Logging
import Synchronization

/// Keeps the servers on one database running the same course files: a reload that a server starts (the button, SIGHUP)
/// and takes raises the storage engine's catalogue signal, and every server looks at that signal every few seconds and
/// reloads its own course folder when another server raised it. Each server reads its own `--courses` folder, so a
/// new version is deployed to every server's folder first, then reloaded on any one of them.
///
/// A reload this follower makes is marked `.otherServer` and raises nothing, so servers never wake each other in a
/// loop. A signal that cannot be read (the database briefly unreachable) is skipped, not taken for a change.
public final class CatalogueFollower: Sendable {
    let catalogue: CatalogueHolder
    let signal: any RaisableChangeSignal
    let logger: Logger
    let clock: @Sendable () -> Double
    /// The signal as last seen: at start, after this server raised it, after following it.
    private let seen: Mutex<ChangeReading?>

    public init(catalogue: CatalogueHolder, signal: any RaisableChangeSignal, logger: Logger,
                clock: @escaping @Sendable () -> Double) {
        self.catalogue = catalogue
        self.signal = signal
        self.logger = logger
        self.clock = clock
        seen = Mutex(signal.reading())
        catalogue.onReloadStartedHere { [self] in announce() }
    }

    /// Tells the other servers that this one reloaded (called after each reload started here that was taken).
    func announce() {
        do {
            try signal.raise()
            let now = signal.reading()
            seen.withLock { $0 = now ?? $0 }
        } catch {
            logger.warning("catalogue reload not signalled to the other servers: \(error)")
        }
    }

    /// Reloads the course files when another server reloaded since the last look; the outcome, or nil when the
    /// signal did not move.
    @discardableResult
    public func follow() -> ReloadOutcome? {
        guard let now = signal.reading() else { return nil }
        let moved = seen.withLock { seen in
            defer { seen = now }
            return seen != now
        }
        guard moved else { return nil }
        let outcome = catalogue.reload(now: clock(), trigger: .otherServer, by: nil)
        outcome.log(to: logger)
        return outcome
    }

    /// Looks at the signal every `interval` seconds on a thread of its own.
    public func start(interval: Double) {
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: interval)
                follow()
            }
        }
    }
}
