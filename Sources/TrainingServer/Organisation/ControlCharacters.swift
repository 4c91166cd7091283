/// Names, logins, departments and employee numbers are shown on pages, in exports and in log lines: a line break,
/// NUL or other control character in one splits lines, truncates text in other systems or hides what follows.
extension String {
    /// The first C0 or C1 control character (including DEL), line separator (U+2028) or paragraph separator
    /// (U+2029) in the text, or nil when there is none.
    public var firstControlCharacter: Unicode.Scalar? {
        unicodeScalars.first { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
        }
    }

    /// "U+000A": how messages name a character that cannot be shown.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: Swift.max(0, 4 - hex.count)) + hex
    }

    /// A one-line message when the text holds a control character (`firstControlCharacter`), naming `what` and
    /// the character; nil when the text is clean.
    public func controlCharacterProblem(_ what: String) -> String? {
        guard let scalar = firstControlCharacter else { return nil }
        return "\(what) contains the control character \(String.codePoint(scalar)); remove line breaks, tabs and other control characters"
    }
}
