# Installs the Debian packages named in the arguments that are not installed yet. Sourced by scripts/run and
# scripts/test.
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
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# The C libraries the server links against.
BUILD_PACKAGES=(pkg-config libsqlite3-dev libmicrohttpd-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
                libargon2-dev libqrencode-dev zlib1g-dev libcurl4-openssl-dev)
