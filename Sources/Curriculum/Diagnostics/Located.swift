/// A value read from a file together with where it was written.
struct Located<Value: Sendable>: Sendable {
    let value: Value
    let location: SourceLocation
}
