import Foundation

/// How the platform signs people in against the organisation's directory (`serve --ldap-…`): where the directory
/// is, how to reach it safely, the service account that searches it, which entries are people who may sign in, and
/// which attributes carry a person's details.
public struct LDAPSettings: Sendable, Equatable {
    /// The value of `--ldap-attribute department=dn:ou`: the department is read from the entry's DN.
    public static let departmentFromDN = "dn:ou"
    public static let defaultUserFilter = "(&(objectClass=inetOrgPerson)(uid={login}))"
    /// The attribute of each field by default (`--ldap-attribute FIELD=ATTRIBUTE` changes them; Active Directory:
    /// `sAMAccountName`, `displayName`, `employeeID`).
    public static let defaultAttributes: ProfileFieldMap = [
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
    /// Attribute names per field; missing fields are not read. The department may be `dn:ou`: the `ou` parts of
    /// the entry's own DN, from the top down.
    public var attributes: ProfileFieldMap
    /// The attribute holding a stable unique id (`entryUUID`, Active Directory `objectGUID`) that names the person
    /// instead of the entry's DN, so that a renamed or moved entry stays linked to the same account; nil: the DN.
    public var subjectAttribute: String?
    /// Whether people without an account get one at their first sign-in.
    public var provisioning: ProvisioningPolicy
    /// The department (names from the top) of people the directory names none for; empty: the top department.
    public var defaultDepartment: [String]
    /// Seconds allowed for connecting and for each answer.
    public var timeout: Double

    public init(url: String, startTLS: Bool, caFile: String? = nil, bindDN: String, bindPassword: String, base: String,
                userFilter: String = LDAPSettings.defaultUserFilter,
                attributes: ProfileFieldMap = LDAPSettings.defaultAttributes, subjectAttribute: String? = nil,
                provisioning: ProvisioningPolicy = .match,
                defaultDepartment: [String] = [], timeout: Double = LDAPSettings.defaultTimeout) {
        self.url = url
        self.startTLS = startTLS
        self.caFile = caFile
        self.bindDN = bindDN
        self.bindPassword = bindPassword
        self.base = base
        self.userFilter = userFilter
        self.attributes = attributes
        self.subjectAttribute = subjectAttribute
        self.subjectAttribute = subjectAttribute
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
        for (field, attribute) in mappedAttributes {
            if field == ProfileFieldMap.Field.department.rawValue, attribute == Self.departmentFromDN { continue }
            if !Self.isAttributeName(attribute) {
                problems.append("--ldap-attribute \(field)=\(attribute): \"\(attribute)\" is not an attribute name")
            }
        }
        if attributes[.login] == nil { problems.append("--ldap-attribute login=… is required") }
        if !(0.5...120).contains(timeout) { problems.append("--ldap-timeout must be between 0.5 and 120 seconds") }
        return problems
    }

    /// The field `--ldap-attribute` adds to the shared ones: `subject=ATTRIBUTE`.
    public static let subjectField = "subject"

    /// The settings' attribute map and subject attribute from `--ldap-attribute` values over the defaults, or the
    /// reason one cannot be used. `department=dn:ou` reads the department from the entry's DN.
    public static func attributes(_ texts: [String]) throws(ProfileFieldMapError)
        -> (map: ProfileFieldMap, subject: String?) {
        var subject: String?
        let map = try ProfileFieldMap.parse(texts, defaults: defaultAttributes, option: "--ldap-attribute",
                                            noun: "ATTRIBUTE", extraFields: [subjectField], extra: { _, name in
            subject = name.isEmpty ? nil : name
        })
        return (map, subject)
    }

    /// The mapped attributes by option field name, in field order, the subject last.
    var mappedAttributes: [(field: String, attribute: String)] {
        attributes.sorted.map { ($0.field.rawValue, $0.name) } + (subjectAttribute.map { [(Self.subjectField, $0)] } ?? [])
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
        mappedAttributes.filter { !($0.field == ProfileFieldMap.Field.department.rawValue && $0.attribute == Self.departmentFromDN) }
            .map(\.attribute)
    }

    public var connectionOptions: LDAPConnection.Options {
        LDAPConnection.Options(url: url, startTLS: startTLS, caFile: caFile, timeout: timeout)
    }

    /// The person an entry describes, through the attribute map. The login falls back to the typed one; the
    /// subject is the configured unique id (empty when the entry lacks it: such an entry cannot sign in) or the DN.
    public func profile(from entry: LDAPEntry, typedLogin: String) -> ExternalProfile {
        let fromDN = attributes[.department] == Self.departmentFromDN
        let subject = subjectAttribute.map { entry.first($0) ?? "" } ?? entry.dn
        return attributes.profile(method: .ldap, subject: subject, fallbackLogin: typedLogin,
                                  department: fromDN ? Self.organisationalUnits(of: entry.dn) : nil, lookup: entry.first)
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
