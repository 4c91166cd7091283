import Assessment
import TrainingServer

/// The JSON text of a step as stored in `attempt_steps.step`: what `JSONEncoder` with sorted keys writes for the
/// synthesized `Codable` of `AttemptStep` (the same keys, nesting and values, read back by `JSONDecoder` as
/// before), written directly instead of through the encoder's generic containers, which cost more than the rest of
/// a save. `SQLiteAttemptRepositoryTests` compares both over many steps of every kind.
enum StepJSON {
    static func text(_ step: AttemptStep) -> String {
        var out = ""
        out.reserveCapacity(160)
        out += "{\"action\":"
        action(step.action, into: &out)
        out += ",\"actor\":{\"id\":"
        string(step.actor.id, into: &out)
        out += ",\"role\":"
        string(step.actor.role.rawValue, into: &out)
        out += "}"
        if let key = step.idempotencyKey {
            out += ",\"idempotencyKey\":"
            string(key, into: &out)
        }
        out += ",\"sequence\":"
        out += String(step.sequence)
        out += ",\"time\":"
        number(step.time, into: &out)
        out += "}"
        return out
    }

    private static func action(_ action: AttemptAction, into out: inout String) {
        switch action {
        case .start(let seed, let deadline, let grace, let timeFactor):
            out += "{\"start\":{"
            if let deadline {
                out += "\"deadline\":"
                number(deadline, into: &out)
                out += ","
            }
            out += "\"grace\":"
            number(grace, into: &out)
            out += ",\"seed\":"
            out += String(seed)
            out += ",\"timeFactor\":"
            number(timeFactor, into: &out)
            out += "}}"
        case .save(let question, let response):
            out += "{\"save\":{\"question\":"
            string(question.rawValue, into: &out)
            out += ",\"response\":"
            self.response(response, into: &out)
            out += "}}"
        case .check(let question):
            out += "{\"check\":{\"question\":"
            string(question.rawValue, into: &out)
            out += "}}"
        case .submit:
            out += "{\"submit\":{}}"
        case .close:
            out += "{\"close\":{}}"
        case .note(let text):
            out += "{\"note\":{\"_0\":"
            string(text, into: &out)
            out += "}}"
        }
    }

    private static func response(_ response: Assessment.Response, into out: inout String) {
        switch response {
        case .choice(let id):
            out += "{\"choice\":{\"_0\":"
            string(id, into: &out)
        case .choices(let ids):
            out += "{\"choices\":{\"_0\":["
            // The set's own order, as the encoder writes it (the order carries no meaning).
            var first = true
            for id in ids {
                if !first { out += "," }
                first = false
                string(id, into: &out)
            }
            out += "]"
        case .bool(let value):
            out += value ? "{\"bool\":{\"_0\":true" : "{\"bool\":{\"_0\":false"
        case .text(let text):
            out += "{\"text\":{\"_0\":"
            string(text, into: &out)
        case .matches(let pairs):
            out += "{\"matches\":{\"_0\":{"
            var first = true
            for key in pairs.keys.sorted() {
                if !first { out += "," }
                first = false
                string(key, into: &out)
                out += ":"
                string(pairs[key] ?? "", into: &out)
            }
            out += "}"
        }
        out += "}}"
    }

    /// A finite number as the encoder writes it: the shortest text that reads back as the same value, without
    /// a trailing ".0".
    private static func number(_ value: Double, into out: inout String) {
        let text = value.description
        out += text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// A JSON string with the escapes the encoder uses (`/` escaped too).
    static func string(_ value: String, into out: inout String) {
        out += "\""
        var plainFrom = value.utf8.startIndex
        let utf8 = value.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            let escape: String? = switch byte {
            case UInt8(ascii: "\""): "\\\""
            case UInt8(ascii: "\\"): "\\\\"
            case UInt8(ascii: "/"): "\\/"
            case 0x08: "\\b"
            case 0x0C: "\\f"
            case 0x0A: "\\n"
            case 0x0D: "\\r"
            case 0x09: "\\t"
            case 0..<0x20: "\\u00" + (byte < 0x10 ? "0" : "1") + String(byte & 0x0F, radix: 16)
            default: nil
            }
            if let escape {
                out += Substring(utf8[plainFrom..<index])
                out += escape
                plainFrom = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        out += Substring(utf8[plainFrom..<utf8.endIndex])
        out += "\""
    }
}
