import Foundation

/// A horizontal bar chart drawn on the server as inline SVG: no script, no chart library. Each bar has its
/// label above it and its value written beside it (never colour or length alone); the chart's title and
/// description name it for screen readers. Pages put the same numbers in a table after the chart.
public struct BarChart: Sendable {
    /// One bar: its label, its length (0 to `maximum`) and the value as written beside it.
    public struct Bar: Sendable, Hashable {
        public var label: String
        public var value: Double
        public var text: String

        public init(label: String, value: Double, text: String) {
            self.label = label
            self.value = value
            self.text = text
        }
    }

    /// Prefix of the element ids inside the SVG; must be unique on the page (letters, digits and hyphens).
    public var id: String
    public var title: String
    public var summary: String
    public var bars: [Bar]
    /// The value a full-length bar stands for.
    public var maximum: Double

    public init(id: String, title: String, summary: String, bars: [Bar], maximum: Double) {
        self.id = String(id.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        self.title = title
        self.summary = summary
        self.bars = bars
        self.maximum = maximum
    }

    static let width = 560.0
    static let margin = 8.0
    static let valueSpace = 104.0
    static let rowHeight = 44.0
    static let barHeight = 16.0
    static let labelLimit = 30
    static let barColour = "#1d3f73"
    static let textColour = "#0b0c0c"
    static let axisColour = "#6f7276"

    /// The chart as an `<svg>` element.
    public func render() -> HTML {
        let top = Self.margin
        let area = Self.width - 2 * Self.margin - Self.valueSpace
        let height = top + Double(bars.count) * Self.rowHeight + Self.margin
        let rows = bars.enumerated().map { index, bar -> HTML in
            let y = top + Double(index) * Self.rowHeight
            let fraction = maximum > 0 ? min(max(bar.value / maximum, 0), 1) : 0
            let length = area * fraction
            let label = bar.label.count > Self.labelLimit ? String(bar.label.prefix(Self.labelLimit - 1)) + "…" : bar.label
            return """
                <text x="\(Self.number(Self.margin + 4))" y="\(Self.number(y + 15))">\(label)</text>\
                <rect x="\(Self.number(Self.margin))" y="\(Self.number(y + 21))" width="\(Self.number(length))" \
                height="\(Self.number(Self.barHeight))" fill="\(Self.barColour)"/>\
                <text x="\(Self.number(Self.margin + length + 6))" y="\(Self.number(y + 34))">\(bar.text)</text>
                """
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="100%" \
            viewBox="0 0 \(Self.number(Self.width)) \(Self.number(height))" \
            aria-labelledby="\(id)-title \(id)-desc" font-family="system-ui, sans-serif" font-size="14" \
            fill="\(Self.textColour)"><title id="\(id)-title">\(title)</title><desc id="\(id)-desc">\(summary)</desc>\
            <line x1="\(Self.number(Self.margin))" y1="\(Self.number(top + 18))" x2="\(Self.number(Self.margin))" \
            y2="\(Self.number(height - Self.margin))" stroke="\(Self.axisColour)" stroke-width="1"/>\
            \(rows)</svg>
            """
    }

    /// A coordinate with at most one decimal, in the C locale.
    static func number(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(format: "%.1f", tenths / 10)
    }
}
