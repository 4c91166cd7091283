import Foundation
import Testing
@testable import TrainingServer

@Suite struct BadgeHolderTests {
    @Test func identityHashMatchesTheOpenBadgesExample() {
        // The IdentityHash example of the OB 3.0 data model: 'a@example.com' salted with 'Kosher'.
        #expect(BadgeHolder.identityHash("a@example.com", salt: "Kosher")
            == "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399")
    }

    @Test func subjectIDIsALowerCaseUUIDURN() throws {
        let id = try #require(UUID(uuidString: "6F1C2B1E-8A57-4D0C-9A43-2B7E5D9C1F00"))
        #expect(BadgeHolder(id: id, name: "李四").subjectID == "urn:uuid:6f1c2b1e-8a57-4d0c-9a43-2b7e5d9c1f00")
    }

    @Test func identifiersCarryTheNamePlainAndTheEmailHashedAndNormalised() {
        let holder = BadgeHolder(id: UUID(), name: "王五", email: "  Wang.Wu@Example.GOV.cn ")
        let objects = holder.identityObjects(salt: "s4lt")
        #expect(objects.count == 2)
        #expect(objects[0] == CredentialPayload.IdentityObject(identityType: "name", hashed: false, identityHash: "王五",
                                                               salt: nil))
        #expect(objects[1].identityType == "emailAddress")
        #expect(objects[1].hashed)
        #expect(objects[1].salt == "s4lt")
        #expect(objects[1].identityHash == BadgeHolder.identityHash("wang.wu@example.gov.cn", salt: "s4lt"))
        #expect(!objects[1].identityHash.contains("example"))
    }

    @Test func identifiersOmitTheEmailWhenUnknown() {
        let objects = BadgeHolder(id: UUID(), name: "赵六").identityObjects(salt: "x")
        #expect(objects.map(\.identityType) == ["name"])
    }
}
