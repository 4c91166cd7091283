import Foundation
import Testing
@testable import TrainingServer

@Suite struct NameCollationTests {
    private static let zh = Locale(identifier: "zh")

    private func byKey(_ names: [String]) -> [String] {
        names.sorted { NameCollation.key($0).lexicographicallyPrecedes(NameCollation.key($1)) }
    }

    @Test func foundationsChineseCollationOnThisPlatformIsPinyin() {
        // The premise of the keys: Foundation's `zh` comparison is ICU's pinyin order, not code points.
        let names = ["周", "张", "吴", "王", "孙", "李"]
        let sorted = names.sorted { $0.compare($1, options: [], range: nil, locale: Self.zh) == .orderedAscending }
        #expect(sorted == ["李", "孙", "王", "吴", "张", "周"])
    }

    @Test func theShippedWeightsAreFoundationsChineseCollationOnThisPlatform() throws {
        let computed = NameCollation.computedWeights()
        // NAME_COLLATION_TABLE=<path> writes the table this platform gives (to ship it after an ICU change).
        if let path = ProcessInfo.processInfo.environment["NAME_COLLATION_TABLE"] {
            try NameCollation.tableText(computed).write(toFile: path, atomically: true, encoding: .utf8)
        }
        let shipped = try #require(NameCollation.shippedWeights())
        #expect(shipped.count == computed.count)
        #expect(shipped == computed)
        #expect(NameCollation.weights == shipped)
        #expect(computed.count > 20_000)
    }

    @Test func keysSortChineseNamesByPinyinNotByCodePoint() {
        let names = ["冯", "卫", "吴", "周", "孙", "张", "李", "王", "陈", "赵六", "钱七", "欧阳娜娜"]
        #expect(names.sorted() != byKey(names))
        #expect(byKey(names) == ["陈", "冯", "李", "欧阳娜娜", "钱七", "孙", "王", "卫", "吴", "张", "赵六", "周"])
        #expect(byKey(["李四", "李", "李三"]) == ["李", "李三", "李四"])
    }

    @Test func keysOrderNamesAsFoundationsChineseComparisonDoes() {
        let names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "黄磊", "赵敏", "周杰", "吴昊", "徐静蕾", "孙俪",
                     "马云", "朱军", "胡歌", "郭靖", "何炅", "高圆圆", "林心如", "罗志祥", "郑爽", "梁朝伟", "谢娜",
                     "宋丹丹", "唐嫣", "韩寒", "冯巩", "于谦", "董卿", "萧敬腾", "Alice Wang", "bob li", "Émile",
                     "Zoe", "O'Brien", "van Dijk", "李 娜", "欧阳修", "司马光", "诸葛亮", "上官婉儿"]
        let expected = names.sorted {
            $0.compare($1, options: [], range: nil, locale: Self.zh) == .orderedAscending
        }
        #expect(byKey(names) == expected)
    }

    @Test func latinNamesSortAlphabeticallyIgnoringCaseAndAccentsFirst() {
        #expect(byKey(["bob", "Émile", "alice", "Zoe", "Eve"]) == ["alice", "bob", "Émile", "Eve", "Zoe"])
        #expect(byKey(["Li Na", "李娜"]) == ["李娜", "Li Na"])
    }

    @Test func keysAreStableAndTellDifferentNamesApart() {
        #expect(NameCollation.key("李娜") == NameCollation.key("李娜"))
        #expect(NameCollation.key("Alice") != NameCollation.key("alice"))
        // Characters the ranks do not know (an extension B ideograph) come after every known one.
        #expect(byKey(["𠀀", "周", "Zoe"]) == ["周", "Zoe", "𠀀"])
        #expect(NameCollation.version.hasPrefix("zh-"))
    }
}
