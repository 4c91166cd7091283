/// File-name helpers for the `/`-separated relative paths the loader works with.
extension String {
    /// The part after the last `/`.
    var lastPathPart: String {
        guard let slash = lastIndex(of: "/") else { return self }
        return String(self[index(after: slash)...])
    }

    /// The last part without its extension: `quizzes/final-exam.yaml` -> `final-exam`.
    var fileStem: String {
        let name = lastPathPart
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}
