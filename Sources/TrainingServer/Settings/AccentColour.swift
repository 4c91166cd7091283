import Crypto
import Foundation

/// The accent colours an administrator may choose for the header and brand: a fixed palette, each dark enough that
/// the header's white text on it has a contrast ratio of at least 4.5:1 (WCAG 2.2, 1.4.3), so no choice can make the
/// header unreadable.
public enum AccentColour: String, Sendable, CaseIterable {
    /// The shipped colour.
    case navy
    case blue
    case teal
    case green
    case red
    case purple
    case brown
    case slate

    /// The colour the platform ships with.
    public static let standard: AccentColour = .navy

    /// The colour as CSS hex (`#rrggbb`).
    public var hex: String {
        switch self {
        case .navy: "#1d3f73"
        case .blue: "#1a4f9c"
        case .teal: "#00695c"
        case .green: "#2e6b30"
        case .red: "#a4262c"
        case .purple: "#5b2c83"
        case .brown: "#7a4a00"
        case .slate: "#3d4852"
        }
    }

    /// The colour's name in the translation files.
    public var labelKey: String { "admin.settings.accent.\(rawValue)" }

    /// The contrast ratio of white text on this colour (WCAG relative luminance).
    public var contrastWithWhite: Double {
        (1.0 + 0.05) / (Self.relativeLuminance(hex: hex) + 0.05)
    }

    /// WCAG 2.2 relative luminance of a `#rrggbb` colour.
    static func relativeLuminance(hex: String) -> Double {
        let digits = Array(hex.utf8.dropFirst())
        func channel(_ index: Int) -> Double {
            let text = String(decoding: digits[(index * 2)..<(index * 2 + 2)], as: UTF8.self)
            let value = Double(Int(text, radix: 16) ?? 0) / 255
            return value <= 0.04045 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }

    /// The stylesheet that sets this colour as the brand (served at `/theme.css`, loaded after `style.css`).
    public var stylesheet: String { ":root { --brand: \(hex); }\n" }

    /// The stylesheet's version: the first 16 hex digits of its SHA-256, so its URL changes with its content.
    public var stylesheetVersion: String {
        SHA256.hash(data: Array(stylesheet.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Where pages load the stylesheet from (cached for a year under this URL).
    public var stylesheetURL: String { "/theme.css?v=\(stylesheetVersion)" }
}
