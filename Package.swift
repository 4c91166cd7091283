// swift-tools-version:6.1
import PackageDescription

/// Settings every Swift target shares: Swift 6 language mode comes from `swiftLanguageModes`,
/// these make existential types and imported members explicit.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "civil-service-academy",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "training-server", targets: ["training-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
    ],
    targets: [
        // C libraries from Debian, each behind a module map and a shim header.
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CCMark", pkgConfig: "libcmark-gfm",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // zlib reads zip members (Organisation/Inflate.swift); libdeflate compresses answers (HTTP/Gzip.swift).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        // libcurl (OpenSSL flavour) for sending mail over SMTP with STARTTLS (Mail/CurlSMTPTransport.swift).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // OpenLDAP's libldap for signing in against the directory (Auth/LDAPConnection.swift).
        .systemLibrary(name: "CLDAP", pkgConfig: "ldap", providers: [.apt(["libldap-dev"])]),
        // glibc's malloc.h (mallopt), for the allocator settings the server applies at start.
        .systemLibrary(name: "CMalloc"),
        // PostgreSQL's libpq, for the PostgreSQL storage engine (Sources/PostgresStorage).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Pure Swift: question kinds, grading, behaviours, attempts, statistics. No I/O, no dependencies.
        .target(name: "Assessment", swiftSettings: strictSettings),

        // Course files -> Catalogue values; validation with source locations; GIFT; Markdown.
        .target(name: "Curriculum",
                dependencies: ["Assessment", "CCMark", .product(name: "Yams", package: "Yams"),
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: strictSettings),

        // The application: HTTP on libmicrohttpd, auth, pages, API, certification, reports, and the repository
        // protocols the storage engines implement (App/StorageEngine.swift). No storage engine of its own.
        .target(name: "TrainingServer",
                dependencies: [
                    "Assessment", "Curriculum", "CMicroHTTPD", "CArgon2", "CQREncode", "CZlib", "CDeflate", "CMalloc", "CCurl", "CLDAP",
                    .product(name: "Crypto", package: "swift-crypto"),
                    .product(name: "_CryptoExtras", package: "swift-crypto"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                resources: [.copy("Resources")],
                swiftSettings: strictSettings),

        // The SQLite storage engine (the default): the store on GRDB (group commit, read connections), named
        // migrations, backups and restore, and repositories implementing TrainingServer's repository protocols.
        .target(name: "SQLiteStorage",
                dependencies: ["TrainingServer", "Assessment", "Curriculum",
                               .product(name: "GRDB", package: "GRDB.swift"),
                               // GRDB's own SQLite module, for the health check's raw connection (DatabaseHealthCheck).
                               .product(name: "GRDBSQLite", package: "GRDB.swift"),
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: strictSettings),

        // The PostgreSQL storage engine: the client (configuration, connections on libpq, synchronous on the caller's
        // thread, a bounded pool, SQLSTATE errors, named migrations), the schema, and repositories implementing
        // TrainingServer's repository protocols. It reads SQLite databases (SQLiteStorage) for `migrate-to`.
        .target(name: "PostgresStorage",
                dependencies: ["TrainingServer", "SQLiteStorage", "Assessment", "Curriculum", "CLibPQ",
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: strictSettings),

        // The command-line entry point: thin.
        .executableTarget(name: "training-server",
                          dependencies: [
                              "TrainingServer", "Curriculum", "Assessment", "SQLiteStorage", "PostgresStorage",
                              .product(name: "ArgumentParser", package: "swift-argument-parser"),
                              .product(name: "Logging", package: "swift-log"),
                          ],
                          swiftSettings: strictSettings),

        // The HR scale benchmark's timings on SQLite and PostgreSQL through the reports' calls (Benchmarks/scale).
        .executableTarget(name: "scale-report-timings",
                          dependencies: [
                              "TrainingServer", "Curriculum", "SQLiteStorage", "PostgresStorage",
                              .product(name: "Logging", package: "swift-log"),
                          ],
                          path: "Benchmarks/scale/ReportTimings",
                          swiftSettings: strictSettings),

        .testTarget(name: "AssessmentTests", dependencies: ["Assessment"], swiftSettings: strictSettings),
        .testTarget(name: "CurriculumTests", dependencies: ["Curriculum", "Assessment", .product(name: "Yams", package: "Yams")],
                    resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        // Runs against a real PostgreSQL cluster (scripts/postgres.sh; SE_POSTGRES_URL), see docs/testing.md; the
        // repository suite runs the same assertions against SQLite (through GRDB) and PostgreSQL.
        .testTarget(name: "PostgresStorageTests",
                    dependencies: ["PostgresStorage", "SQLiteStorage", "TrainingServer", "Assessment", "Curriculum",
                                   .product(name: "GRDB", package: "GRDB.swift"),
                                   .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strictSettings),
        // Helpers the SQLite and application tests share: a temporary database, a hand-moved clock, fixtures.
        .target(name: "SQLiteTestSupport",
                dependencies: ["SQLiteStorage", "TrainingServer", "Curriculum", "Assessment",
                               .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "Logging", package: "swift-log")],
                path: "Tests/SQLiteTestSupport",
                swiftSettings: strictSettings),
        .testTarget(name: "SQLiteStorageTests",
                    dependencies: ["SQLiteStorage", "SQLiteTestSupport", "TrainingServer", "Curriculum", "Assessment",
                                   .product(name: "GRDB", package: "GRDB.swift"),
                                   .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strictSettings),
        // The application's tests run against the SQLite engine (a real database file per test).
        .testTarget(name: "TrainingServerTests",
                    dependencies: ["TrainingServer", "SQLiteStorage", "SQLiteTestSupport", "Curriculum", "Assessment",
                                   .product(name: "GRDB", package: "GRDB.swift"),
                                   .product(name: "Logging", package: "swift-log"),
                                   // Test keys and tokens for the JWS / ID-token checks.
                                   .product(name: "Crypto", package: "swift-crypto"),
                                   .product(name: "_CryptoExtras", package: "swift-crypto")],
                    swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
