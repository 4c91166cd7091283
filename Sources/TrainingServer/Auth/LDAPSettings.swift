import Foundation

/// How the platform signs people in against the organisation's directory (`serve --ldap-…`): where the directory
/// is, how to reach it safely, the service account that searches it, which entries are people who may sign in, and
/// which attributes carry a person's details.
public struct LDAPSettings: Sendable, Equatable {
    /// The details of a person the attribute map fills (`--ldap-attribute FIELD=ATTRIBUTE`).
    public enum Field: String, Sendable, CaseIterable, Comparable {
        /// The platform login (default `uid`; Active Directory: `sAMAccountName`).
        case login
        /// The display name (default `cn`; Active Directory: `displayName`).
        case name
        /// The employee number (default `employeeNumber`; Active Directory: `employeeID`).
        case employeeNumber = "employee-number"
        /// The department as a name path from the top ("省人民政府/省数据局/综合处"), or `dn:ou`: the `ou` parts of
        /// the entry's own DN, from the top down. Not mapped by default.
        case department
        /// The job category (岗位类别). Not mapped by default.
        case jobCategory = "job-category"
        /// The e-mail address (default `mail`).
        case email
        /// A stable unique id (e.g. `entryUUID`, Active Directory `objectGUID`) naming the person instead of the
        /// entry's DN, so that a renamed or moved entry stays linked to the same account. Default: the DN.
        case subject

        public static func < (lhs: Field, rhs: Field) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// The value of `--ldap-attribute department=dn:ou`: the department is read from the entry's DN.
    public static let departmentFromDN = "dn:ou"
    public static let defaultUserFilter = "(&(objectClass=inetOrgPerson)(uid={login}))"
    public static let defaultAttributes: [Field: String] = [
        .login: "uid", .name: "cn", .employeeNumber: "employeeNumber", .email: "mail",
    ]
    public static let defaultTimeout = 5.0

    /// `ldap://host[:port]` or `ldaps://host[:port]`.
    public var url: String
    /// Upgrade `ldap://` connections with StartTLS (always for sign-in: passwords must not cross the network in
    /// clear). Not for `ldaps://`, which is TLS from the start.
    public var startTLS: Bool
    /// PEM file of the CA certificates the directory's certificate must chain to (nil: the system's).
    public var caFile: String?
    /// The service account that searches for people.
    public var bindDN: String
    /// The service account's password (read from a file; never logged).
    public var bindPassword: String
    /// Where people are searched for (the whole subtree).
    public var base: String
    /// Which entries are people who may sign in; `{login}` stands for the typed login, escaped (RFC 4515).
    public var userFilter: String
    /// Attribute names per field; missing fields are not read.
    public var attributes: [Field: String]
    /// Whether people without an account get one at their first sign-in.
    public var provisioning: ProvisioningPolicy
    /// The department (names from the top) of people the directory names none for; empty: the top department.
    public var defaultDepartment: [String]
    /// Seconds allowed for connecting and for each answer.
    public var timeout: Double

    public init(url: String, startTLS: Bool, caFile: String? = nil, bindDN: String, bindPassword: String, base: String,
                userFilter: String = LDAPSettings.defaultUserFilter,
                attributes: [Field: String] = LDAPSettings.defaultAttributes, provisioning: ProvisioningPolicy = .match,
                defaultDepartment: [String] = [], timeout: Double = LDAPSettings.defaultTimeout) {
        self.url = url
        self.startTLS = startTLS
        self.caFile = caFile
        self.bindDN = bindDN
        self.bindPassword = bindPassword
        self.base = base
        self.userFilter = userFilter
        self.attributes = attributes
        self.provisioning = provisioning
        self.defaultDepartment = defaultDepartment
        self.timeout = timeout
    }

    /// What is wrong with the settings, as messages naming the option; empty when they can be used.
    public var problems: [String] {
        var problems: [String] = []
        let lower = url.lowercased()
        let secure = lower.hasPrefix("ldaps://")
        if !(lower.hasPrefix("ldap://") || secure) || url.dropFirst(secure ? 8 : 7).split(separator: "/").first == nil {
            problems.append("--ldap-url must be ldap://HOST[:PORT] or ldaps://HOST[:PORT], not \"\(url)\"")
        } else if secure && startTLS {
            problems.append("--ldap-start-tls is for ldap:// URLs; an ldaps:// connection is TLS from the start")
        }
        if bindDN.isEmpty { problems.append("--ldap-bind-dn is required: the service account that searches for people") }
        if bindPassword.isEmpty {
            problems.append("--ldap-bind-password-file must hold the service account's password (it is empty)")
        }
        if base.isEmpty { problems.append("--ldap-base is required: where people are searched for") }
        if let problem = Self.filterProblem(userFilter) { problems.append("--ldap-user-filter: \(problem)") }
        for (field, attribute) in attributes.sorted(by: { $0.key < $1.key }) {
            if field == .department, attribute == Self.departmentFromDN { continue }
            if !Self.isAttributeName(attribute) {
                problems.append("--ldap-attribute \(field.rawValue)=\(attribute): \"\(attribute)\" is not an attribute name")
            }
        }
        if attributes[.login] == nil { problems.append("--ldap-attribute login=… is required") }
        if !(0.5...120).contains(timeout) { problems.append("--ldap-timeout must be between 0.5 and 120 seconds") }
        return problems
    }

