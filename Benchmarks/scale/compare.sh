#!/usr/bin/env bash
# HR reports at scale on SQLite and on PostgreSQL, side by side: the same pages, summaries and CSV export of the
# 1,000,000-person organisation of run.sh, on the SQLite file and on a PostgreSQL copy of it, on this machine.
#
#   Benchmarks/scale/compare.sh                 (from any directory)
#   Benchmarks/scale/compare.sh --write-doc     also replace the result block in BENCHMARKS.md
#
# Builds training-server and scale-report-timings (release), generates the SQLite database when it is missing
# (generate.py, as run.sh: Benchmarks/out/scale-PEOPLE-DEPARTMENTS-ATTEMPTS.sqlite), starts this copy's PostgreSQL
# 15 cluster (scripts/postgres.sh), copies the database into a PostgreSQL database of its own with
# `training-server migrate-to` (once per generated database), runs VACUUM ANALYZE
# there as after any bulk load, then times the reports with scale-report-timings: the calls the HR pages make
# (HRReports: dashboard, people page, export), alternating between the engines. Prints a Markdown table and writes
# it to Benchmarks/out/compare-results.md.
#
# Settings (environment):
#   PEOPLE=1000000  DEPARTMENTS=5000  ATTEMPTS=10000000   size of the generated organisation
#   REPS=5  EXPORTS=2                                     repetitions per request (medians), CSV export runs
#   SCALE_DB=path                                         the SQLite database (generated there when missing)
#   SCALE_PG_DATABASE=scale_bench                         the PostgreSQL database the copy goes to (made again
#                                                         for a newly generated SQLite file)
#   SCALE_PG_RECOPY=1                                     copy again even if the copy is of the same generation
#   SE_POSTGRES_CLUSTER, SE_POSTGRES_PORT                 read by scripts/postgres.sh (cluster name and port)
#   TRAINING_SERVER=path  REPORT_TIMINGS=path             use these binaries instead of building them
#   SWIFT_BUILD_JOBS=n  BUILD_TRIES=30  BUILD_WAIT=60     as in run.sh
#   SCALE_HR_PASSWORD=...                                 the generated HR account's password
#
# The PostgreSQL cluster of scripts/postgres.sh is a test cluster (fsync off; Debian's default memory settings,
# shared_buffers 128 MB): the reports only read, so fsync does not enter the figures.
set -euo pipefail

PEOPLE=${PEOPLE:-1000000}
DEPARTMENTS=${DEPARTMENTS:-5000}
ATTEMPTS=${ATTEMPTS:-10000000}
REPS=${REPS:-5}
EXPORTS=${EXPORTS:-2}
BUILD_TRIES=${BUILD_TRIES:-30}
BUILD_WAIT=${BUILD_WAIT:-60}
PG_DATABASE=${SCALE_PG_DATABASE:-scale_bench}
export LOG_LEVEL=${LOG_LEVEL:-warning}

write_doc=0
for argument in "$@"; do
  case $argument in
    --write-doc) write_doc=1 ;;
    *) printf 'usage: %s [--write-doc]\n' "$0" >&2; exit 2 ;;
  esac
