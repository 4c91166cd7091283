/// One character of a GIFT question after escapes are resolved, with where it was written.
///
/// Moodle's importer replaces `\:`, `\#`, `\=`, `\{`, `\}`, `\~`, `\n` and `\\` with placeholders before it looks
/// for control characters; here an escaped character is simply marked `escaped`, so it never acts as a control
/// character and keeps the position of its backslash for messages.
struct GIFTUnit: Equatable {
    let scalar: Unicode.Scalar
    let escaped: Bool
    let line: Int
    let column: Int

    func isControl(_ character: Unicode.Scalar) -> Bool {
        !escaped && scalar == character
    }

    /// Whitespace as PHP's `trim` sees it; escaped newlines count only for the final trim of a text.
    var isRawWhitespace: Bool {
        !escaped && GIFTUnit.whitespace.contains(scalar)
    }

    var isWhitespace: Bool {
        GIFTUnit.whitespace.contains(scalar)
    }

    static let whitespace: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r", "\0", "\u{0B}"]
}
