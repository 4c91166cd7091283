import Crypto
import Foundation

/// An uploaded logo or seal checked and made safe to serve: a PNG is checked by its signature, its header chunk
/// and its dimensions and kept as it is; an SVG is parsed and written out again from an allow-list
/// (`SVGSanitizer`). Anything else, or anything larger than `maximumBytes`, is refused with a reason.
public struct BrandImageUpload: Sendable, Equatable {
    /// The largest file accepted (200 KB).
    public static let maximumBytes = 200 * 1024
    /// A PNG's width and height must each be within this range (pixels).
    public static let pngDimensions = 16...4096

    public enum Failure: Error, Sendable, Equatable {
        case empty
        case tooLarge(bytes: Int)
        /// Neither a PNG nor an SVG.
        case unknownFormat
        /// A PNG signature with a broken file behind it.
        case malformedPNG
        case pngDimensions(width: Int, height: Int)
        case svg(SVGSanitizer.Failure)

        /// The translation key of the message.
        public var messageKey: String {
            switch self {
            case .empty: "admin.settings.error.image_empty"
            case .tooLarge: "admin.settings.error.image_too_large"
            case .unknownFormat: "admin.settings.error.image_format"
            case .malformedPNG: "admin.settings.error.png_malformed"
            case .pngDimensions: "admin.settings.error.png_dimensions"
            case .svg(let failure): failure.messageKey
            }
        }

        /// The values the message names.
        public var messageArguments: [String: String] {
            switch self {
            case .tooLarge(let bytes): ["size": String((bytes + 1023) / 1024), "limit": String(BrandImageUpload.maximumBytes / 1024)]
            case .pngDimensions(let width, let height):
                ["width": String(width), "height": String(height), "min": String(BrandImageUpload.pngDimensions.lowerBound),
                 "max": String(BrandImageUpload.pngDimensions.upperBound)]
            default: [:]
            }
        }
    }

    public var format: BrandImage.Format
    /// The bytes to store and serve (an SVG as rewritten).
    public var bytes: [UInt8]

    /// The stored image this upload becomes.
    public var image: BrandImage {
        BrandImage(digest: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined(), format: format)
    }

    /// Checks `bytes` (the uploaded file as sent) and prepares it for storage.
    public static func check(_ bytes: [UInt8]) throws(Failure) -> BrandImageUpload {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= maximumBytes else { throw .tooLarge(bytes: bytes.count) }
        if bytes.starts(with: PNGHeader.signature) {
            let header: PNGHeader
            do { header = try PNGHeader(bytes) } catch { throw .malformedPNG }
            guard pngDimensions.contains(header.width), pngDimensions.contains(header.height) else {
                throw .pngDimensions(width: header.width, height: header.height)
            }
            return BrandImageUpload(format: .png, bytes: bytes)
        }
        guard SVGSanitizer.looksLikeXML(bytes) else { throw .unknownFormat }
        let clean: [UInt8]
        do { clean = try SVGSanitizer.sanitize(bytes) } catch { throw .svg(error) }
        guard clean.count <= maximumBytes else { throw .tooLarge(bytes: clean.count) }
        return BrandImageUpload(format: .svg, bytes: clean)
    }
}

/// What a PNG file's first chunk says: the file must start with the PNG signature and an `IHDR` chunk of 13 bytes
/// with a valid CRC, and end with an `IEND` chunk (a truncated upload is refused).
public struct PNGHeader: Sendable, Equatable {
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let end: [UInt8] = [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]

    public struct Malformed: Error, Sendable, Equatable {}

    public var width: Int
    public var height: Int

    public init(_ bytes: [UInt8]) throws(Malformed) {
        // Signature (8) + IHDR length (4) + type (4) + data (13) + CRC (4) + IEND (12).
        guard bytes.count >= 8 + 25 + 12, bytes.starts(with: Self.signature) else { throw Malformed() }
        func integer(_ offset: Int) -> UInt32 {
            bytes[offset..<(offset + 4)].reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        }
        guard integer(8) == 13, Array(bytes[12..<16]) == Array("IHDR".utf8) else { throw Malformed() }
        guard CRC32.checksum(bytes[12..<29]) == integer(29) else { throw Malformed() }
        guard Array(bytes.suffix(12)) == Self.end else { throw Malformed() }
        let width = integer(16)
        let height = integer(20)
        // The specification limits both to 2^31 - 1; zero is invalid.
        guard width > 0, height > 0, width < 0x8000_0000, height < 0x8000_0000 else { throw Malformed() }
        self.width = Int(width)
        self.height = Int(height)
    }
}

/// CRC-32 (ISO-HDLC, as PNG chunks use it).
package enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    package static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
