import CZlib

/// gzip compression (RFC 1952) through zlib, for static files compressed once at start-up. (zlib's other caller is
/// Organisation/Inflate.swift, which reads zip members.)
enum Gzip {
    /// `bytes` as one gzip member at zlib's best level, or nil if zlib fails.
    ///
    /// Safety: the output buffer holds `czlib_gzip_bound` bytes, the most zlib can write for this input, and
    /// `czlib_gzip` writes no more than the capacity it is given; only the part it reports as written is kept.
    static func compress(_ bytes: [UInt8]) -> [UInt8]? {
        let capacity = czlib_gzip_bound(bytes.count)
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            let written = bytes.withUnsafeBufferPointer { input in
                czlib_gzip(input.baseAddress, input.count, buffer.baseAddress, capacity)
            }
            failed = written == 0
            initialized = written
        }
        return failed ? nil : output
    }
}
