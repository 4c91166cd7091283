import Foundation

/// Why a change to the department tree was refused; nothing was changed.
public enum DepartmentChangeFailure: Error, Sendable, Equatable {
    /// The department (or the one named as the new parent) does not exist.
    case notFound
    /// Empty, blank, longer than 200 characters, holding "/" or a control character.
    case invalidName
    /// A department beside it already has the name.
    case nameTaken
    /// The new parent is the department itself or below it.
    case intoOwnSubtree
    /// The new parent is the one it already has.
    case alreadyThere
    /// The top of an administrator's scope stays where it is (moving it would take it out of their hands).
    case scopeRoot
    /// People (enabled or disabled) belong to it or to departments below it.
    case notEmpty(people: Int)
    /// People hold roles granted on it or on departments below it.
    case rolesGranted(Int)
    /// The database failed.
    case storage(String)
}
