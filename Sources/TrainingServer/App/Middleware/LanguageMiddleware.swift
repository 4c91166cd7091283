import Assessment

/// Chooses the page language: the language switch's cookie, then the profile (applied by authentication),
/// then `Accept-Language`, then Chinese.
struct LanguageMiddleware: Middleware {
    func handle(_ request: Request, next: (Request) throws -> Response) throws -> Response {
        var request = request
        request.context.language = Self.language(for: request)
        return try next(request)
    }

    static func language(for request: Request) -> Language {
        if let chosen = request.cookies["csa_lang"].flatMap(Language.init(rawValue:)) { return chosen }
        return fromAcceptLanguage(request.headers["Accept-Language"]) ?? .zh
    }

    /// The first supported language in an Accept-Language header, by quality: of the wanted languages (quality above
    /// 0) the one with the highest quality, the earliest of equals. Read on the header's bytes, with no array, sort or
    /// lower-cased copy per request (browsers send the header with every request).
    static func fromAcceptLanguage(_ header: String?) -> Language? {
        guard let header else { return nil }
        var best: (language: Language, quality: Double)?
        // Items are separated by commas, and an item's parts by semicolons; empty items and parts do not count, the
        // first part is the tag, and a later part `q=...` sets the quality (the last one that parses).
        for item in header.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true) {
            var parts = item.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: true).makeIterator()
            guard let tagPart = parts.next() else { continue }
            let tag = Self.trimmed(tagPart)
            guard !tag.isEmpty else { continue }
            var quality = 1.0
            while let part = parts.next() {
                let pair = Self.trimmed(part)
                guard pair.starts(with: "q=".utf8),
                      let value = Double(Substring(pair.dropFirst(2))) else { continue }
                quality = value
            }
            guard quality > 0, let language = Self.supported(tag) else { continue }
            if best == nil || quality > best!.quality { best = (language, quality) }
        }
        return best?.language
    }

    /// `bytes` without leading and trailing spaces and tabs.
    private static func trimmed(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        var bytes = bytes
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { bytes.removeFirst() }
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { bytes.removeLast() }
        return bytes
    }

    /// The language a tag names: `zh` or `zh-...`, `en` or `en-...`, in any ASCII case.
    private static func supported(_ tag: Substring.UTF8View) -> Language? {
        var bytes = tag.makeIterator()
        guard let first = bytes.next(), let second = bytes.next() else { return nil }
        if let third = bytes.next(), third != UInt8(ascii: "-") { return nil }
        switch (first | 0x20, second | 0x20) {
        case (UInt8(ascii: "z"), UInt8(ascii: "h")): return .zh
        case (UInt8(ascii: "e"), UInt8(ascii: "n")): return .en
        default: return nil
        }
    }
}
