/// The product's version, reported by `training-server --version` and `/healthz`.
public enum ProductVersion {
    public static let current = "0.1.0"
}
