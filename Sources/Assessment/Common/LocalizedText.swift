/// The languages the platform speaks. Simplified Chinese is the default.
public enum Language: String, Sendable, Hashable, Codable, CaseIterable {
    case zh
    case en
}

/// A text given in Simplified Chinese and English; either may be missing while a translation is pending.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var zh: String?
    public var en: String?

    public init(zh: String? = nil, en: String? = nil) {
        self.zh = zh
        self.en = en
    }

    /// The same text in both languages (numbers, names, codes).
    public init(both text: String) {
        self.zh = text
        self.en = text
    }

    /// The text in `language`, falling back to the other language, then to the empty string.
    public func text(in language: Language) -> String {
        switch language {
        case .zh: return zh ?? en ?? ""
        case .en: return en ?? zh ?? ""
        }
    }

    /// Whether `language` has its own text (no fallback).
    public func has(_ language: Language) -> Bool {
        switch language {
        case .zh: return !(zh ?? "").isEmpty
        case .en: return !(en ?? "").isEmpty
        }
    }
}
