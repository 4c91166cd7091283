import CCMark
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The only code that touches cmark-gfm: parse, visit links, images and raw HTML, rewrite, render.
///
/// Each call owns its parser and tree from start to finish and frees both before returning, so nothing of
/// cmark's escapes this file and calls on different threads share nothing but the read-only extension registry.
enum CMarkDocument {
    /// What the caller is shown for each link, image and piece of raw HTML, in document order.
    struct Visit {
        enum Kind { case link, image, rawHTML }
        let kind: Kind
        /// The destination for links and images; the HTML itself for raw HTML.
        let url: String
        /// 1-based, relative to the Markdown text.
        let line: Int
        let column: Int
    }

    /// What to do with a link or image. Raw HTML is always removed.
    enum Action {
        case keep
        /// Keep the element with a different destination.
        case setURL(String)
        /// Drop the element and keep its text (a link's text, an image's description).
        case replaceWithText
    }

    struct Output {
        /// nil unless rendering was asked for.
        let html: String?
        /// Level and plain text of each heading, in document order.
        let headings: [(level: Int, text: String)]
        /// Text nodes holding `*` or `_`, when asked for: where cmark says they start and end (1-based line,
        /// byte columns) and how many of those characters they hold. cmark merges adjacent text, so one node
        /// can cover several runs.
        var delimiterTexts: [DelimiterText] = []
    }

    struct DelimiterText: Equatable {
        let line: Int
        let startColumn: Int
        let endColumn: Int
        let count: Int
    }

    /// Parses `markdown`, applies `decide` to every link and image, removes raw HTML, and renders HTML in
    /// cmark's safe mode when `render` is true.
    ///
    /// Rendering attaches the GFM table, strikethrough, autolink and tag-filter extensions. Checking without
    /// rendering leaves them out: they change no link, image or raw HTML a trainer wrote (the autolink
    /// extension only ever makes `http`, `https` and `mailto` links), and parsing is much faster without them.
    /// `delimiterTexts` asks for the text nodes that hold `*` or `_` (see `Output.delimiterTexts`).
    static func process(_ markdown: String, render: Bool, delimiterTexts: Bool = false,
                        decide: (Visit) -> Action) -> Output {
        // Checking frees everything cmark made before it returns, so its memory can come from the thread's arena.
        guard render else {
            return CMarkArena.withArena {
                process(markdown, render: false, delimiterTexts: delimiterTexts, memory: CMarkArena.allocator,
                        decide: decide)
            }
        }
        return process(markdown, render: true, delimiterTexts: delimiterTexts, memory: nil, decide: decide)
    }

