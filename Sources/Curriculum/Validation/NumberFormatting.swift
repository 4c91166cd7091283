import Foundation

/// Numbers as trainers write them: `20`, `1.5`, `-0.25`; never `20.0` or an exponent for ordinary values.
enum NumberFormatting {
    static func plain(_ number: Double) -> String {
        if number.isInfinite { return number < 0 ? "-.inf" : ".inf" }
        if number.isNaN { return ".nan" }
        if number == number.rounded(), abs(number) < 1e15 {
            return String(Int64(number))
        }
        let text = String(number)
        guard text.contains("e") else { return text }
        for digits in 1...40 {
            var fixed = String(format: "%.\(digits)f", number)
            while fixed.hasSuffix("0") { fixed.removeLast() }
            if fixed.hasSuffix(".") { fixed.removeLast() }
            if Double(fixed) == number { return fixed }
        }
        return text
    }
}
