import Foundation

/// What a storage engine refuses: a file in the way, a missing row, a change that conflicts with what is stored.
public enum StoreError: Error, CustomStringConvertible {
    case destinationExists(String)
    case cannotCreate(String, String)
    case notFound(String)
    case conflict(String)

    public var description: String {
        switch self {
        case .destinationExists(let path): return "\(path) already exists; choose a new file name"
        case .cannotCreate(let path, let reason): return "cannot create \(path): \(reason)"
        case .notFound(let what): return "\(what) not found"
        case .conflict(let what): return what
        }
    }
}
