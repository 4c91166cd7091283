import Assessment
import Foundation
import Testing
@testable import TrainingServer

@Suite struct AdminSystemPageTests {
    private func context(_ language: Language) -> PageContext {
        PageContext(language: language, user: nil, csrfToken: "", currentPath: "/admin/system", strings: .shipped)
    }

    @Test func durationsAndSizesReadAsWords() {
        #expect(AdminSystemPage.duration(3 * 86_400 + 4 * 3600 + 5 * 60 + 59, context(.zh)) == "3 天 4 小时 5 分钟")
        #expect(AdminSystemPage.duration(-5, context(.en)) == "0 days 0 hours 0 minutes")
        #expect(AdminSystemPage.bytes(812, context(.en)) == "812 B")
        #expect(AdminSystemPage.bytes(4_404_019, context(.en)) == "4.2 MB")
        #expect(AdminSystemPage.bytes(1024, context(.zh)) == "1 KB")
    }
}
