import Crypto

/// Builds a content hash from typed fields in a fixed, unambiguous encoding.
///
/// Each field is written as a one-byte type marker plus its length or fixed-width value, so no two different
/// contents can produce the same byte stream. The scheme name is hashed first; changing the encoding would
/// change every hash, so it is versioned and must not be altered once records refer to it.
struct ContentHasher {
    /// Fields are collected here and hashed once: many tiny updates cost more than one large one.
    private var bytes: [UInt8] = []

    init(kind: String) {
        bytes.reserveCapacity(256)
        add("csa-content-v1")
        add(kind)
    }

    mutating func add(_ string: String) {
        var string = string
        marker(0x73)
        string.withUTF8 { utf8 in
            length(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func add(_ optional: String?) {
        if let optional { add(optional) } else { marker(0x30) }
    }

    mutating func add(_ number: Int) {
        marker(0x69)
        length(number)
    }

    mutating func add(_ number: Int?) {
        if let number { add(number) } else { marker(0x30) }
    }

    mutating func add(_ number: Double) {
        marker(0x64)
        // Normalise -0.0 to 0.0; other values by their exact bit pattern.
        let value = number == 0 ? 0.0 : number
        let bits = value.bitPattern
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    mutating func add(_ number: Double?) {
        if let number { add(number) } else { marker(0x30) }
    }

    mutating func add(_ flag: Bool) {
        marker(flag ? 0x74 : 0x66)
    }

    mutating func add(_ text: LocalizedText?) {
        guard let text else { marker(0x30); return }
        marker(0x4c)
        add(text.zh)
        add(text.en)
    }

    mutating func add(_ strings: [String]) {
        marker(0x61)
        length(strings.count)
        for string in strings { add(string) }
    }

    /// Marks an optional group of fields that was added to a kind after records referred to it: written only
    /// when the content has the group, so content without it keeps its hash. The marker byte is used by no
    /// other field, so the group cannot be confused with the fields that may follow where it is absent.
    mutating func addExtension(_ name: String) {
        marker(0x78)
        add(name)
    }

    /// Starts a list of `count` compound items; the caller adds each item's fields.
    mutating func beginList(_ count: Int) {
        marker(0x61)
        length(count)
    }

    func hexDigest() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    private mutating func marker(_ byte: UInt8) {
        bytes.append(byte)
    }

    private mutating func length(_ value: Int) {
        let big = UInt64(bitPattern: Int64(value))
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: big >> UInt64(shift))) }
    }
}
