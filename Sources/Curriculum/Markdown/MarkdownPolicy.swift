import Foundation

/// Which link and image destinations module Markdown may use.
enum MarkdownPolicy {
    static let allowedSchemes: Set<String> = ["http", "https", "mailto", "tel"]

    /// Why a link destination is refused, or nil if it is allowed.
    static func linkProblem(_ url: String) -> String? {
        guard let scheme = scheme(of: url) else { return nil }
        if allowedSchemes.contains(scheme) { return nil }
        return "links may only use http, https, mailto or tel, not '\(scheme):'; the link is shown as plain text"
    }

    /// The path under `media/` for an allowed image destination, or nil.
    static func mediaPath(_ url: String) -> String? {
        guard url.hasPrefix("media/"), scheme(of: url) == nil else { return nil }
        let path = String(url.dropFirst("media/".count))
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty,
              !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
              !contains(path, "?"), !contains(path, "#"), !contains(path, "\\") else { return nil }
        return path
    }

    /// Whether `text` contains `character`, an ASCII character: for ASCII text a byte search, otherwise
    /// Foundation's search as before.
    private static func contains(_ text: String, _ character: String) -> Bool {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return text.utf8.contains(character.utf8.first!)
        }
        return text.contains(character)
    }

    static func imageProblem(_ url: String) -> String {
        let shown = url.count > 60 ? String(url.prefix(57)) + "..." : url
        return "images must come from this course's media/ folder, as ![description](media/file.png), not '\(shown)'"
    }

    /// The lowercased scheme of `url`, ignoring the whitespace and control characters browsers ignore;
    /// nil for relative URLs and fragments.
    static func scheme(of url: String) -> String? {
        var scheme = ""
        for scalar in url.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7f { continue }
            if scalar == ":" { return scheme.isEmpty ? nil : scheme.lowercased() }
            let isLetter = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
            let isOther = (scalar >= "0" && scalar <= "9") || scalar == "+" || scalar == "-" || scalar == "."
            guard isLetter || (isOther && !scheme.isEmpty) else { return nil }
            scheme.unicodeScalars.append(scalar)
        }
        return nil
    }
}
