import Foundation

/// The answer to a GET or HEAD for one open file, with validators, conditional requests and single byte ranges
/// (RFC 9110 §13 and §14). The body is a `FileRegion`: the server sends it from the file, never reading it into memory.
///
/// Order of evaluation (RFC 9110 §13.2.2): `If-None-Match` (weak comparison) answers 304 when it names the file's ETag;
/// without it, `If-Modified-Since` answers 304 when the file is not newer. Then, for GET only, `Range` (see
/// `ByteRange`), unless `If-Range` names another version: a strong ETag other than the file's, a weak one, or a date
/// other than the file's `Last-Modified` send the whole file instead.
public enum FileAnswer {
    public static func response(for file: OpenFile, method: HTTPMethod, headers request: HTTPHeaders,
                                contentType: String, cacheControl: String) -> Response {
        let status = file.status
        let etag = status.etag
        var headers = HTTPHeaders()
        headers.add("ETag", etag)
        headers.add("Last-Modified", HTTPDate.format(status.modifiedSeconds))
        headers.add("Cache-Control", cacheControl)
        headers.add("Accept-Ranges", "bytes")
        if let ifNoneMatch = request["If-None-Match"] {
            if matches(ifNoneMatch, etag: etag) { return Response(status: .notModified, headers: headers) }
        } else if let ifModifiedSince = request["If-Modified-Since"].flatMap(HTTPDate.parse),
                  status.modifiedSeconds <= ifModifiedSince {
            return Response(status: .notModified, headers: headers)
        }
        headers.add("Content-Type", contentType)
        var answer = method == .get ? ByteRange.answer(request["Range"], size: status.size) : .whole
        if answer != .whole, let ifRange = request["If-Range"], !holds(ifRange: ifRange, etag: etag, status: status) {
            answer = .whole
        }
        switch answer {
        case .whole:
            return Response(status: .ok, headers: headers,
                            body: status.size == 0 ? .bytes([]) : .file(FileRegion(file: file, offset: 0, length: status.size)))
        case .partial(let offset, let length):
            headers.add("Content-Range", "bytes \(offset)-\(offset + length - 1)/\(status.size)")
            return Response(status: .partialContent, headers: headers,
                            body: .file(FileRegion(file: file, offset: offset, length: length)))
        case .unsatisfiable:
            headers.set("Content-Type", "text/plain; charset=utf-8")
            headers.add("Content-Range", "bytes */\(status.size)")
            return Response(status: .rangeNotSatisfiable, headers: headers,
                            body: .bytes(Array("Range not satisfiable\n".utf8)))
        }
    }

    /// Whether an If-None-Match value names `etag` (`*`, or the tag, weak or strong: weak comparison).
    static func matches(_ ifNoneMatch: String, etag: String) -> Bool {
        ifNoneMatch.split(separator: ",").contains { element in
            var tag = element.trimmingCharacters(in: .whitespaces)[...]
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            return tag == etag
        }
    }

    /// Whether an If-Range value names the current version: the same strong ETag, or exactly its Last-Modified date.
    static func holds(ifRange: String, etag: String, status: FileStatus) -> Bool {
        let value = ifRange.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("\"") { return value == etag }
        if value.hasPrefix("W/") { return false }
        return HTTPDate.parse(value) == status.modifiedSeconds
    }
}
