/// Reads the members of a zip archive (PKWARE APPNOTE 6.3): the end-of-central-directory record, the central
/// directory, and each member's local header. Members are stored or deflated (`Inflate`); every member is checked
/// against the CRC-32 and size the directory records. Zip64, encryption and multi-disk archives are refused with a
/// clear message: spreadsheet programs do not write them for workbooks of a staff list's size.
struct ZipArchive {
    struct Failure: Error, Equatable, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    struct Entry: Equatable {
        var name: String
        var method: UInt16
        var flags: UInt16
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    /// The most a member may expand to (a zip bomb stops here): 256 MiB, far above any staff list.
    static let maximumMemberSize = 256 << 20

    let bytes: [UInt8]
    /// Members by lower-cased name (part names in Office files are case-insensitive).
    let entries: [String: Entry]

    static func looksLikeZip(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    init(_ bytes: [UInt8]) throws(Failure) {
        self.bytes = bytes
        guard bytes.count >= 22 else { throw Failure(message: "the file is too short to be a zip archive") }
        var end: Int? = nil
        var position = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while position >= lowest {
            if bytes[position] == 0x50, bytes[position + 1] == 0x4B, bytes[position + 2] == 0x05, bytes[position + 3] == 0x06 {
                end = position
                break
            }
            position -= 1
        }
        guard let end else { throw Failure(message: "the zip archive has no central directory (the file is cut short or damaged)") }
        let disk = Self.u16(bytes, end + 4), directoryDisk = Self.u16(bytes, end + 6)
        let count = Int(Self.u16(bytes, end + 10))
        let directorySize = Int(Self.u32(bytes, end + 12)), directoryOffset = Int(Self.u32(bytes, end + 16))
        guard disk == 0, directoryDisk == 0 else { throw Failure(message: "multi-part zip archives are not supported") }
        guard count != 0xFFFF, directoryOffset != 0xFFFF_FFFF, directorySize != 0xFFFF_FFFF else {
            throw Failure(message: "Zip64 archives are not supported; save the workbook again from the spreadsheet program")
        }
        guard directoryOffset + directorySize <= end else { throw Failure(message: "the zip archive's central directory is damaged") }
        var entries: [String: Entry] = [:]
        var offset = directoryOffset
        for _ in 0..<count {
            guard offset + 46 <= end, Self.u32(bytes, offset) == 0x0201_4B50 else {
                throw Failure(message: "the zip archive's central directory is damaged")
            }
            let nameLength = Int(Self.u16(bytes, offset + 28)), extraLength = Int(Self.u16(bytes, offset + 30))
            let commentLength = Int(Self.u16(bytes, offset + 32))
            guard offset + 46 + nameLength <= end else { throw Failure(message: "the zip archive's central directory is damaged") }
            let name = String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            let entry = Entry(name: name, method: Self.u16(bytes, offset + 10), flags: Self.u16(bytes, offset + 8),
                              crc: Self.u32(bytes, offset + 16), compressedSize: Int(Self.u32(bytes, offset + 20)),
                              size: Int(Self.u32(bytes, offset + 24)), localHeaderOffset: Int(Self.u32(bytes, offset + 42)))
            entries[name.lowercased()] = entry
            offset += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }

    /// The member's bytes, or nil when the archive has no member of that name.
    func contents(of name: String) throws(Failure) -> [UInt8]? {
        guard let entry = entries[name.lowercased()] else { return nil }
        if entry.flags & 1 != 0 {
            throw Failure(message: "the workbook is encrypted (password-protected); save it without a password")
        }
        guard entry.size <= Self.maximumMemberSize else { throw Failure(message: "\(entry.name) is larger than 256 MiB") }
        let header = entry.localHeaderOffset
        guard header + 30 <= bytes.count, Self.u32(bytes, header) == 0x0403_4B50 else {
            throw Failure(message: "\(entry.name): the zip member's header is damaged")
        }
        let start = header + 30 + Int(Self.u16(bytes, header + 26)) + Int(Self.u16(bytes, header + 28))
        guard start + entry.compressedSize <= bytes.count else { throw Failure(message: "\(entry.name): the zip member is cut short") }
        let stored = bytes[start..<(start + entry.compressedSize)]
        let data: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else { throw Failure(message: "\(entry.name): the zip member is damaged") }
            data = Array(stored)
        case 8:
            guard let inflated = Inflate.raw(stored, size: entry.size) else {
                throw Failure(message: "\(entry.name): the zip member's compressed data is damaged")
            }
            data = inflated
        default:
            throw Failure(message: "\(entry.name) uses zip compression method \(entry.method); only stored and deflated members are supported")
        }
        guard Inflate.crc32(data) == entry.crc else { throw Failure(message: "\(entry.name): the zip member fails its CRC-32 check") }
        return data
    }

    static func u16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
