#!/usr/bin/env bash
# The PostgreSQL statements of one learner's quiz attempt, counted request by request from the server's statement log.
#
#   Benchmarks/journey/statements.sh                              (from any directory; run as root)
#
# A fresh database in the cluster scripts/postgres.sh starts, with `log_statement = all` set on that database only
# (ALTER DATABASE: the cluster's other databases log as before), one learner made with `import-staff`, one node
# started on it, and statements.py driving the journey of journey.c (dashboard, module page, quiz start page, start,
# answer page, save, summary, submit, result) JOURNEYS times in a row, reading the cluster's log between requests.
#
# Settings (environment): JOURNEYS=20 TRAINING_SERVER=path (else a release build) POOL=8; SE_POSTGRES_* as
# scripts/postgres.sh reads them. Prints a Markdown table (statements per request and per attempt, the most frequent
# statements) and writes it to Benchmarks/out/journey-statements.md.
set -euo pipefail

for argument in "$@"; do
  case $argument in
  -h | --help)
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "error: unknown argument $argument (see --help)" >&2
    exit 2
    ;;
  esac
done
JOURNEYS=${JOURNEYS:-20}
POOL=${POOL:-8}
QUIZ=info-literacy/practice-finding-information

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
say() { printf '%s\n' "$*" >&2; }
fail() {
  say "error: $*"
  exit 1
}
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
OUT=${BENCH_OUT:-$ROOT/Benchmarks/out}
mkdir -p "$OUT"

server_pid=""
work_dir=""
db=journey_statements
cleanup() {
  if [[ -n $server_pid ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [[ -n $work_dir ]]; then rm -rf "$work_dir"; fi
  if [[ -n ${pg_port:-} ]]; then
    su postgres -s /bin/sh -c "psql -XAtq -p $pg_port -d postgres -c 'DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)'" >/dev/null || true
  fi
}
trap cleanup EXIT

for tool in python3 psql; do command -v "$tool" >/dev/null || fail "$tool is required"; done
[[ $(id -u) -eq 0 ]] || fail "run as root (it creates a PostgreSQL database as the postgres account and reads its log)"
find_training_server
eval "$("$ROOT/scripts/postgres.sh")"
pg_port=$(python3 -c "import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).port)" "$SE_POSTGRES_URL")
pg_owner=$(python3 -c "import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).username)" "$SE_POSTGRES_URL")
cluster=$(pg_lsclusters -h | awk -v p="$pg_port" '$3 == p { print $1 "-" $2 }')
pg_log=/var/log/postgresql/postgresql-$cluster.log
[[ -r $pg_log ]] || fail "no PostgreSQL log at $pg_log"

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/journey-statements.XXXXXX")
cp -a "$ROOT/Courses" "$work_dir/Courses"
quiz_file="$work_dir/Courses/${QUIZ%%/*}/quizzes/${QUIZ#*/}.yaml"
raise_practice_cap "$quiz_file"
journey_staff "$work_dir/staff.csv" 1

su postgres -s /bin/sh -c "psql -XAtq -p $pg_port -d postgres -c 'DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)' \
  -c 'CREATE DATABASE \"$db\" OWNER \"$pg_owner\"' -c 'ALTER DATABASE \"$db\" SET log_statement = \"all\"'" >/dev/null
database_args=(--database "${SE_POSTGRES_URL%/*}/$db" --database-password-file "$SE_POSTGRES_PASSWORD_FILE"
  --database-pool-size "$POOL")
"$server_bin" import-staff "$work_dir/staff.csv" --initial-passwords "$work_dir/passwords.csv" \
  --db "$work_dir/training.sqlite" "${database_args[@]}" >"$work_dir/import.log" 2>&1 ||
  { tail -5 "$work_dir/import.log" >&2; fail "import-staff failed"; }
IFS=, read -r login password < <(tail -n +2 "$work_dir/passwords.csv" | cut -d, -f2,3)

port=$(free_port)
"$server_bin" serve --host 127.0.0.1 --port "$port" --db "$work_dir/training.sqlite" --courses "$work_dir/Courses" \
  --per-ip-limit 0 "${database_args[@]}" >"$work_dir/node.out" 2>"$work_dir/node.log" &
server_pid=$!
for _ in $(seq 600); do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work_dir/node.log" >&2; fail "the node exited during start-up"; }
  grep -qF "http://127.0.0.1:$port/" "$work_dir/node.out" && break
  sleep 0.1
done

if [[ -n ${TRAINING_SERVER:-} ]]; then build="training-server binary $server_bin"; else
  build="commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown), release build"
fi
{
  echo "### PostgreSQL statements of one learner's attempt"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $build, one node (\`--database-pool-size $POOL\`), \`log_statement = all\`."
  echo
  python3 "$HERE/statements.py" --port "$port" --login "$login" --password "$password" --log "$pg_log" \
    --journeys "$JOURNEYS"
} | tee "$OUT/journey-statements.md"
