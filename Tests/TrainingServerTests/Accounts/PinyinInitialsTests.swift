import Testing
@testable import TrainingServer

@Suite struct PinyinInitialsTests {
    @Test func commonSurnamesAndGivenNamesHaveTheirInitials() {
        let names = ["张伟": "zw", "王芳": "wf", "李娜": "ln", "刘洋": "ly", "陈静": "cj", "杨磊": "yl", "黄勇": "hy",
                     "赵敏": "zm", "周杰": "zj", "吴秀英": "wxy", "徐强": "xq", "孙丽": "sl", "马超": "mc", "胡军": "hj",
                     "郭涛": "gt", "何明": "hm", "高平": "gp", "林桂英": "lgy", "罗刚": "lg", "郑华": "zh", "欧阳娟": "oyj",
                     "阿依古丽": "aygl", "鄂温": "ew", "邱红": "qh", "任艳": "ry", "戴梅": "dm", "贝兰": "bl", "凡东": "fd",
                     "孔海": "kh", "农建": "nj", "潘国": "pg", "谭志": "tz"]
        for (name, initials) in names {
            #expect(PinyinInitials.initials(of: name) == initials, "\(name)")
        }
    }

    @Test func charactersWithoutAReadingAreLeftOut() {
        #expect(PinyinInitials.initials(of: "Alice 王") == "w")
        #expect(PinyinInitials.initials(of: "123") == "")
    }

    @Test func aSearchIsInitialsOnlyWhenEveryLetterStartsASyllable() throws {
        let ranges = try #require(PinyinInitials.ranges(for: "ZW"))
        #expect(ranges.count == 2)
        #expect(ranges[0] == PinyinInitials.ranges["z"] && ranges[1] == PinyinInitials.ranges["w"])
        // No pinyin syllable starts with i, u or v; digits and other text are never initials; nor is a long word.
        for search in ["iu", "v", "z1", "张", "", "abcdefghj", "z w"] {
            #expect(PinyinInitials.ranges(for: search) == nil, "\(search)")
        }
    }

    @Test func theLettersRangesFollowEachOtherWithoutGaps() throws {
        let ordered = PinyinInitials.letters.compactMap { PinyinInitials.ranges[$0] }
        #expect(ordered.count == PinyinInitials.letters.count)
        for (previous, next) in zip(ordered, ordered.dropFirst()) {
            #expect(previous.upperBound + 1 == next.lowerBound)
        }
    }
}
