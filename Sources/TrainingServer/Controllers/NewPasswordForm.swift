/// A new password typed twice into a form (the profile page, a reset link): what is wrong with it, as field errors
/// on `new_password` and `confirm_password`, in the page's language. Empty when it may be set.
enum NewPasswordForm {
    static func problems(_ form: Parameters, page: PageContext) -> [(field: String, message: String)] {
        let new = form["new_password"] ?? ""
        var errors: [(field: String, message: String)] = []
        do {
            try PasswordHasher.validate(new)
        } catch {
            let key = switch error {
            case .tooShort: "profile.password.error.short"
            case .tooLong: "profile.password.error.long"
            default: "profile.password.error.common"
            }
            errors.append(("new_password", page.t(key)))
        }
        if new != (form["confirm_password"] ?? "") {
            errors.append(("confirm_password", page.t("profile.password.error.mismatch")))
        }
        return errors
    }
}
