import Foundation
import SQLiteTestSupport
import Testing
@testable import TrainingServer

/// Uploaded logos and seals: PNG by signature, header CRC, end chunk and dimensions; SVG sanitised; size limited.
@Suite struct BrandImageUploadTests {

    private func failure(_ bytes: [UInt8]) -> BrandImageUpload.Failure? {
        do {
            _ = try BrandImageUpload.check(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func aPNGIsKeptAsItIsAndNamedByItsDigest() throws {
        let bytes = ImageFixtures.png(width: 120, height: 40)
        let upload = try BrandImageUpload.check(bytes)
        #expect(upload.format == .png && upload.bytes == bytes)
        #expect(upload.image.digest.count == 64)
        #expect(upload.image.url == "/branding/\(upload.image.digest).png")
        #expect(BrandImage(fileName: upload.image.fileName) == upload.image)
        #expect(BrandImage(fileName: "../../etc/passwd.png") == nil)
        #expect(BrandImage(fileName: String(repeating: "A", count: 64) + ".png") == nil)
    }

    @Test func aBrokenPNGOrOneOfTheWrongSizeIsRefused() {
        var damaged = ImageFixtures.png(width: 64, height: 64)
        damaged[18] ^= 0xFF
        #expect(failure(damaged) == .malformedPNG)
        #expect(failure(Array(ImageFixtures.png(width: 64, height: 64).dropLast(12))) == .malformedPNG)
        #expect(failure(ImageFixtures.png(width: 8, height: 64)) == .pngDimensions(width: 8, height: 64))
        #expect(failure(ImageFixtures.png(width: 64, height: 5000)) == .pngDimensions(width: 64, height: 5000))
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
