/// What a programme's certificate attests, and so what it is called: a certificate of competence (能力认证证书)
/// for a programme that certifies what the holder can do, a certificate of completion (结业证书) for one that
/// records a course of study finished. Written as `kind:` in `programs/<id>.yaml`; `completion` when absent.
public enum ProgramKind: String, Sendable, Hashable, Codable, CaseIterable {
    case competence
    case completion
}
