/// The rule for stable ids (`[a-z0-9][a-z0-9-]*`) and a way to derive one from a title.
public enum Identifier {
    /// Whether `text` is a valid id: lowercase ASCII letters, digits and hyphens, starting with a letter or digit.
    public static func isValid(_ text: String) -> Bool {
        guard let first = text.utf8.first, isLowerAlphanumeric(first) else { return false }
        return text.utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// An id made from `text`: ASCII letters lowercased, every other run of characters one hyphen.
    /// Empty when `text` has no ASCII letters or digits (a Chinese title, for example).
    public static func slug(from text: String) -> String {
        var result = ""
        var pendingHyphen = false
        for byte in text.utf8 {
            let lower = (byte >= 65 && byte <= 90) ? byte + 32 : byte
            if isLowerAlphanumeric(lower) {
                if pendingHyphen && !result.isEmpty { result.append("-") }
                pendingHyphen = false
                result.append(Character(Unicode.Scalar(lower)))
            } else {
                pendingHyphen = true
            }
        }
        return result
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57)
    }
}
