/// A request's id, shown in log lines and error pages to tie a report to its line: the process's random prefix and
/// the request's number, both in base 36 (`k3x9q2-1a`). A plain value, so that handing it to the log costs nothing;
/// its text is written only where it is shown.
public struct RequestID: Sendable, Hashable, CustomStringConvertible {
    /// The process's prefix (a random number).
    let prefix: UInt32
    /// Counts from 1 within the process.
    let number: UInt64

    /// At most 7 digits of the prefix, the dash and 13 digits of the number.
    private static let maximumLength = 21

    /// The id's length in bytes.
    var utf8Count: Int { Self.digits(UInt64(prefix)) + 1 + Self.digits(number) }

    /// Calls `body` with the id's text (ASCII).
    func withText<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maximumLength) { buffer in
            var end = Self.write(UInt64(prefix), endingAt: Self.digits(UInt64(prefix)), into: buffer)
            buffer[end] = UInt8(ascii: "-")
            end += 1
            end = Self.write(number, endingAt: end + Self.digits(number), into: buffer)
            return body(UnsafeBufferPointer(rebasing: buffer[..<end]))
        }
    }

    public var description: String {
        withText { String(decoding: $0, as: UTF8.self) }
    }

    /// How many base-36 digits `value` has.
    private static func digits(_ value: UInt64) -> Int {
        var count = 1
        var rest = value / 36
        while rest > 0 {
            count += 1
            rest /= 36
        }
        return count
    }

    /// Writes `value`'s digits so that the last lands just before `end`; returns `end`.
    private static func write(_ value: UInt64, endingAt end: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var value = value
        var index = end
        repeat {
            index -= 1
            let digit = UInt8(value % 36)
            buffer[index] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
            value /= 36
        } while value > 0
        return end
    }
}
