import TrainingServer

/// Images for the branding tests.
package enum ImageFixtures {
    /// A white RGB PNG of the given size, as an image editor writes it.
    package static func png(width: Int, height: Int) -> [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be(UInt32(data.count)) + body + be(CRC32.checksum(body[...]))
        }
        func be(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> UInt32($0)) & 0xFF) } }
        let header = be(UInt32(width)) + be(UInt32(height)) + [8, 2, 0, 0, 0]
        // Stored (uncompressed) deflate is not needed: the check never inflates IDAT.
        return PNGHeader.signature + chunk("IHDR", header) + chunk("IDAT", [0x78, 0x01]) + chunk("IEND", [])
    }
}
