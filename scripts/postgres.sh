#!/usr/bin/env bash
# A PostgreSQL 15 cluster for the tests, from Debian's packages: creates (once) and starts the cluster 15/ci on its own
# port, with a role and a database for the tests whose password is kept in a file, and prints the connection.
#
#   scripts/postgres.sh          create if needed, start if stopped; prints `export VARIABLE=value` lines for
#                                SE_POSTGRES_URL, SE_POSTGRES_PASSWORD_FILE, PGPASSFILE and SE_POSTGRES_CA_FILE (the
#                                server's self-signed TLS certificate)
#   eval "$(scripts/postgres.sh)"  the same, and sets those variables in the calling shell (as scripts/test does)
#   scripts/postgres.sh stop     stop the cluster (its data stays for the next start)
#   scripts/postgres.sh drop     stop and delete the cluster, its certificate and the password files
#
# Settings (environment): SE_POSTGRES_PORT (5439), SE_POSTGRES_CLUSTER (ci), SE_POSTGRES_DIR (where the password file
# and a pgpass file go; test-output/postgres). Idempotent: running it again reuses the cluster, role, database and password.
# The cluster runs with fsync off: it is for tests only and holds nothing worth keeping.
# Debian's own cluster 15/main is never touched. Needs root or sudo (cluster admin runs as the postgres user) and
# openssl (for the certificate).

set -euo pipefail
cd "$(dirname "$0")/.."
pg_version=15
pg_cluster="${SE_POSTGRES_CLUSTER:-ci}"
pg_port="${SE_POSTGRES_PORT:-5439}"
pg_role=academy_test
pg_database=academy_test
pg_directory="${SE_POSTGRES_DIR:-$PWD/test-output/postgres}"

pg_as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$1"; else sudo -u postgres bash -c "$1"; fi
}

pg_as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

pg_cluster_exists() {
    pg_lsclusters -h 2>/dev/null | awk -v v="$pg_version" -v c="$pg_cluster" '$1 == v && $2 == c { found = 1 } END { exit !found }'
}

pg_cluster_online() {
    pg_lsclusters -h 2>/dev/null | awk -v v="$pg_version" -v c="$pg_cluster" '$1 == v && $2 == c && $4 == "online" { found = 1 } END { exit !found }'
}

pg_start() {
    local directory="$pg_directory"
    source scripts/deps.sh
    install_debian_packages "postgresql-$pg_version" openssl >&2

    if ! pg_cluster_exists; then
        # Password authentication (scram-sha-256) over TCP, as a real deployment; peer authentication on the local
        # socket for the admin steps below.
        pg_as_root pg_createcluster "$pg_version" "$pg_cluster" -p "$pg_port" \
            -o fsync=off -o synchronous_commit=off -o full_page_writes=off \
            -- --auth-local=peer --auth-host=scram-sha-256 >&2
    fi
    # TLS with a self-signed certificate for 127.0.0.1, which clients that want sslmode=verify-full take as their
    # root certificate. pg_createcluster decides `ssl` itself (on only with Debian's snakeoil certificate), so it is
    # set in conf.d; a cluster made before without it gets it now (a reload applies it).
    local tls="/etc/postgresql/$pg_version/$pg_cluster-tls"
    local tls_conf="/etc/postgresql/$pg_version/$pg_cluster/conf.d/tls.conf"
    if [ ! -s "$tls/server.crt" ] || [ ! -s "$tls_conf" ]; then
        pg_as_root mkdir -p "$tls"
        pg_as_root openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=127.0.0.1" \
            -addext "subjectAltName=IP:127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.crt" 2>/dev/null
        pg_as_root chown -R postgres:postgres "$tls"
        pg_as_root chmod 600 "$tls/server.key"
        printf "ssl = on\nssl_cert_file = '%s'\nssl_key_file = '%s'\n" "$tls/server.crt" "$tls/server.key" \
            | pg_as_root tee "$tls_conf" >/dev/null
        if pg_cluster_online; then pg_as_root pg_ctlcluster "$pg_version" "$pg_cluster" reload >&2; fi
    fi
    local port
    port="$(pg_lsclusters -h | awk -v v="$pg_version" -v c="$pg_cluster" '$1 == v && $2 == c { print $3 }')"
    # pg_ctlcluster start fails when the cluster already runs.
    if ! pg_cluster_online; then pg_as_root pg_ctlcluster "$pg_version" "$pg_cluster" start >&2; fi
    local ready=""
    for _ in $(seq 120); do
        if pg_isready -q -h 127.0.0.1 -p "$port"; then ready=yes; break; fi
        sleep 0.25
    done
    if [ -z "$ready" ]; then
        echo "PostgreSQL $pg_version/$pg_cluster did not start on port $port; see /var/log/postgresql/postgresql-$pg_version-$pg_cluster.log" >&2
        return 1
    fi

    mkdir -p "$directory"
    chmod 700 "$directory"
    local password_file="$directory/password"
    if [ ! -s "$password_file" ]; then
        (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=\n' > "$password_file")
    fi
    local password
    password="$(cat "$password_file")"
    # The password is set on every run, so the file and the role always agree. It goes to psql on stdin, never on
    # a command line.
    printf '%s\n' \
        "SELECT 'CREATE ROLE $pg_role LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$pg_role') \\gexec" \
        "ALTER ROLE $pg_role LOGIN PASSWORD '$password';" \
        "SELECT 'CREATE DATABASE $pg_database OWNER $pg_role' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$pg_database') \\gexec" \
        | pg_as_postgres "psql -q -X -p $port -v ON_ERROR_STOP=1 -d postgres" >/dev/null
    (umask 077; printf '127.0.0.1:%s:%s:%s:%s\n' "$port" "$pg_database" "$pg_role" "$password" > "$directory/pgpass")
    cp "/etc/postgresql/$pg_version/$pg_cluster-tls/server.crt" "$directory/server.crt"

    printf 'export SE_POSTGRES_URL=%q\n' "postgres://$pg_role@127.0.0.1:$port/$pg_database"
    printf 'export SE_POSTGRES_PASSWORD_FILE=%q\n' "$password_file"
    printf 'export PGPASSFILE=%q\n' "$directory/pgpass"
    printf 'export SE_POSTGRES_CA_FILE=%q\n' "$directory/server.crt"
}

pg_stop() {
    if pg_cluster_online; then pg_as_root pg_ctlcluster "$pg_version" "$pg_cluster" stop; fi
}

pg_drop() {
    pg_stop
    if pg_cluster_exists; then pg_as_root pg_dropcluster "$pg_version" "$pg_cluster"; fi
    pg_as_root rm -rf "/etc/postgresql/$pg_version/$pg_cluster-tls"
    rm -f "$pg_directory/password" "$pg_directory/pgpass" "$pg_directory/server.crt"
}

case "${1:-start}" in
    start) pg_start ;;
    stop) pg_stop ;;
    drop) pg_drop ;;
    *) echo "usage: scripts/postgres.sh [start|stop|drop]" >&2; exit 2 ;;
esac
