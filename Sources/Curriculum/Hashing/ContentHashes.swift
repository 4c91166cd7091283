/// The content hashes of course material: what records refer to alongside an id.
///
/// A hash covers everything a learner sees or is graded on. Metadata that changes neither (tags, source
/// positions, file names) is left out, so moving a question or retagging it keeps its hash.
public enum ContentHashes {
    /// The hash of a question's text, answer key, feedback, explanation and points.
    public static func question(_ question: Question) -> String {
        var hasher = ContentHasher(kind: "question")
        add(question, to: &hasher)
        return hasher.hexDigest()
    }

    /// The hash of a quiz's settings and of every question in every pool.
    public static func quiz(_ quiz: QuizDefinition) -> String {
        var hasher = ContentHasher(kind: "quiz")
        hasher.add(quiz.title)
        hasher.add(quiz.behaviour.rawValue)
        hasher.add(quiz.passMark)
        hasher.add(quiz.timeLimit)
        hasher.add(quiz.maxAttempts)
        hasher.add(quiz.attemptDelay)
        hasher.add(quiz.grading.rawValue)
        hasher.add(quiz.shuffleQuestions)
        hasher.add(quiz.shuffleOptions)
        hasher.add(quiz.review.show.sorted().map(\.rawValue))
        hasher.add(quiz.review.when.rawValue)
        hasher.add(quiz.closesAt)
        hasher.beginList(quiz.pools.count)
        for pool in quiz.pools {
            hasher.add(pool.id)
            hasher.add(pool.draw)
            hasher.beginList(pool.questions.count)
            for question in pool.questions {
                hasher.add(question.id.rawValue)
                hasher.add(question.contentHash.isEmpty ? Self.question(question) : question.contentHash)
            }
        }
        return hasher.hexDigest()
    }

    /// The hash of one language of a module: title, objectives, summary and body.
    public static func moduleText(title: String, objectives: [String], summary: String, body: String) -> String {
        var hasher = ContentHasher(kind: "module-text")
        hasher.add(title)
        hasher.add(objectives)
        hasher.add(summary)
        hasher.add(body)
        return hasher.hexDigest()
    }

    /// The hash of a module: its timing and both languages' text hashes.
    public static func module(minutes: Int, hours: Double, textHashes: [String?], media: ModuleMedia? = nil) -> String {
        var hasher = ContentHasher(kind: "module")
        hasher.add(minutes)
        hasher.add(hours)
        hasher.beginList(textHashes.count)
        for hash in textHashes { hasher.add(hash) }
        // Only a module with media adds these fields, so a text module's hash is what it always was.
        if let media { add(media, to: &hasher) }
        return hasher.hexDigest()
    }

    /// The watch rule and every recording as the learner gets it: its file (name, size, running time), title,
    /// poster, captions and transcripts. The recording's bytes are not read; a replaced file of another size or
    /// length changes the hash.
    private static func add(_ media: ModuleMedia, to hasher: inout ContentHasher) {
        hasher.addExtension("media")
        hasher.add(media.watchShare)
        hasher.add(media.seeking.rawValue)
        hasher.beginList(media.items.count)
        for item in media.items {
            hasher.add(item.id)
            hasher.add(item.kind.rawValue)
            hasher.add(item.container.rawValue)
            hasher.add(item.file)
            hasher.add(Int(item.size))
            hasher.add(item.duration)
            hasher.add(item.title)
            hasher.add(item.poster)
            for language in Language.allCases {
                hasher.add(item.captions[language])
                hasher.add(item.transcripts[language]?.contentHash)
            }
            hasher.add(item.download)
        }
    }

    /// The hash of a course: its settings plus the ids and hashes of its modules and quizzes, in order.
    public static func course(id: CourseID, version: Int, title: LocalizedText, summary: LocalizedText,
                              audience: LocalizedText?, studyHours: Double, modules: [Module],
                              quizzes: [QuizDefinition], completion: CompletionRule) -> String {
        var hasher = ContentHasher(kind: "course")
        hasher.add(id.rawValue)
        hasher.add(version)
        hasher.add(title)
        hasher.add(summary)
        hasher.add(audience)
        hasher.add(studyHours)
        hasher.beginList(modules.count)
        for module in modules {
            hasher.add(module.id.rawValue)
            hasher.add(module.contentHash)
        }
        hasher.beginList(quizzes.count)
        for quiz in quizzes {
            hasher.add(quiz.id.rawValue)
            hasher.add(quiz.contentHash.isEmpty ? Self.quiz(quiz) : quiz.contentHash)
        }
        hasher.add(completion.allModules)
        hasher.add(completion.quiz?.rawValue)
        return hasher.hexDigest()
    }

    /// The hash of a programme's requirements and renewal rules.
    public static func program(id: ProgramID, title: LocalizedText, summary: LocalizedText,
                               kind: ProgramKind = .completion, courses: [CourseID], minStudyHours: Double, validityDays: Int, renewalWindowDays: Int,
                               expiryBase: ExpiryBase, recertification: Recertification?) -> String {
        var hasher = ContentHasher(kind: "program")
        hasher.add(id.rawValue)
        hasher.add(title)
        hasher.add(summary)
        hasher.add(courses.map(\.rawValue))
        hasher.add(minStudyHours)
        hasher.add(validityDays)
        hasher.add(renewalWindowDays)
        hasher.add(expiryBase.rawValue)
        if let recertification {
            hasher.add(true)
            hasher.add(recertification.courses.map(\.rawValue))
            hasher.add(recertification.choose)
            hasher.add(recertification.from.map(\.rawValue))
        } else {
            hasher.add(false)
        }
        // Added after the first catalogues: a completion programme (the default) keeps the hash it had.
        if kind != .completion { hasher.add(kind.rawValue) }
        return hasher.hexDigest()
    }

