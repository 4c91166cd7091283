/// What a YAML scalar means, decided by YAML 1.1 rules for plain scalars.
///
/// Composition leaves plain scalars untagged, as Yams' basic resolver does (no regular expressions per scalar,
/// which keeps loading fast); this type resolves the few plain-scalar forms course files use. Quoted scalars are
/// always strings.
enum YAMLValue: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)

    init(_ scalar: YAMLNode.Scalar) {
        let text = scalar.string
        switch scalar.tag {
        case "": break
        case "tag:yaml.org,2002:str": self = .string(text); return
        case "tag:yaml.org,2002:null": self = .null; return
        case "tag:yaml.org,2002:bool": self = Self.bool(text).map(YAMLValue.bool) ?? .string(text); return
        case "tag:yaml.org,2002:int": self = Self.int(text).map(YAMLValue.int) ?? .string(text); return
        case "tag:yaml.org,2002:float": self = Self.float(text).map(YAMLValue.float) ?? .string(text); return
        default: break
        }
        guard scalar.style == .plain || scalar.style == .any else {
            self = .string(text)
            return
        }
        // Every null and boolean word is ASCII of at most five letters; most scalars are longer text.
        let isShort = text.utf8.count <= 5 && text.utf8.allSatisfy { $0 < 0x80 }
        if text.isEmpty || isShort && (text == "~" || text == "null" || text == "Null" || text == "NULL") {
            self = .null
        } else if isShort, let bool = Self.bool(text) {
            self = .bool(bool)
        } else if let int = Self.int(text) {
            self = .int(int)
        } else if let float = Self.float(text) {
            self = .float(float)
        } else {
            self = .string(text)
        }
    }

    /// A number, whether written as an integer or with a decimal point.
    var number: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .float(let value): return value
        default: return nil
        }
    }

    /// How the value reads in a message: `true`, `12`, `'text'`, `nothing`.
    var shortDescription: String {
        switch self {
        case .null: return "nothing"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .float(let value): return String(value)
        case .string(let value):
            let short = value.count > 40 ? String(value.prefix(37)) + "..." : value
            return "'\(short.replacingAll("\n", with: " "))'"
        }
    }

    private static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
        default: return nil
        }
    }

    private static func int(_ text: String) -> Int? {
        guard let first = text.utf8.first, isNumberStart(first) else { return nil }
        var digits = Substring(text.contains("_") ? String(text.filter { $0 != "_" }) : text)
        var negative = false
        if let first = digits.first, first == "-" || first == "+" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        let magnitude: Int?
        if digits.hasPrefix("0x") {
            magnitude = Int(digits.dropFirst(2), radix: 16)
        } else if digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            magnitude = Int(digits)
        } else {
            magnitude = nil
        }
        guard let magnitude else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// Whether a plain scalar starting with `byte` could be a number at all (most scalars are words).
    private static func isNumberStart(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
    }

    private static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard let first = text.utf8.first, isNumberStart(first) else { return nil }
        let cleaned = text.contains("_") ? String(text.filter { $0 != "_" }) : text
        var sawDigit = false
        var sawDot = false
        var sawExponent = false
        var previous: Character = " "
        for (offset, character) in cleaned.enumerated() {
            switch character {
            case "0"..."9": sawDigit = true
            case "+", "-":
                guard offset == 0 || previous == "e" || previous == "E" else { return nil }
            case ".":
                guard !sawDot && !sawExponent else { return nil }
                sawDot = true
            case "e", "E":
                guard sawDigit && !sawExponent else { return nil }
                sawExponent = true
            default:
                return nil
            }
            previous = character
        }
        guard sawDigit, sawDot || sawExponent else { return nil }
        return Double(cleaned)
    }
}
