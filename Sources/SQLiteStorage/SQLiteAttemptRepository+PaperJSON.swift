import Assessment
import TrainingServer

/// The JSON text of a paper as stored in `quiz_attempts.paper`: what `JSONEncoder` with sorted keys writes for the
/// synthesized `Codable` of `Paper` (the same keys, nesting and values, read back by `JSONDecoder` as before),
/// written directly: the encoder's generic containers cost about a fifth of a start. `PaperJSONTests` compares both
/// over many papers.
enum PaperJSON {
    static func text(_ paper: Paper) -> String {
        var out = ""
        out.reserveCapacity(256 + paper.slots.count * 200)
        out += "{\"behaviour\":"
        StepJSON.string(paper.behaviour.rawValue, into: &out)
        out += ",\"quizContentHash\":"
        StepJSON.string(paper.quizContentHash, into: &out)
        out += ",\"quizID\":"
        StepJSON.string(paper.quizID.rawValue, into: &out)
        out += ",\"seed\":"
        out += String(paper.seed)
        out += ",\"slots\":["
        for (index, slot) in paper.slots.enumerated() {
            if index > 0 { out += "," }
            out += "{\"choices\":"
            choices(slot.choices, into: &out)
            out += ",\"contentHash\":"
            StepJSON.string(slot.contentHash, into: &out)
            out += ",\"poolID\":"
            StepJSON.string(slot.poolID, into: &out)
            out += ",\"prompts\":"
            choices(slot.prompts, into: &out)
            out += ",\"questionID\":"
            StepJSON.string(slot.questionID.rawValue, into: &out)
            out += "}"
        }
        out += "]}"
        return out
    }

    private static func choices(_ choices: [PresentedChoice], into out: inout String) {
        out += "["
        for (index, choice) in choices.enumerated() {
            if index > 0 { out += "," }
            out += "{\"authoredID\":"
            StepJSON.string(choice.authoredID, into: &out)
            out += ",\"id\":"
            StepJSON.string(choice.id, into: &out)
            out += "}"
        }
        out += "]"
    }
}
