/// Seed texts for the fuzzer: one valid file of each kind using every construct of its format, plus a Markdown
/// body full of the unsafe constructs the renderer must neutralise.
public enum FuzzCorpus {
    /// What a sample is parsed as.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case course, module, quiz, program, gift, markdown
    }

    /// A seed text and what it is.
    public struct Sample: Sendable, Hashable {
        /// Which parser the sample is for.
        public let kind: Kind
        /// A file name for diagnostics.
        public let name: String
        /// The file's bytes.
        public let bytes: [UInt8]

        /// A sample.
        public init(kind: Kind, name: String, bytes: [UInt8]) {
            self.kind = kind
            self.name = name
            self.bytes = bytes
        }
    }

    /// The built-in seeds.
    public static let samples: [Sample] = [
        Sample(kind: .course, name: "course.yaml", bytes: Array(course.utf8)),
        Sample(kind: .module, name: "modules/01-phishing.zh.md", bytes: Array(moduleZH.utf8)),
        Sample(kind: .module, name: "modules/01-phishing.en.md", bytes: Array(moduleEN.utf8)),
        Sample(kind: .quiz, name: "quizzes/final-exam.yaml", bytes: Array(quiz.utf8)),
        Sample(kind: .program, name: "programs/egov.yaml", bytes: Array(program.utf8)),
        Sample(kind: .gift, name: "quizzes/bank.gift", bytes: Array(gift.utf8)),
        Sample(kind: .markdown, name: "body.md", bytes: Array(markdown.utf8)),
    ]

    static let course = """
    # A course
    id: info-security
    version: 2
    title: {zh: 政务信息安全, en: Information security}
    summary:
      zh: "面向政务工作人员的信息安全课程。"
      en: "Information security for government staff."
    audience: {zh: 全体人员, en: All staff}
    study_hours: 1.5
    modules: [phishing]
    quizzes:
      - final-exam
    completion:
      modules: all
      quiz: final-exam

    """

    static let moduleZH = """
    ---
    id: phishing
    title: 网络钓鱼与社会工程学
    minutes: 40
    hours: 1
    objectives:
      - 识别钓鱼邮件的常见特征
      - "报告可疑邮件: 先报告，后删除"
    summary: 一段简短小结。
    ---

    正文介绍**钓鱼邮件**，见 https://www.cac.gov.cn 和 [说明](https://example.org/a?b=1#c)。

    ## 情景案例：可疑邮件

    | 特征 | 说明 |
    | --- | --- |
    | 发件人 | ~~可信~~ 可疑 |

    ![示意图](media/diagram.png)

    """

    static let moduleEN = """
    ---
    id: phishing
    title: "Phishing: social engineering"
    minutes: 40
    hours: 1
    objectives: [Spot phishing mail, Report it]
    summary: >
      A short summary
      on two lines.
    ---

    # Phishing

    Text with `code`, <b>raw HTML</b>, a [link](https://www.gov.cn) and ![inside](media/a.png).

    ## Scenario: a suspicious email

    1. Read.
    2. Report.

    """

    static let quiz = """
    id: final-exam
    title: {zh: 结业考试, en: Final exam}
    mode: exam
    pass_mark: 80
    time_limit_minutes: 30
    max_attempts: 3
    attempt_delay_minutes: 60
    grading: highest
    shuffle_questions: true
    shuffle_options: false
    review:
      show: [score, correctness]
      when: after_close
    pools:
      - id: core
        draw: 5
        questions:
          - id: phish-sender
            type: single
            text: {zh: "哪一项最可疑？", en: "Which is most suspicious?"}
            options:
              - text: {zh: 伪造的发件人, en: A spoofed sender}
                correct: true
                feedback: {zh: 对, en: Right}
              - {text: {zh: 同事, en: A colleague}, weight: 25}
            explanation: {zh: "见模块。", en: "See the module."}
            tags: [module:phishing, law:cybersecurity-law-2025]
          - id: mfa-factors
            type: multiple
            text: {zh: 哪些是因素？, en: Which are factors?}
            options:
              - {text: {zh: 口令, en: Password}, weight: 50}
              - {text: {zh: 令牌, en: Token}, weight: 50}
              - {text: {zh: 用户名, en: User name}, weight: -50, feedback: {zh: 不是, en: No}}
          - id: ogi-deadline-tf
            type: truefalse
            text: {zh: 期限是20个工作日。, en: The limit is 20 working days.}
            answer: true
            feedback_true: {zh: 对, en: Right}
            feedback_false: {zh: 错, en: Wrong}
            feedback: {zh: 总体反馈, en: General feedback}
            points: 2
          - id: law-name
            type: short
            text: {zh: 法律名称？, en: Which law?}
            case_sensitive: false
            wrappers: [《…》, {prefix: 中华人民共和国}]
            answers:
              - {text: 网络安全法, also: [网络安全法(*)], weight: 100}
              - {text: "Cybersecurity*", weight: 50, feedback: {zh: 部分, en: Partly}}
          - id: ogi-days
            type: numeric
            text: {zh: 几天？, en: How many days?}
            format: {zh: 工作日天数, en: working days}
            units: [个工作日, {unit: working days, multiplier: 1}]
            unit_penalty: 10
            wrappers: [约…]
            chinese_numerals: true
            answers:
              - {value: 20, tolerance: 0, weight: 100}
              - {min: 15, max: 15, weight: 0, feedback: {zh: 旧规定, en: The old rule}}
          - id: match-roles
            type: matching
            text: {zh: 配对, en: Match}
            pairs:
              - {prompt: {zh: 甲, en: A}, answer: {zh: 一, en: One}}
              - {prompt: {zh: 乙, en: B}, answer: {zh: 二, en: Two}}
            distractors:
              - {zh: 三, en: Three}
      - id: bank
        gift: bank.gift
        gift_language: en

    """

    static let program = """
    id: egov
    title: {zh: 认证, en: Certification}
    summary: {zh: 概要, en: Summary}
    courses: [info-security]
    min_study_hours: 0
    validity_days: 730
    renewal_window_days: 90
    expiry_base: previous_expiry
    recertification:
      courses: [info-security]
      choose: 0
      from: []

    """

    static let gift = """
    // A GIFT bank with every construct.
    $CATEGORY: $course$/Security

    // [id:tomb] [tag:history] [tag:module:phishing]
    ::Grant's tomb::Who is buried in Grant's tomb?{~Grant#No ~Jefferson =no one#Yes####Nobody is buried there.}

    Grant is {~buried =entombed ~living} in Grant's tomb.

    ::TF::The sun rises in the east.{T#Wrong#Right}

    Two plus two is {=four =%50%4#Digits}.

    ::Pi::Value of pi? {#3.1415:0.0005}

    Year? {#
      =1822:0
      =%50%1822:2#Close
      ~#Wrong
    }

    Range {#1..5}

    ::Match::[html]Match <b>these</b>.{
      =Canada -> Ottawa
      =Italy -> Rome
      = -> Paris
    }

    ::Multi::Pick two.{~%50%a ~%50%b ~%-100%c}

    Escapes \\: \\# \\= \\{ \\} \\~ \\n \\\\ {=ok}

    ::Essay::Write something.{}

    A description only.

    """

    static let markdown = """
    # Heading
    ## 情景案例：一
    ## 情景案例：一
    Text **bold** _em_ ~~strike~~ www.example.com <script>alert(1)</script>
    [x](JaVaScRiPt:alert(1)) [y](data:text/html;base64,xx) [z](mailto:a@b.c) ![i](media/a.png) ![j](media/../x.png)

    | a | b |
    |---|---|
    | 1 | 2 |

    <div onclick="x">raw</div>

    """
}
