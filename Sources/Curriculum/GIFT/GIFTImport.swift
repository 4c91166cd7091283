/// What importing one GIFT file produced: the questions this platform supports and every diagnostic.
public struct GIFTImport: Sendable, Hashable {
    /// A `$CATEGORY:` of the file and the questions that follow it, in file order.
    public struct Category: Sendable, Hashable {
        /// As written after `$CATEGORY:`; empty for questions before the first category line.
        public let name: String
        /// The supported questions of the category, in file order.
        public let questions: [Question]
    }

    /// The categories in file order; questions before the first `$CATEGORY:` are in one with an empty name.
    public let categories: [Category]
    /// Sorted by position.
    public let diagnostics: [Diagnostic]

    /// An import result; empty unnamed categories are dropped and diagnostics sorted.
    public init(categories: [Category], diagnostics: [Diagnostic]) {
        self.categories = categories.filter { !$0.questions.isEmpty || !$0.name.isEmpty }
        self.diagnostics = diagnostics.sorted()
    }

    /// Every imported question, in file order.
    public var questions: [Question] { categories.flatMap(\.questions) }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains(where: \.isError) }
}
