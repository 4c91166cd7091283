import CZlib

/// Raw DEFLATE decompression (RFC 1951) and CRC-32 through zlib, for the members of a zip archive (`ZipArchive`).
/// The only code in Organisation that touches C pointers.
///
/// Why this is safe:
/// - The `z_stream` lives in memory allocated here and freed only after `inflateEnd`, so its address never changes
///   (zlib keeps a pointer back to it) and no Swift copy of it is ever used.
/// - zlib reads at most `avail_in` bytes from `next_in` and writes at most `avail_out` bytes to `next_out`; both
///   are set from the buffers' own counts inside `withUnsafe…BufferPointer`, and both pointers are cleared before
///   those closures return, so zlib never holds a pointer past the buffers' lifetime.
/// - Sizes are checked against `UInt32.max` first, because zlib counts in `uInt`.
enum Inflate {
    /// Decompresses raw DEFLATE data that must expand to exactly `size` bytes (the size the zip directory
    /// records). Nil for corrupt data, data that ends early, or output of any other size.
    static func raw(_ input: ArraySlice<UInt8>, size: Int) -> [UInt8]? {
        guard size >= 0, size <= Int(UInt32.max), input.count <= Int(UInt32.max) else { return nil }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        // -15: a raw deflate stream (no zlib header), with the largest window, as zip writes it.
        guard inflateInit2_(stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(stream) }
        // One spare byte: output longer than `size` then shows as Z_OK with the buffer full, not as a clean end.
        var output = [UInt8](repeating: 0, count: size + 1)
        let status: Int32 = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.pointee.avail_in = UInt32(source.count)
                stream.pointee.next_out = target.baseAddress
                stream.pointee.avail_out = UInt32(target.count)
                let status = inflate(stream, Z_FINISH)
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
                return status
            }
        }
        guard status == Z_STREAM_END, Int(stream.pointee.total_out) == size else { return nil }
        output.removeLast()
        return output
    }

    /// The CRC-32 of `bytes` (the checksum a zip directory records for each member).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        guard !bytes.isEmpty else { return 0 }
        var crc: UInt = CZlib.crc32(0, nil, 0)
        var offset = 0
        bytes.withUnsafeBufferPointer { buffer in
            while offset < buffer.count {
                let length = min(buffer.count - offset, Int(UInt32.max))
                crc = CZlib.crc32(crc, buffer.baseAddress! + offset, UInt32(length))
                offset += length
            }
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
