import Testing
@testable import Curriculum

struct YAMLValueTests {
    private func value(_ text: String) throws -> YAMLValue {
        let node = try #require(YAMLDocument.compose("v: " + text, sink: DiagnosticSink(file: "v.yaml")))
        guard case .mapping(let mapping) = node, case .scalar(let scalar)? = mapping.first?.value else {
            Issue.record("not a scalar")
            return .null
        }
        return YAMLValue(scalar)
    }

    @Test("YAML 1.1 plain scalars", arguments: [
        ("true", YAMLValue.bool(true)), ("yes", .bool(true)), ("On", .bool(true)), ("no", .bool(false)),
        ("FALSE", .bool(false)), ("~", .null), ("null", .null), ("", .null), ("12", .int(12)), ("-3", .int(-3)),
        ("1_000", .int(1000)), ("0x1F", .int(31)), ("1.5", .float(1.5)), ("-0.25", .float(-0.25)), ("1e3", .float(1000)),
        (".inf", .float(.infinity)), ("-.inf", .float(-.infinity)), ("one", .string("one")),
        ("网络安全法", .string("网络安全法")), ("1.2.3", .string("1.2.3")), ("--5", .string("--5")),
    ])
    func plain(text: String, expected: YAMLValue) throws {
        #expect(try value(text) == expected)
    }

    @Test("quoted scalars are always text")
    func quoted() throws {
        #expect(try value("\"true\"") == .string("true"))
        #expect(try value("'12'") == .string("12"))
    }

    @Test("explicit tags are honoured")
    func tags() throws {
        #expect(try value("!!str 12") == .string("12"))
        #expect(try value("!!int \"7\"") == .int(7))
    }
}