    private static func process(_ markdown: String, render: Bool, delimiterTexts collectTexts: Bool,
                                memory: UnsafeMutablePointer<cmark_mem>?, decide: (Visit) -> Action) -> Output {
        _ = extensionsRegistered
        var bytes = markdown
        // A Swift string is valid UTF-8, so cmark's validation only matters for the NUL characters it replaces.
        let hasNUL = bytes.withUTF8 { buffer in
            buffer.baseAddress.map { memchr($0, 0, buffer.count) != nil } ?? false
        }
        let options = render || hasNUL ? CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 : CMARK_OPT_DEFAULT
        let created = memory.map { cmark_parser_new_with_mem(options, $0) } ?? cmark_parser_new(options)
        guard let parser = created else { return Output(html: render ? "" : nil, headings: []) }
        defer { cmark_parser_free(parser) }
        for name in render ? ["table", "strikethrough", "autolink", "tagfilter"] : [] {
            if let syntax = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntax)
            }
        }
        bytes.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        guard let document = cmark_parser_finish(parser) else { return Output(html: render ? "" : nil, headings: []) }
        defer { cmark_node_free(document) }

        var links: [OpaquePointer] = []
        var images: [OpaquePointer] = []
        var rawHTML: [OpaquePointer] = []
        var headingNodes: [OpaquePointer] = []
        var visits: [(OpaquePointer, Visit)] = []
        var delimiterTexts: [DelimiterText] = []
        if let iterator = cmark_iter_new(document) {
            defer { cmark_iter_free(iterator) }
            var event = cmark_iter_next(iterator)
            while event != CMARK_EVENT_DONE {
                if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) {
                    let type = cmark_node_get_type(node)
                    if type == CMARK_NODE_LINK {
                        links.append(node)
                        visits.append((node, Visit(kind: .link, url: string(cmark_node_get_url(node)),
                                                   line: line(of: node), column: column(of: node))))
                    } else if type == CMARK_NODE_IMAGE {
                        images.append(node)
                        visits.append((node, Visit(kind: .image, url: string(cmark_node_get_url(node)),
                                                   line: line(of: node), column: column(of: node))))
                    } else if type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE {
                        rawHTML.append(node)
                        visits.append((node, Visit(kind: .rawHTML, url: string(cmark_node_get_literal(node)),
                                                   line: line(of: node), column: column(of: node))))
                    } else if type == CMARK_NODE_HEADING {
                        headingNodes.append(node)
                    } else if collectTexts, type == CMARK_NODE_TEXT, let literal = cmark_node_get_literal(node) {
                        let count = delimiterCount(literal)
                        if count > 0 {
                            delimiterTexts.append(DelimiterText(
                                line: line(of: node), startColumn: Int(cmark_node_get_start_column(node)),
                                endColumn: Int(cmark_node_get_end_column(node)), count: count))
                        }
                    }
                }
                event = cmark_iter_next(iterator)
            }
        }

        var actions: [OpaquePointer: Action] = [:]
        for (node, visit) in visits where visit.kind != .rawHTML {
            actions[node] = decide(visit)
        }
        for (_, visit) in visits where visit.kind == .rawHTML {
            _ = decide(visit)
        }

        // Mutate only after the walk. Raw HTML nodes are leaves; links never nest, so moving a link's
        // children out before freeing it keeps every other collected node alive; images can nest inside
        // image descriptions, so the innermost (last entered) is handled first.
        for node in rawHTML {
            cmark_node_free(node)
        }
        for node in links.reversed() {
            switch actions[node] ?? .keep {
            case .keep: break
            case .setURL(let url): _ = cmark_node_set_url(node, url)
            case .replaceWithText:
                while let child = cmark_node_first_child(node) {
                    _ = cmark_node_insert_before(node, child)
                }
                cmark_node_free(node)
            }
        }
        for node in images.reversed() {
            switch actions[node] ?? .keep {
            case .keep: break
            case .setURL(let url): _ = cmark_node_set_url(node, url)
            case .replaceWithText:
                let description = plainText(of: node)
                if let text = cmark_node_new(CMARK_NODE_TEXT) {
                    _ = cmark_node_set_literal(text, description)
                    _ = cmark_node_insert_before(node, text)
                }
                cmark_node_free(node)
            }
        }

        let headings = headingNodes.map { (level: Int(cmark_node_get_heading_level($0)), text: plainText(of: $0)) }
        guard render else { return Output(html: nil, headings: headings, delimiterTexts: delimiterTexts) }
        let extensions = cmark_parser_get_syntax_extensions(parser)
        guard let rendered = cmark_render_html(document, options, extensions) else {
            return Output(html: "", headings: headings, delimiterTexts: delimiterTexts)
        }
        defer { free(rendered) }
        return Output(html: String(cString: rendered), headings: headings, delimiterTexts: delimiterTexts)
    }

    /// How many `*` and `_` a NUL-terminated literal holds.
    private static func delimiterCount(_ literal: UnsafePointer<CChar>) -> Int {
        var count = 0
        var pointer = literal
        while pointer.pointee != 0 {
            if pointer.pointee == 0x2A || pointer.pointee == 0x5F { count += 1 }
            pointer += 1
        }
        return count
    }

    /// cmark-gfm's extensions must be registered once per process before they can be found by name.
    private static let extensionsRegistered: Void = {
        cmark_gfm_core_extensions_ensure_registered()
    }()

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    /// The node's own position, or its nearest ancestor's when cmark records none for inline nodes.
    private static func line(of node: OpaquePointer) -> Int {
        var current: OpaquePointer? = node
        while let candidate = current {
            let line = Int(cmark_node_get_start_line(candidate))
            if line > 0 { return line }
            current = cmark_node_parent(candidate)
        }
        return 1
    }

    private static func column(of node: OpaquePointer) -> Int {
        var current: OpaquePointer? = node
        while let candidate = current {
            if cmark_node_get_start_line(candidate) > 0 {
                return max(1, Int(cmark_node_get_start_column(candidate)))
            }
            current = cmark_node_parent(candidate)
        }
        return 1
    }

    /// The literal text inside `node`, with line breaks as spaces.
    private static func plainText(of node: OpaquePointer) -> String {
        var text = ""
        guard let iterator = cmark_iter_new(node) else { return text }
        defer { cmark_iter_free(iterator) }
        var event = cmark_iter_next(iterator)
        while event != CMARK_EVENT_DONE {
            if event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) {
                let type = cmark_node_get_type(child)
                if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE {
                    text += string(cmark_node_get_literal(child))
                } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                    text += " "
                }
            }
            event = cmark_iter_next(iterator)
        }
        return text
    }
}
