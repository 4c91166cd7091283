import Testing
@testable import Assessment

@Suite struct ChineseNumeralsTests {
    @Test(arguments: [
        ("零", 0.0), ("〇", 0), ("五", 5), ("十", 10), ("十五", 15), ("二十", 20), ("三十一", 31), ("一十八", 18),
        ("一百", 100), ("一百零五", 105), ("一百五", 150), ("一百五十", 150), ("七百一十六", 716),
        ("两千零一十八", 2018), ("二千零一十八", 2018), ("一千二", 1200), ("三千零五十", 3050),
        ("二〇一八", 2018), ("二零二二", 2022), ("一二三八七", 12387),
        ("十万", 100_000), ("两万", 20_000), ("两万三", 23_000), ("一万零五百", 10_500), ("一亿", 100_000_000),
        ("三亿五千万", 350_000_000), ("壹佰贰拾", 120), ("三点五", 3.5), ("五十二点零", 52),
    ])
    func reads(text: String, value: Double) {
        #expect(ChineseNumerals.value(text) == value, "\(text)")
    }

    @Test(arguments: ["", "十十", "五五十", "百", "万", "一万万", "点五", "三点", "三点十", "两两", "二十三十", "千百"])
    func refuses(text: String) {
        #expect(ChineseNumerals.value(text) == nil, "\(text)")
    }
}
