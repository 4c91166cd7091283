import Curriculum
import Foundation
import Logging

extension Application {
    /// The plan file sync on this application's database.
    var planFileSync: PlanFileSync {
        let repository = storage.assignments
        return PlanFileSync(assignments: repository, store: repository, departments: departments)
    }

    /// Applies the plan files now (after the demo organisation, if any, exists) and again after every catalogue
    /// reload that is taken.
    public func startPlanFileSync() {
        applyPlanFiles(catalogue.catalogue)
        catalogue.onReload { [self] catalogue in applyPlanFiles(catalogue) }
    }

    /// Applies `catalogue`'s plans: logs what changed, and keeps the entries that could not be applied as warnings
    /// for the trainers' and system pages.
    @discardableResult
    public func applyPlanFiles(_ catalogue: Catalogue) -> PlanFileSync.Report? {
        do {
            let report = try planFileSync.sync(catalogue)
            self.catalogue.recordPlanProblems(report.problems)
            if !catalogue.plans.isEmpty || !report.changes.isEmpty { logger.info("\(report.summary)") }
            for change in report.changes {
                logger.info("plan file: \(change.kind.rawValue) assignment \(change.assignmentID) (\(change.key), \(change.members) members)")
            }
            for problem in report.problems { logger.warning("plan file not applied: \(problem.description)") }
            return report
        } catch {
            logger.error("applying the plan files failed: \(error)")
            self.catalogue.recordPlanProblems([.warning("the plan files could not be applied: \(error)", file: "plans")])
            return nil
        }
    }
}