    /// The hash of a training plan: its title and every entry's item, audience and due rule, in order.
    public static func plan(id: PlanID, title: LocalizedText, entries: [PlanEntry]) -> String {
        var hasher = ContentHasher(kind: "plan")
        hasher.add(id.rawValue)
        hasher.add(title)
        hasher.beginList(entries.count)
        for entry in entries {
            hasher.add(entry.id)
            hasher.add(entry.item.kind)
            hasher.add(entry.item.id)
            hasher.add(entry.required)
            switch entry.audience {
            case .department(let path, let includeSubtree, let jobCategory):
                hasher.add("department")
                hasher.add(path)
                hasher.add(includeSubtree)
                hasher.add(jobCategory)
            case .people(let people, let department):
                hasher.add("people")
                hasher.add(people)
                hasher.add(department?.joined(separator: "/"))
            }
            switch entry.due {
            case .none: hasher.add("none")
            case .fixed(let day):
                hasher.add("fixed")
                hasher.add(day)
            case .afterAssignment(let days):
                hasher.add("after_assignment")
                hasher.add(days)
            case .afterJoining(let days):
                hasher.add("after_joining")
                hasher.add(days)
            }
        }
        return hasher.hexDigest()
    }

    /// A hash of a whole catalogue: changes whenever any course, programme or plan changes.
    public static func catalogue(courses: [Course], programs: [Program], plans: [Plan] = []) -> String {
        var hasher = ContentHasher(kind: "catalogue")
        hasher.beginList(courses.count)
        for course in courses {
            hasher.add(course.id.rawValue)
            hasher.add(course.contentHash)
        }
        hasher.beginList(programs.count)
        for program in programs {
            hasher.add(program.id.rawValue)
            hasher.add(program.contentHash)
        }
        // Added after the first catalogues: a catalogue without plans keeps the revision it had.
        if !plans.isEmpty {
            hasher.addExtension("plans")
            hasher.beginList(plans.count)
            for plan in plans {
                hasher.add(plan.id.rawValue)
                hasher.add(plan.contentHash)
            }
        }
        return hasher.hexDigest()
    }

    private static func add(_ question: Question, to hasher: inout ContentHasher) {
        hasher.add(question.text)
        hasher.add(question.kind.name)
        switch question.kind {
        case .singleChoice(let options), .multipleResponse(let options):
            hasher.beginList(options.count)
            for option in options {
                hasher.add(option.id)
                hasher.add(option.text)
                hasher.add(option.fraction)
                hasher.add(option.feedback)
            }
        case .trueFalse(let answer, let feedbackIfTrue, let feedbackIfFalse):
            hasher.add(answer)
            hasher.add(feedbackIfTrue)
            hasher.add(feedbackIfFalse)
        case .shortAnswer(let answers, let caseSensitive):
            hasher.add(caseSensitive)
            hasher.beginList(answers.count)
            for answer in answers {
                hasher.add(answer.text)
                hasher.add(answer.fraction)
                hasher.add(answer.feedback)
                if !answer.alternatives.isEmpty {
                    hasher.addExtension("also")
                    hasher.add(answer.alternatives)
                }
            }
        case .numeric(let answers):
            hasher.beginList(answers.count)
            for answer in answers {
                switch answer.target {
                case .value(let value, let tolerance):
                    hasher.add("value")
                    hasher.add(value)
                    hasher.add(tolerance)
                case .range(let min, let max):
                    hasher.add("range")
                    hasher.add(min)
                    hasher.add(max)
                }
                hasher.add(answer.fraction)
                hasher.add(answer.feedback)
            }
        case .matching(let pairs, let distractors):
            hasher.beginList(pairs.count)
            for pair in pairs {
                hasher.add(pair.id)
                hasher.add(pair.prompt)
                hasher.add(pair.answer)
            }
            hasher.beginList(distractors.count)
            for distractor in distractors { hasher.add(distractor) }
        }
        hasher.add(question.generalFeedback)
        hasher.add(question.explanation)
        hasher.add(question.points)
        if let format = question.answerFormat {
            hasher.addExtension("answer-format")
            hasher.add(format.hint)
            hasher.add(format.example)
            hasher.beginList(format.units.count)
            for unit in format.units {
                hasher.add(unit.text)
                hasher.add(unit.multiplier)
            }
            switch format.unitRule {
            case .optional: hasher.add("optional")
            case .required: hasher.add("required")
            case .penalty(let fraction):
                hasher.add("penalty")
                hasher.add(fraction)
            }
            hasher.beginList(format.wrappers.count)
            for wrapper in format.wrappers {
                hasher.add(wrapper.prefix)
                hasher.add(wrapper.suffix)
            }
            hasher.add(format.chineseNumerals)
        }
    }
}
