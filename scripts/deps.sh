# Installs the Debian packages named in the arguments that are not installed yet, with their Recommends. Sourced by
# scripts/run and scripts/test.
install_debian_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing Debian packages: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --install-recommends "${missing[@]}" >/dev/null
    fi
}

# The C libraries the server links against (libpq-dev: PostgreSQL's client library, for the PostgresStorage target).
BUILD_PACKAGES=(pkg-config libsqlite3-dev libmicrohttpd-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
                libargon2-dev libqrencode-dev zlib1g-dev libdeflate-dev libcurl4-openssl-dev libldap-dev libpq-dev)

# What the end-to-end suite uses besides the browser: ffmpeg makes the test recordings (Tests/e2e/media_files.py),
# curl fetches course media as a real client does (Tests/e2e/test_media_serving.py). The PostgreSQL 15 server runs the
# cluster scripts/postgres.sh starts for the PostgreSQL suites; the sqlite3 command builds the SQLite schema they compare
# the PostgreSQL one with (Tests/PostgresStorageTests/PostgresSchemaTests.swift); nginx balances two server nodes on one
# PostgreSQL database (Tests/e2e/test_two_nodes.py).
TEST_PACKAGES=(ffmpeg curl postgresql-15 sqlite3 nginx-light)

# The real directory and identity servers the end-to-end suite starts (Tests/e2e/identity_servers.py): OpenLDAP's
# slapd and its command-line tools, and the LemonLDAP::NG portal (CAS 3.0 and OpenID Connect) run under plackup.
# The portal needs its Recommends (Net::LDAP, Unicode::String, ...: without them it only answers "500 Initialization
# failed"; the two that matter are also named here), its CAS issuer needs XML::Simple, which the package merely
# suggests, and the OpenID Connect issuer's JWKS needs Crypt::OpenSSL::Bignum. The suite calls plackup and the openssl
# command (test certificate authority) directly.
IDENTITY_PACKAGES=(slapd ldap-utils libldap-dev liblemonldap-ng-portal-perl libxml-simple-perl libnet-ldap-perl
                   libunicode-string-perl libcrypt-openssl-bignum-perl libplack-perl openssl)

# Installs the identity servers. slapd is preseeded so that installing it creates no system directory: the tests
# run their own throwaway instances.
install_identity_packages() {
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    if ! dpkg-query -W -f='${Status}' slapd 2>/dev/null | grep -q "install ok installed"; then
        echo "slapd slapd/no_configuration boolean true" | $sudo debconf-set-selections
    fi
    install_debian_packages "${IDENTITY_PACKAGES[@]}"
}
