/// The values of one statement, bound as they are met while its text is built: each `bind` appends a value and
/// returns its placeholder (`$1`, `$2`, …). PostgreSQL numbers placeholders, so a value bound late may appear early
/// in the text (a SELECT list written after its WHERE clause).
struct PostgresParameters {
    private(set) var values: [(any PostgresBindable)?] = []

    /// Appends `value` and returns its placeholder.
    mutating func bind(_ value: (any PostgresBindable)?) -> String {
        values.append(value)
        return "$\(values.count)"
    }
}
