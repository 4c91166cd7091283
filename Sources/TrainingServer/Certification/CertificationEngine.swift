import Curriculum

/// Replays a person's evidence against a programme. Pure: no storage, no clock; the caller passes `now`, so the
/// same evidence and instant always give the same record, and tests can travel in time.
///
/// The rules, in the order a replay meets them:
/// - **Certification.** The first instant at which every programme course has a completion and the study hours
///   suffice. Completions of any age count. Issued then; expires `validityDays` later.
/// - **Study hours.** `minStudyHours` counts the hours credited in the 365 days up to and including the instant a
///   cycle is issued (a rolling year, so no time zone is involved), for every kind of cycle.
/// - **Renewal window.** Opens `renewalWindowDays` before expiry (never before issue); the state is then
///   `dueForRenewal`. A window of 0 days never opens.
/// - **Renewal.** The recertification path (all of `recertification.courses`, and `choose` of `from`), or the
///   full programme when the programme has no recertification block, completed inside the window: every
///   completion and its quiz pass at or after the window's opening, the last one before expiry. The new cycle is
///   issued at that last completion and expires `validityDays` after the old expiry (`previous_expiry`) or after
///   the renewal (`completion`). The renewed certificate stays valid until its own expiry.
/// - **Expiry.** At `expiresAt` without renewal (the instant itself is expired). A renewal path completed after
///   expiry, with completions from the lapsed window's opening, is a fresh certification (`recertification`)
///   expiring `validityDays` after its completion, whatever the expiry base.
/// - **Revocation.** Ends the latest cycle and any earlier one still in force; a revocation while expired ends
///   the lapsed cycle and closes the late-renewal path. Coming back takes the full programme again, with
///   completions after the revocation (a `recertification` cycle). A revocation when no cycle was ever issued,
///   or while already revoked, changes nothing.
/// - **Regrade.** Evidence that shrinks (a pass regraded into a fail) is simply replayed: cycles it no longer
///   supports vanish from the record. The programme policy is to revoke their certificates with reason
///   `CertificationRecord.CycleChanges.withdrawalReason` ("regrade"); see `CertificationRecord.cycleChanges(since:)`.
///   Do not add a `Revocation` to the evidence for this.
/// - **Ties.** At one instant, time goes first (window, expiry), then completions, then revocations.
/// - Evidence after `now` is ignored, so evaluating at an earlier instant shows the record as it was then.
public enum CertificationEngine {
    /// Days are exact 24-hour spans.
    public static let secondsPerDay: Double = 86_400
    /// The rolling period in which `minStudyHours` are counted: 365 days.
    public static let studyHoursPeriod: Double = 365 * 86_400

    /// The record of one person in `program` as of `now` (seconds since 1970), replayed from `evidence`.
    public static func evaluate(program: Program, evidence: CertificationEvidence, now: Double)
        -> CertificationRecord {
        var replay = CertificationReplay(program: program, evidence: evidence, now: now)
        return replay.run()
    }
}
