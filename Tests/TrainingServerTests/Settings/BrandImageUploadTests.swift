import Foundation
import Testing
@testable import TrainingServer

/// Uploaded logos and seals: PNG by signature, header CRC, end chunk and dimensions; SVG sanitised; size limited.
@Suite struct BrandImageUploadTests {
    /// A white RGB PNG of the given size, as an image editor writes it.
    static func png(width: Int, height: Int) -> [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be(UInt32(data.count)) + body + be(CRC32.checksum(body[...]))
        }
        func be(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> UInt32($0)) & 0xFF) } }
        let header = be(UInt32(width)) + be(UInt32(height)) + [8, 2, 0, 0, 0]
        // Stored (uncompressed) deflate is not needed: the check never inflates IDAT.
        return PNGHeader.signature + chunk("IHDR", header) + chunk("IDAT", [0x78, 0x01]) + chunk("IEND", [])
    }

    private func failure(_ bytes: [UInt8]) -> BrandImageUpload.Failure? {
        do {
            _ = try BrandImageUpload.check(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func aPNGIsKeptAsItIsAndNamedByItsDigest() throws {
        let bytes = Self.png(width: 120, height: 40)
        let upload = try BrandImageUpload.check(bytes)
        #expect(upload.format == .png && upload.bytes == bytes)
        #expect(upload.image.digest.count == 64)
        #expect(upload.image.url == "/branding/\(upload.image.digest).png")
        #expect(BrandImage(fileName: upload.image.fileName) == upload.image)
        #expect(BrandImage(fileName: "../../etc/passwd.png") == nil)
        #expect(BrandImage(fileName: String(repeating: "A", count: 64) + ".png") == nil)
    }

    @Test func aBrokenPNGOrOneOfTheWrongSizeIsRefused() {
        var damaged = Self.png(width: 64, height: 64)
        damaged[18] ^= 0xFF
        #expect(failure(damaged) == .malformedPNG)
        #expect(failure(Array(Self.png(width: 64, height: 64).dropLast(12))) == .malformedPNG)
        #expect(failure(Self.png(width: 8, height: 64)) == .pngDimensions(width: 8, height: 64))
        #expect(failure(Self.png(width: 64, height: 5000)) == .pngDimensions(width: 64, height: 5000))
    }

    @Test func sizeAndFormatAreChecked() {
        #expect(failure([]) == .empty)
        #expect(failure(Array(repeating: 0x20, count: BrandImageUpload.maximumBytes + 1))
            == .tooLarge(bytes: BrandImageUpload.maximumBytes + 1))
        #expect(failure(Array("GIF89a....".utf8)) == .unknownFormat)
        #expect(failure(Array("<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>".utf8)) == .svg(.empty))
        #expect(BrandImageUpload.Failure.tooLarge(bytes: 300 * 1024).messageArguments == ["size": "300", "limit": "200"])
    }

    @Test func anSVGIsStoredAsRewritten() throws {
        let upload = try BrandImageUpload.check(Array("""
            <svg xmlns="http://www.w3.org/2000/svg" onload="x()"><circle r="4"/></svg>
            """.utf8))
        #expect(upload.format == .svg)
        #expect(String(decoding: upload.bytes, as: UTF8.self) == "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"></circle></svg>")
    }
}