done
[[ $PG_DATABASE =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "error: SCALE_PG_DATABASE must be a plain lower-case name" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
scale_database_settings

say() { printf '%s\n' "$*" >&2; }
fail() { say "error: $*"; exit 1; }
command -v python3 >/dev/null || fail "python3 is required"

# --- build -------------------------------------------------------------------------------------------------

build_product() {
  local product=$1
  local build_jobs=()
  if [[ -n ${SWIFT_BUILD_JOBS:-} ]]; then build_jobs=(-j "$SWIFT_BUILD_JOBS"); fi
  for try in $(seq "$BUILD_TRIES"); do
    say "building $product (release), try $try/$BUILD_TRIES"
    if (cd "$ROOT" && swift build -c release --product "$product" "${build_jobs[@]}" >&2); then return 0; fi
    [[ $try -lt $BUILD_TRIES ]] || fail "the release build of $product failed $BUILD_TRIES times"
    say "build failed (lock busy or sources mid-change); waiting ${BUILD_WAIT} s"
    sleep "$BUILD_WAIT"
  done
}

absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
if [[ -z ${TRAINING_SERVER:-} || -z ${REPORT_TIMINGS:-} ]]; then
  bin_path=$(cd "$ROOT" && swift build -c release --show-bin-path)
fi
if [[ -n ${REPORT_TIMINGS:-} ]]; then timings_bin=$(absolute "$REPORT_TIMINGS"); else
  build_product scale-report-timings
  timings_bin="$bin_path/scale-report-timings"
fi
if [[ -n ${TRAINING_SERVER:-} ]]; then server_bin=$(absolute "$TRAINING_SERVER"); else
  build_product training-server
  server_bin="$bin_path/training-server"
fi
[[ -x $server_bin ]] || fail "no training-server binary at $server_bin"
[[ -x $timings_bin ]] || fail "no scale-report-timings binary at $timings_bin"

# --- SQLite database ---------------------------------------------------------------------------------------

generate_scale_database
say "bringing the SQLite schema up to date"
"$server_bin" departments list --db "$DB" >/dev/null
# The generated names have no sort keys yet; the server gives them at start-up (`prepareAggregates`). Given here,
# before the copy, they travel with it, instead of being written again on PostgreSQL one person at a time.
say "name sort keys and report aggregates on SQLite"
started=$(date +%s)
"$server_bin" report summary --db "$DB" --as "$HR_LOGIN" --courses "$ROOT/Courses" >/dev/null
say "prepared in $(($(date +%s) - started)) s"

# --- PostgreSQL copy ---------------------------------------------------------------------------------------

eval "$(cd "$ROOT" && scripts/postgres.sh)"
[[ $SE_POSTGRES_URL =~ ^(postgres://[^/]+)/ ]] || fail "unexpected SE_POSTGRES_URL $SE_POSTGRES_URL"
PG_URL="${BASH_REMATCH[1]}/$PG_DATABASE"
PG_PORT=${PG_URL##*:}; PG_PORT=${PG_PORT%%/*}
PG_ROLE=${SE_POSTGRES_URL#postgres://}; PG_ROLE=${PG_ROLE%%@*}
as_postgres() { if [[ $(id -u) -eq 0 ]]; then su postgres -s /bin/bash -c "$1"; else sudo -u postgres bash -c "$1"; fi; }
psql_admin() { as_postgres "psql -q -X -p $PG_PORT -v ON_ERROR_STOP=1 -d $1"; }

# The copy is kept while it is a finished copy of the same generated database: the file's name and its generation
# record (what generate.py printed). Later writes to the SQLite file (sessions and audit rows of run.sh, a no-op
# migration, a WAL checkpoint) leave the reports' data as it was, so they do not call for a new copy; SCALE_PG_RECOPY=1
# forces one.
stamp="$(basename "$DB") $(cksum <"$DB.generated.txt" 2>/dev/null || echo 'no generation record')"
stamp_file="$OUT/compare-$PG_DATABASE.copied"
exists=$(echo "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'" | as_postgres "psql -X -A -t -p $PG_PORT -d postgres")
if [[ ${SCALE_PG_RECOPY:-0} == 1 || $exists != 1 || ! -f $stamp_file || $(cat "$stamp_file") != "$stamp" ]]; then
  rm -f "$stamp_file"
  say "copying $(basename "$DB") into PostgreSQL database $PG_DATABASE (port $PG_PORT)"
  printf '%s\n' "DROP DATABASE IF EXISTS $PG_DATABASE;" "CREATE DATABASE $PG_DATABASE OWNER $PG_ROLE;" | psql_admin postgres
  # The schema belongs to the role the platform connects as, so its migrations may change it later.
  echo "ALTER SCHEMA public OWNER TO $PG_ROLE;" | psql_admin "$PG_DATABASE"
  started=$(date +%s)
  "$server_bin" migrate-to "$PG_URL" --password-file "$SE_POSTGRES_PASSWORD_FILE" --db "$DB" \
    | tee "$OUT/compare-migrate-to.txt" | grep -v '^copied ' >&2
  copy_seconds=$(($(date +%s) - started))
  say "copied in $copy_seconds s; VACUUM ANALYZE"
  started=$(date +%s)
  echo "VACUUM ANALYZE;" | psql_admin "$PG_DATABASE"
  say "VACUUM ANALYZE in $(($(date +%s) - started)) s"
  echo "$stamp" >"$stamp_file"
  echo "migrate-to $copy_seconds s, VACUUM ANALYZE $(($(date +%s) - started)) s" >"$stamp_file.times"
fi
pg_bytes=$(echo "SELECT pg_database_size('$PG_DATABASE')" | as_postgres "psql -X -A -t -p $PG_PORT -d postgres")
pg_settings=$(echo "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name) FROM pg_settings
                    WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit')" \
              | as_postgres "psql -X -A -t -p $PG_PORT -d postgres")
pg_version=$(echo "SHOW server_version" | as_postgres "psql -X -A -t -p $PG_PORT -d postgres")

# --- measure -----------------------------------------------------------------------------------------------

result="$OUT/compare-results.md"
"$timings_bin" --sqlite "$DB" --postgres "$PG_URL" --password-file "$SE_POSTGRES_PASSWORD_FILE" \
  --courses "$ROOT/Courses" --login "$HR_LOGIN" --reps "$REPS" --exports "$EXPORTS" --markdown "$result.table" >/dev/null

if [[ -n ${TRAINING_SERVER:-} || -n ${REPORT_TIMINGS:-} ]]; then
  build="binaries $timings_bin, $server_bin"
else
  build="commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n $(git -C "$ROOT" status --porcelain -- Sources Benchmarks/scale/ReportTimings Package.swift 2>/dev/null) ]]; then
    build+=" (with uncommitted changes)"
  fi
fi
{
  echo "Command: \`Benchmarks/scale/compare.sh\` (PEOPLE=$PEOPLE DEPARTMENTS=$DEPARTMENTS ATTEMPTS=$ATTEMPTS REPS=$REPS"
  echo "EXPORTS=$EXPORTS), $(date -u '+%Y-%m-%d %H:%M UTC'), $build."
  echo "SQLite $(basename "$DB"): $(awk -v b="$(stat -c %s "$DB")" 'BEGIN { printf "%.1f GB", b / 1e9 }');"
  echo "PostgreSQL $pg_version database $PG_DATABASE: $(awk -v b="$pg_bytes" 'BEGIN { printf "%.1f GB", b / 1e9 }')"
  echo "($(cat "$stamp_file.times" 2>/dev/null || echo 'copy time not recorded')), settings: $pg_settings."
  echo "Machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1e6 }' /proc/meminfo) RAM,"
  echo "shared with other work (load average $(cut -d' ' -f1-3 /proc/loadavg) at the end): figures are noisy."
  echo "Both databases on the same disk, in the OS page cache after the first requests; PostgreSQL on loopback TCP."
  echo
  cat "$result.table"
} >"$result"
rm -f "$result.table"
cat "$result"

if [[ $write_doc == 1 ]]; then
  python3 - "$ROOT/BENCHMARKS.md" "$result" <<'PYTHON'
import sys
path, result = sys.argv[1], open(sys.argv[2]).read()
heading = "## Scale: HR reports on 1,000,000 people, SQLite beside PostgreSQL"
start, end = "<!-- compare-results:start -->", "<!-- compare-results:end -->"
text = open(path).read()
block = f"{start}\n{result.rstrip()}\n{end}"
if start in text and end in text:
    text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
elif heading in text:
    at = text.index(heading) + len(heading)
    text = text[:at] + "\n\n" + block + "\n" + text[at:]
else:
    text = text.rstrip() + f"\n\n{heading}\n\n{block}\n"
open(path, "w").write(text)
PYTHON
  say "updated the comparison in BENCHMARKS.md"
fi
