import Foundation
import PostgresStorage
import Testing

@Suite struct PostgresConfigurationTests {
    @Test func readsAFullURL() throws {
        let configuration = try PostgresConfiguration.parse(
            "postgres://academy@db.example.gov.cn:5439/training?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem&connect_timeout=3&application_name=node-a")
        #expect(configuration.host == "db.example.gov.cn")
        #expect(configuration.port == 5439)
        #expect(configuration.user == "academy")
        #expect(configuration.database == "training")
        #expect(configuration.sslMode == .verifyFull)
        #expect(configuration.sslRootCertificate == "/etc/ssl/ca.pem")
        #expect(configuration.connectTimeoutSeconds == 3)
        #expect(configuration.applicationName == "node-a")
        #expect(configuration.password == nil)
    }

    @Test func defaultsThePortAndTakesBothSchemes() throws {
        let short = try PostgresConfiguration.parse("postgresql://app@127.0.0.1/apptest")
        #expect(short.port == 5432)
        #expect(short.sslMode == nil)
        #expect(try PostgresConfiguration.parse("POSTGRES://app@127.0.0.1/apptest") == short)
    }

    @Test func readsIPv6AndPercentEncodedNames() throws {
        let configuration = try PostgresConfiguration.parse("postgres://%E5%BC%A0%40gov@[::1]:6000/%E5%9F%B9%E8%AE%AD")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 6000)
        #expect(configuration.user == "张@gov")
        #expect(configuration.database == "培训")
        // The description gives the URL back, and reads back to the same configuration.
        #expect(try PostgresConfiguration.parse(configuration.description) == configuration)
    }

    @Test(arguments: [
        ("mysql://app@host/db", PostgresConfigurationError.scheme("mysql")),
        ("app@host/db", .notAURL("app@host/db")),
        ("postgres://app@host", .missingDatabase),
        ("postgres://app@host/", .missingDatabase),
        ("postgres://host/db", .missingUser),
        ("postgres://@host/db", .missingUser),
        ("postgres://app@/db", .missingHost),
        ("postgres://app@host:0/db", .badPort("0")),
        ("postgres://app@host:65536/db", .badPort("65536")),
        ("postgres://app@host:five/db", .badPort("five")),
        ("postgres://app@host:/db", .badPort("")),
        ("postgres://app@ho st/db", .badHost("ho st")),
        ("postgres://app@[::1/db", .badHost("[::1")),
        ("postgres://app@host/db?sslmode=always", .badSSLMode("always")),
        ("postgres://app@host/db?sslmode=", .badParameter("sslmode")),
        ("postgres://app@host/db?connect_timeout=0", .badParameter("connect_timeout")),
        ("postgres://app@host/db?pool=4", .unknownParameter("pool")),
        ("postgres://app@host/db?schema=Tenant", .badParameter("schema")),
        ("postgres://app@host/db?schema=a;drop", .badParameter("schema")),
    ])
    func refusesBadURLs(url: String, expected: PostgresConfigurationError) {
        #expect(throws: expected) { try PostgresConfiguration.parse(url) }
    }

    @Test func refusesAPasswordInTheURLAndSaysWhy() {
        for url in ["postgres://app:secret@host/db", "postgres://app:@host/db", "postgres://app@host/db?password=secret"] {
            #expect(throws: PostgresConfigurationError.passwordInURL) { try PostgresConfiguration.parse(url) }
        }
        let message = PostgresConfigurationError.passwordInURL.description
        #expect(message.contains("--database-password-file"))
        #expect(message.contains("ps"))
        #expect(message.contains("shell history"))
    }

    @Test func everyErrorSaysWhatToWrite() {
        #expect(PostgresConfigurationError.missingDatabase.description.contains("postgres://USER@HOST:PORT/DATABASE"))
        #expect(PostgresConfigurationError.badSSLMode("x").description.contains("verify-full"))
        #expect(PostgresConfigurationError.scheme("mysql").description.contains("postgresql://"))
    }

    @Test func readsThePasswordFromTheFirstLineOfAFile() throws {
        #expect(try PostgresConfiguration.passwordFromFile(contents: "s3cret\n") == "s3cret")
        #expect(try PostgresConfiguration.passwordFromFile(contents: "s3cret\r\nignored\n") == "s3cret")
        #expect(try PostgresConfiguration.passwordFromFile(contents: " spaced pass ") == " spaced pass ")
        #expect(throws: PostgresConfigurationError.emptyPasswordFile) { try PostgresConfiguration.passwordFromFile(contents: "") }
        #expect(throws: PostgresConfigurationError.emptyPasswordFile) { try PostgresConfiguration.passwordFromFile(contents: "\nx") }
    }

    @Test func readsAPasswordFileFromDiskAndRefusesAMissingOne() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pg-password-\(UUID().uuidString)").path
        try "from-file\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try PostgresConfiguration.parse("postgres://app@host/db").withPassword(fromFile: path)
        #expect(configuration.password == "from-file")
        #expect(!configuration.description.contains("from-file"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("from-file") && dumped.contains("postgres://app@host:5432/db"))
        #expect(!String(reflecting: configuration).contains("from-file"))
        #expect(configuration.connectionParameters.contains { $0.keyword == "password" && $0.value == "from-file" })
        #expect(throws: PostgresConfigurationError.unreadablePasswordFile("/nonexistent/pw")) {
            try configuration.withPassword(fromFile: "/nonexistent/pw")
        }
    }

    @Test func passesTLSAndTheSchemaToLibpq() throws {
        var configuration = try PostgresConfiguration.parse("postgres://app@host:5439/db?sslmode=require&sslcert=/c.pem&sslkey=/k.pem")
        configuration.schema = "tenant_a"
        let parameters = Dictionary(configuration.connectionParameters.map { ($0.keyword, $0.value) }, uniquingKeysWith: { $1 })
        #expect(parameters["sslmode"] == "require")
        #expect(parameters["sslcert"] == "/c.pem")
        #expect(parameters["sslkey"] == "/k.pem")
        #expect(parameters["options"] == "-c extra_float_digits=3 -c search_path=tenant_a")
        #expect(parameters["port"] == "5439")
        #expect(parameters["password"] == nil)  // left to PGPASSFILE / ~/.pgpass
        #expect(try PostgresConfiguration.parse("postgres://app@host/db?schema=tenant_b").schema == "tenant_b")
    }

    @Test func plainIdentifiers() {
        #expect(PostgresConfiguration.isPlainIdentifier("tenant_a1"))
        #expect(!PostgresConfiguration.isPlainIdentifier("1tenant"))
        #expect(!PostgresConfiguration.isPlainIdentifier("Tenant"))
        #expect(!PostgresConfiguration.isPlainIdentifier("a b"))
        #expect(!PostgresConfiguration.isPlainIdentifier(""))
    }
}
