import CQREncode
import Foundation

/// A QR Code symbol (ISO/IEC 18004) made by libqrencode, drawn as an inline SVG for certificate pages.
///
/// This is the only file that calls libqrencode.
public struct QRCode: Sendable, Equatable {
    /// How much of the symbol may be damaged and still read: about 7, 15, 25 or 30 percent.
    public enum Correction: Sendable {
        case low, medium, quartile, high

        var level: QRecLevel {
            switch self {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }
    }

    /// Why a text could not be encoded.
    public enum EncodingError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The text holds a NUL character, which the C interface cannot pass.
        case containsNUL
        /// The text does not fit in the largest symbol (version 40) at the chosen correction level.
        case tooLong
        /// libqrencode failed for another reason; `code` is its errno.
        case failed(code: Int32)

        /// The reason in plain words.
        public var description: String {
            switch self {
            case .containsNUL: "The text contains a NUL character and cannot be put in a QR code."
            case .tooLong: "The text is too long for a QR code at this error correction level."
            case .failed(let code): "The QR code could not be made (error \(code))."
            }
        }
    }

    /// The symbol version, 1...40; the smallest that holds the text.
    public let version: Int
    /// Modules per side: 17 + 4 × version.
    public let size: Int
    /// Dark modules, row by row.
    let dark: [Bool]

    /// Encodes `text` (UTF-8, mode chosen per segment by libqrencode) in the smallest symbol that holds it.
    public init(encoding text: String, correction: Correction = .medium) throws(EncodingError) {
        guard !text.utf8.contains(0) else { throw .containsNUL }
        // libqrencode returns a fresh heap symbol owned by the caller, or NULL with errno set. The symbol's
        // `data` holds width × width bytes whose lowest bit marks a dark module; they are copied out before
        // QRcode_free, which the defer runs on every path. Debian's libqrencode 4 is built thread-safe (its
        // shared Reed-Solomon tables are guarded by a pthread mutex), so calls from concurrent request
        // handlers are sound.
        guard let symbol = QRcode_encodeString(text, 0, correction.level, QR_MODE_8, 1) else {
            let code = errno
            throw code == ERANGE ? .tooLong : .failed(code: code)
        }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        guard width > 0, let data = symbol.pointee.data else { throw .failed(code: EINVAL) }
        version = Int(symbol.pointee.version)
        size = width
        dark = UnsafeBufferPointer(start: data, count: width * width).map { $0 & 1 == 1 }
    }

    /// Whether the module in column `x`, row `y` (from the top left, 0-based) is dark.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return dark[y * size + x]
    }

    /// The symbol as an inline `<svg>`: black modules in one `<path>` on a white square with a `quietZone`
    /// (4 modules, the standard minimum) on every side, in module units so it scales crisply.
    ///
    /// - Parameters:
    ///   - label: What the code is for, read by screen readers (`role="img"`, `aria-label`); escaped here.
    ///   - pixels: Width and height in CSS pixels; without it the SVG fills the width its container gives it.
    public func svg(label: String, pixels: Int? = nil, quietZone: Int = 4) -> String {
        let margin = max(0, quietZone)
        let extent = size + 2 * margin
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                let start = x
                while x < size && isDark(x: x, y: y) { x += 1 }
                path += "M\(start + margin) \(y + margin)h\(x - start)v1h-\(x - start)z"
            }
        }
        let dimensions = pixels.map { " width=\"\($0)\" height=\"\($0)\"" } ?? ""
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(extent) \(extent)\"\(dimensions)"
            + " role=\"img\" aria-label=\"\(Self.escaped(label))\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"\(extent)\" height=\"\(extent)\" fill=\"#fff\"/>"
            + "<path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    private static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
