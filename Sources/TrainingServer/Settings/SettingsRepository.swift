/// Where the platform's settings are kept: one value per key, and the logo and seal images by digest.
public protocol SettingsRepository: Sendable {
    /// Every stored setting, by key.
    func values() throws -> [String: String]
    /// The bytes of a stored image; nil when no image has that digest.
    func image(digest: String) throws -> [UInt8]?
    /// In one transaction: sets each key in `changes` (nil removes it), stores `images`, drops images no setting
    /// names any more, and appends `audit` to the audit log.
    func apply(_ changes: [String: String?], images: [BrandImageUpload], audit: AuditEvent, by actor: AuditActor,
               at now: Double) throws
}
