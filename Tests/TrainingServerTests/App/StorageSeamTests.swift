import Foundation
import Testing

/// The storage seam (`StorageEngine`): the engines live in targets of their own (`Sources/SQLiteStorage/`,
/// `Sources/PostgresStorage/`); the application and the command line construct no engine's types and import no
/// database library (the package manifest keeps GRDB out of `TrainingServer`), and the command line picks the engine
/// in one place.
@Suite struct StorageSeamTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources").resolvingSymlinksInPath()

    /// Every Swift file under `folder` (relative to Sources/) with its path relative to Sources/ and its lines.
    static func files(in folder: String) throws -> [(path: String, lines: [Substring])] {
        let root = sources.appendingPathComponent(folder)
        let found = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        var files: [(String, [Substring])] = []
        for case let url as URL in found where url.pathExtension == "swift" {
            let path = String(url.resolvingSymlinksInPath().path.dropFirst(sources.path.count + 1))
            let text = try String(contentsOf: url, encoding: .utf8)
            files.append((path, text.split(separator: "\n", omittingEmptySubsequences: false)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// Lines of the application and the command line that match `pattern` (comments left out), as "path:line: text".
    static func offences(_ pattern: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        var offences: [String] = []
        for (path, lines) in try files(in: "TrainingServer") + files(in: "training-server") {
            for (index, line) in lines.enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//") else { continue }
                let text = String(line)
                if regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
                    offences.append("\(path):\(index + 1): \(code)")
                }
            }
        }
        return offences
    }

    @Test func theSourcesAreFound() throws {
        let paths = try Self.files(in: "TrainingServer").map(\.path)
        #expect(paths.contains("TrainingServer/App/StorageEngine.swift"))
        #expect(paths.count > 100)
        #expect(try Self.files(in: "SQLiteStorage").map(\.path).contains("SQLiteStorage/SQLiteEngine.swift"))
    }

    @Test func noSQLiteTypeIsConstructedOutsideTheEngine() throws {
        // `SQLiteUserRepository(store: …)`, `SQLiteDashboard(…)`, their nested types (`SQLiteAnnouncements.Draft(…)`)
        // and `.init` forms.
        let offences = try Self.offences(#"\bSQLite[A-Z][A-Za-z]*(\.[A-Z][A-Za-z]*)*(\.init)?\("#)
        #expect(offences.isEmpty, "reach repositories through the StorageEngine:\n\(offences.joined(separator: "\n"))")
    }

    @Test func noFileOutsideTheEnginesImportsGRDB() throws {
        let offences = try Self.offences(#"^\s*(@testable\s+|@_exported\s+)?import\s+(GRDB|GRDBSQLite|SQLite3)\b"#)
        #expect(offences.isEmpty, "SQL and GRDB stay in Sources/SQLiteStorage:\n\(offences.joined(separator: "\n"))")
    }

    @Test func theCommandLinePicksTheEngineInOnePlace() throws {
        let naming = try Self.files(in: "training-server").filter { _, lines in
            lines.contains { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") && $0.contains("SQLiteEngine") }
        }.map(\.path)
        #expect(naming == ["training-server/TrainingServerCommand.swift"])
        let store = try Self.offences(#"\bStore\(path:"#)
        #expect(store.isEmpty, "open databases with openStorage:\n\(store.joined(separator: "\n"))")
    }
}
