import Foundation

/// Which of a provider's attributes or claims fill which account fields: the one map of sign-in through LDAP
/// (`--ldap-attribute FIELD=ATTRIBUTE`), CAS (`--cas-attribute FIELD=ATTRIBUTE`) and OpenID Connect
/// (`--oidc-claim FIELD=CLAIM`). Each method passes its own defaults; a field without a name is not taken from the
/// provider.
public struct ProfileFieldMap: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// The account fields, as the options name them.
    public enum Field: String, Sendable, CaseIterable, Comparable {
        /// The platform login.
        case login
        /// The display name.
        case name
        case employeeNumber = "employee-number"
        /// The department as a name path from the top ("省人民政府/省数据局/综合处").
        case department
        /// The job category (岗位类别).
        case jobCategory = "job-category"
        case email

        public static func < (lhs: Field, rhs: Field) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// The provider's name (attribute or claim) per field.
    public var names: [Field: String]

    public init(_ names: [Field: String]) { self.names = names }

    public init(dictionaryLiteral elements: (Field, String)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    public subscript(field: Field) -> String? {
        get { names[field] }
        set { names[field] = newValue }
    }

    /// The mapped fields in field order with their names.
    public var sorted: [(field: Field, name: String)] {
        names.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// One `FIELD=NAME` option value, trimmed, the field in lower case; an empty name means "not taken from the
    /// provider". Nil without `=` or without a field.
    public static func entry(_ text: String) -> (field: String, name: String)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let field = text[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        let name = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        return field.isEmpty ? nil : (field, name)
    }

    /// `defaults` with each `FIELD=NAME` of `texts` applied (`FIELD=` leaves the field out; the login cannot be left
    /// out), or the reason one cannot be, naming `option`. `noun` is how the usage names a provider's name
    /// (`ATTRIBUTE`, `CLAIM`); `extraFields` are a method's own fields, handed to `extra` instead of the map;
    /// `isName` says whether a given name can be one.
    public static func parse(_ texts: [String], defaults: ProfileFieldMap, option: String, noun: String,
                             extraFields: [String] = [], isName: (String) -> Bool = { _ in true },
                             extra: (String, String) -> Void = { _, _ in }) throws(ProfileFieldMapError) -> ProfileFieldMap {
        var map = defaults
        for text in texts {
            let fields = (Field.allCases.map(\.rawValue) + extraFields).joined(separator: ", ")
            let usage = "\(option) \(text): give FIELD=\(noun) with FIELD one of \(fields) (FIELD= leaves a field out; login cannot be left out)"
            guard let (fieldName, name) = entry(text) else { throw ProfileFieldMapError(usage) }
            let field = Field(rawValue: fieldName)
            guard extraFields.contains(fieldName) || (field != nil && !(field == .login && name.isEmpty)) else {
                throw ProfileFieldMapError(usage)
            }
            if !name.isEmpty, !isName(name) {
                throw ProfileFieldMapError("\(option) \(text): \"\(name)\" is not \(noun == "CLAIM" ? "a claim" : "an attribute") name")
            }
            if let field, !extraFields.contains(fieldName) {
                map[field] = name.isEmpty ? nil : name
            } else {
                extra(fieldName, name)
            }
        }
        return map
    }

    /// The profile the provider's values give, through `lookup` (the first value of a name, or nil).
    /// `fallbackLogin` is the login when the provider gives none; `department`, when given, replaces the mapped one.
    public func profile(method: SignInMethod, subject: String, fallbackLogin: String,
                        department: [String]? = nil, lookup: (String) -> String?) -> ExternalProfile {
        func value(_ field: Field) -> String? { names[field].flatMap(lookup) }
        return ExternalProfile(method: method, subject: subject, login: value(.login) ?? fallbackLogin,
                               displayName: value(.name), employeeNumber: value(.employeeNumber),
                               departmentPath: department ?? value(.department).map(ExternalProfile.departmentPath),
                               jobCategory: value(.jobCategory), email: value(.email))
    }
}

/// A `FIELD=NAME` option value that cannot be used; the text says why, naming the option.
public struct ProfileFieldMapError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
