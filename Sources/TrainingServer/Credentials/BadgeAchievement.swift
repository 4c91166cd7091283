import Foundation

/// What a credential recognises: a certification programme, as an Open Badges `Achievement`.
public struct BadgeAchievement: Sendable, Equatable {
    /// The programme's stable id; the achievement's `id` is the programme page built from it.
    public var programID: String
    /// The programme title.
    public var name: String
    /// A short description of what holders of the certificate have shown.
    public var description: String
    /// How the certificate is earned (required courses, pass marks), as a plain-text narrative.
    public var criteria: String
    /// The language of `name`, `description` and `criteria` as a BCP 47 tag (`zh-Hans`, `en`), if known.
    public var language: String?

    /// The programme `programID` with its title, description and earning criteria.
    public init(programID: String, name: String, description: String, criteria: String, language: String? = nil) {
        self.programID = programID
        self.name = name
        self.description = description
        self.criteria = criteria
        self.language = language
    }
}
