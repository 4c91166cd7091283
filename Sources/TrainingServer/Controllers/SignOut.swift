/// Where the browser goes after signing out of the platform: the login page, or, for a session begun at an identity
/// platform, that platform's own sign-out (which then sends the browser back).
extension ControllerContext {
    func signOutDestination(_ session: SessionRecord?) -> String {
        switch session?.method {
        case .oidc?: return oidcSignOutDestination(session)
        case .cas?: return configuration.identity.cas?.signOutURL(publicURL: configuration.publicURL) ?? "/login"
        default: return "/login"
        }
    }
}
