import Foundation

/// The outcome of checking a course directory: every diagnostic plus how many files were read.
///
/// `lint` prints `formattedText` (or `json` with `--format json`) and exits 1 when `hasErrors`.
public struct LintReport: Sendable, Hashable {
    /// Sorted by file and position.
    public var diagnostics: [Diagnostic]
    /// How many course files were read.
    public var filesChecked: Int

    /// A report; the diagnostics are sorted.
    public init(diagnostics: [Diagnostic], filesChecked: Int) {
        self.diagnostics = diagnostics.sorted()
        self.filesChecked = filesChecked
    }

    /// How many diagnostics are errors.
    public var errorCount: Int { diagnostics.count(where: { $0.severity == .error }) }
    /// How many diagnostics are warnings.
    public var warningCount: Int { diagnostics.count(where: { $0.severity == .warning }) }
    /// Whether anything keeps the catalogue from loading (lint then exits with status 1).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// For example `2 errors, 1 warning in 14 files`.
    public var summary: String {
        "\(Self.count(errorCount, "error")), \(Self.count(warningCount, "warning")) in \(Self.count(filesChecked, "file"))"
    }

    /// One `path:line:col: severity: message` line per diagnostic, then the summary line.
    public var formattedText: String {
        (diagnostics.map(\.description) + [summary]).joined(separator: "\n") + "\n"
    }

    /// A JSON object for editors and CI:
    /// `{"diagnostics":[{"column":..,"file":..,"line":..,"message":..,"severity":..}],"errors":N,"files":N,"warnings":N}`.
    public var json: String {
        let document = JSONDocument(diagnostics: diagnostics, errors: errorCount, warnings: warningCount,
                                    files: filesChecked)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private struct JSONDocument: Encodable {
        var diagnostics: [Diagnostic]
        var errors: Int
        var warnings: Int
        var files: Int
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
