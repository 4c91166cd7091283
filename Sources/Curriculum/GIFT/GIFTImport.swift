/// What importing one GIFT file produced: the questions this platform supports and every diagnostic.
public struct GIFTImport: Sendable, Hashable {
    /// A `$CATEGORY:` of the file and the questions that follow it, in file order.
    public struct Category: Sendable, Hashable {
        /// As written after `$CATEGORY:`; empty for questions before the first category line.
        public let name: String
        public let questions: [Question]
    }

    public let categories: [Category]
    /// Sorted by position.
    public let diagnostics: [Diagnostic]

    public init(categories: [Category], diagnostics: [Diagnostic]) {
        self.categories = categories.filter { !$0.questions.isEmpty || !$0.name.isEmpty }
        self.diagnostics = diagnostics.sorted()
    }

    /// Every imported question, in file order.
    public var questions: [Question] { categories.flatMap(\.questions) }

    public var hasErrors: Bool { diagnostics.contains(where: \.isError) }
}
