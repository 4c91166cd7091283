import ArgumentParser
import Foundation
import TrainingServer

/// A command that could not do its work: printed as "Error: <message>" and exit status 1, without the usage
/// text (that is for mistakes in the command line itself, which `ValidationError` reports).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        description = message
    }
}

/// The course folder at `path`, or a failure saying plainly that it is missing or not a folder (`option` names
/// the option that sets it, as a hint when the default was used).
func courseFolder(_ path: String, option: String? = nil) throws -> URL {
    var isDirectory: ObjCBool = false
    let hint = option.map { " (give the course folder with \($0))" } ?? ""
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CommandFailure("course folder not found: \(path)\(hint)")
    }
    guard isDirectory.boolValue else { throw CommandFailure("not a folder: \(path)\(hint)") }
    return URL(fileURLWithPath: path, isDirectory: true)
}

/// Checks, before any work, that `path` may be written: refused when it exists (unless `force`), is a folder, or
/// its folder does not exist.
func checkOutput(_ path: String, force: Bool) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard !isDirectory.boolValue else { throw CommandFailure("\(path) is a folder; give a file name") }
        guard force else { throw CommandFailure("\(path) exists; use --force to overwrite") }
    }
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw CommandFailure("cannot write \(path): folder not found: \(folder)")
    }
}

/// Writes `text` to `path` (replacing it only when `force`), with a plain message when that fails.
func writeOutput(_ text: String, to path: String, force: Bool) throws {
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: force ? .atomic : .withoutOverwriting)
    } catch let error as CocoaError where error.code == .fileWriteFileExists {
        throw CommandFailure("\(path) exists; use --force to overwrite")
    } catch {
        throw CommandFailure("cannot write \(path): \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
    }
}

/// Prints rows as a table whose columns line up on a terminal (Chinese characters count two columns).
func printTable(_ rows: [[String]]) {
    FileHandle.standardOutput.write(Data(TextTable.render(rows).utf8))
}

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Fails plainly when `path` is missing, a folder or unreadable.
func requireReadableFile(_ path: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CommandFailure("file not found: \(path)")
    }
    guard !isDirectory.boolValue else { throw CommandFailure("\(path) is a folder, not a file") }
    guard FileManager.default.isReadableFile(atPath: path) else { throw CommandFailure("cannot read \(path)") }
}
