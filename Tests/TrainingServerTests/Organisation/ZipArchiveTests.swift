import Testing
@testable import TrainingServer

/// A zip archive of `members`, each stored or deflated (raw DEFLATE cut from zlib's gzip output), written the way
/// APPNOTE describes: local headers and data, then the central directory and its end record.
func makeZip(_ members: [(name: String, data: [UInt8], deflate: Bool)], flags: UInt16 = 0, corruptCRC: Bool = false) -> [UInt8] {
    func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    func u32(_ value: Int) -> [UInt8] { u16(value & 0xFFFF) + u16(value >> 16 & 0xFFFF) }
    var archive: [UInt8] = []
    var directory: [UInt8] = []
    for member in members {
        let name = Array(member.name.utf8)
        let stored: [UInt8] = member.deflate ? Array(Gzip.compress(member.data)!.dropFirst(10).dropLast(8)) : member.data
        let crc = Int(Inflate.crc32(member.data)) ^ (corruptCRC ? 1 : 0)
        let method = member.deflate ? 8 : 0
        let common = u16(20) + u16(Int(flags)) + u16(method) + u16(0) + u16(0) + u32(crc) + u32(stored.count)
            + u32(member.data.count) + u16(name.count) + u16(0)
        let offset = archive.count
        archive += [0x50, 0x4B, 0x03, 0x04] + common + name + stored
        directory += [0x50, 0x4B, 0x01, 0x02] + u16(20) + common + u16(0) + u16(0) + u16(0) + u32(0) + u32(offset) + name
    }
    let directoryOffset = archive.count
    archive += directory
    archive += [0x50, 0x4B, 0x05, 0x06] + u16(0) + u16(0) + u16(members.count) + u16(members.count)
        + u32(directory.count) + u32(directoryOffset) + u16(0)
    return archive
}

@Suite("Zip archive")
struct ZipArchiveTests {
    let text = Array(String(repeating: "<row>人员名单 staff list</row>\n", count: 200).utf8)

    @Test func readsStoredAndDeflatedMembers() throws {
        let archive = try ZipArchive(makeZip([("a.txt", Array("plain".utf8), false), ("xl/Sheet.xml", text, true)]))
        #expect(try archive.contents(of: "a.txt") == Array("plain".utf8))
        #expect(try archive.contents(of: "XL/sheet.XML") == text)
        #expect(try archive.contents(of: "missing.xml") == nil)
    }

    @Test func aMemberFailingItsChecksumIsRefused() throws {
        let archive = try ZipArchive(makeZip([("a.xml", text, true)], corruptCRC: true))
        #expect(throws: ZipArchive.Failure(message: "a.xml: the zip member fails its CRC-32 check")) { try archive.contents(of: "a.xml") }
    }

    @Test func damagedCompressedDataIsRefused() throws {
        var bytes = makeZip([("a.xml", text, true)])
        for index in 40..<60 { bytes[index] ^= 0x5A }
        let archive = try ZipArchive(bytes)
        #expect(throws: ZipArchive.Failure.self) { try archive.contents(of: "a.xml") }
    }

    @Test func encryptedMembersAreRefused() throws {
        let archive = try ZipArchive(makeZip([("a.xml", text, false)], flags: 1))
        #expect(throws: ZipArchive.Failure(message: "the workbook is encrypted (password-protected); save it without a password")) {
            try archive.contents(of: "a.xml")
        }
    }

    @Test func aFileThatIsNotAZipIsRefused() {
        #expect(throws: ZipArchive.Failure(message: "the zip archive has no central directory (the file is cut short or damaged)")) {
            try ZipArchive(Array(repeating: 0x50, count: 100))
        }
        let whole = makeZip([("a.xml", text, true)])
        #expect(throws: ZipArchive.Failure.self) { try ZipArchive(Array(whole.prefix(whole.count - 30))) }
    }

    @Test func inflateRefusesOutputOfAnotherSize() throws {
        let deflated = Array(try #require(Gzip.compress(text)).dropFirst(10).dropLast(8))
        #expect(Inflate.raw(deflated[...], size: text.count) == text)
        #expect(Inflate.raw(deflated[...], size: text.count - 1) == nil)
        #expect(Inflate.raw(deflated[...], size: text.count + 1) == nil)
    }
}
