import Curriculum

/// Watching as the pages and the watch route use it: the stored state of a module's recordings for the module
/// page, and the distribution for trainers and HR.
public struct MediaWatchService: Sendable {
    public let repository: any MediaWatchRepository
    let catalogue: CatalogueHolder

    public init(repository: any MediaWatchRepository, catalogue: CatalogueHolder) {
        self.repository = repository
        self.catalogue = catalogue
    }

    /// What the person watched of each recording of the module, by media id: every recording the module has
    /// (zero for those not started, or started in an earlier version of the file); empty for a module without media.
    public func state(userID: UserID, courseID: String, moduleID: String) throws -> [String: MediaWatchState] {
        guard let media = catalogue.catalogue.course(CourseID(courseID))?.module(ModuleID(moduleID))?.media else { return [:] }
        let records = try repository.records(userID: userID, courseID: courseID, moduleID: moduleID)
        var states: [String: MediaWatchState] = [:]
        for item in media.items {
            if let record = records[item.id], record.recording == MediaWatch.recordingIdentity(item) {
                states[item.id] = record.state
            } else {
                states[item.id] = MediaWatchState(watchedSeconds: 0, duration: item.duration, frontier: 0)
            }
        }
        return states
    }

    /// How many people (in `scope`'s departments; nil: everybody) watched how much of the module's recordings.
    public func distribution(courseID: String, module: Module, media: ModuleMedia, scope: AccessScope?) throws -> WatchDistribution {
        let (lines, completed) = try repository.lines(courseID: courseID, moduleID: module.id.rawValue, scope: scope)
        return WatchDistribution.compute(media: media, lines: lines, completedByWatching: completed)
    }
}

extension ControllerContext {
    /// Watch reports and their records, over the context's storage.
    public var mediaWatch: MediaWatchService {
        MediaWatchService(repository: storage.mediaWatch, catalogue: catalogue)
    }
}