    /// Parses one `--ldap-attribute FIELD=ATTRIBUTE`.
    public static func attribute(_ text: String) -> (field: Field, attribute: String)? {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let field = Field(rawValue: parts[0].lowercased()), !parts[1].isEmpty else { return nil }
        return (field, parts[1])
    }

    /// An attribute description: a name (letter, then letters, digits, hyphens) or a numeric OID.
    static func isAttributeName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.count <= 100 else { return false }
        if CharacterSet.decimalDigits.contains(first) {
            return text.split(separator: ".", omittingEmptySubsequences: false)
                .allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        }
        return first.isASCII && CharacterSet.letters.contains(first)
            && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
    }

    /// Why a user filter cannot work, or nil: it must name `{login}` and be one parenthesised filter.
    static func filterProblem(_ filter: String) -> String? {
        guard filter.contains("{login}") else { return "the filter must contain {login} (the typed login)" }
        guard filter.hasPrefix("("), filter.hasSuffix(")") else { return "the filter must be in parentheses, e.g. \(defaultUserFilter)" }
        var depth = 0
        var escaped = false
        for (index, character) in filter.enumerated() {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth < 0 || (depth == 0 && index != filter.count - 1) {
                    return "the parentheses do not match (one filter, e.g. (&(a=b)(c=d)))"
                }
            default: break
            }
        }
        return depth == 0 ? nil : "the parentheses do not match"
    }

    /// The search filter for a typed login (escaped, so it cannot widen the search).
    public func filter(login: String) -> String {
        userFilter.replacingOccurrences(of: "{login}", with: ldapFilterEscape(login))
    }

    /// The attributes a search asks for: those the map names.
    public var requestedAttributes: [String] {
        attributes.sorted(by: { $0.key < $1.key })
            .filter { !($0.key == .department && $0.value == Self.departmentFromDN) }.map(\.value)
    }

    public var connectionOptions: LDAPConnection.Options {
        LDAPConnection.Options(url: url, startTLS: startTLS, caFile: caFile, timeout: timeout)
    }

    /// The person an entry describes, through the attribute map. The login falls back to the typed one; the
    /// subject is the configured unique id (empty when the entry lacks it: such an entry cannot sign in) or the DN.
    public func profile(from entry: LDAPEntry, typedLogin: String) -> ExternalProfile {
        func value(_ field: Field) -> String? { attributes[field].flatMap { entry.first($0) } }
        let department: [String]?
        if attributes[.department] == Self.departmentFromDN {
            department = Self.organisationalUnits(of: entry.dn)
        } else {
            department = value(.department).map(ExternalProfile.departmentPath)
        }
        let subject = attributes[.subject] == nil ? entry.dn : (value(.subject) ?? "")
        return ExternalProfile(method: .ldap, subject: subject, login: value(.login) ?? typedLogin,
                               displayName: value(.name), employeeNumber: value(.employeeNumber),
                               departmentPath: department, jobCategory: value(.jobCategory), email: value(.email))
    }

    /// The values of the `ou` parts of a DN (RFC 4514 string), from the top down:
    /// `uid=x,ou=综合处,ou=省数据局,dc=example,dc=gov` → 省数据局, 综合处.
    public static func organisationalUnits(of dn: String) -> [String] {
        var parts: [[UInt8]] = [[]]
        var bytes = Array(dn.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "\\"), let next = bytes.first {
                let hex = bytes.prefix(2)
                if hex.count == 2, let value = UInt8(String(decoding: hex, as: UTF8.self), radix: 16) {
                    parts[parts.count - 1].append(value)
                    bytes = bytes.dropFirst(2)
                } else {
                    parts[parts.count - 1].append(next)  // an escaped special character (e.g. "\\,") stands for itself
                    bytes = bytes.dropFirst()
                }
            } else if byte == UInt8(ascii: ",") {
                parts.append([])
            } else {
                parts[parts.count - 1].append(byte)
            }
        }
        let units = parts.compactMap { part -> String? in
            let text = String(decoding: part, as: UTF8.self)
            guard let equals = text.firstIndex(of: "="),
                  text[..<equals].trimmingCharacters(in: .whitespaces).lowercased() == "ou" else { return nil }
            let value = String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        return units.reversed()
    }
}
