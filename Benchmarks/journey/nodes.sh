#!/usr/bin/env bash
# The learner journey on one SQLite node, one PostgreSQL node and two PostgreSQL nodes behind nginx, in one run and
# in turns, on the same machine: what a province gains and pays by moving from one server to several.
#
#   Benchmarks/journey/nodes.sh [--smoke]                         (from any directory; run as root)
#
# For each set-up: a fresh database (a new SQLite file, or a new PostgreSQL database in the cluster
# scripts/postgres.sh starts), LEARNERS accounts made with one `import-staff`, the server(s) started, and the journey
# generator of run.sh (journey.c: each learner loops over dashboard, module page, quiz start page, start, answer
# page, save, summary, submit, result) run for DURATION seconds against the node or nginx. Reported per set-up:
# attempts/s, worst p99, errors, and the CPU the platform used per attempt over the timed phase, split into the
# nodes, nginx and PostgreSQL (every process of the cluster: the postmaster and its backends), read from /proc.
# Everything shares the machine's cores: the load generator, the nodes, nginx and PostgreSQL.
#
# Settings (environment): LEARNERS=200 DURATION=30 THREADS=n (server --threads) POOL=8 (--database-pool-size per
# node) TRAINING_SERVER=path (else a release build) BENCH_OUT=dir; SE_POSTGRES_* as scripts/postgres.sh reads them;
# SETUPS="postgres-1 postgres-2" runs only the set-ups named (of sqlite-1, postgres-1, postgres-2; all three by default).
# The statements of one learner's attempt, request by request: Benchmarks/journey/statements.sh.
# --smoke: LEARNERS=4 DURATION=3.
# Prints a Markdown table and writes it to Benchmarks/out/journey-nodes.md; exits 1 if a journey had errors.
set -euo pipefail

smoke=0
for argument in "$@"; do
  case $argument in
  --smoke) smoke=1 ;;
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
if ((smoke)); then LEARNERS=${LEARNERS:-4} DURATION=${DURATION:-3}; fi
LEARNERS=${LEARNERS:-200}
DURATION=${DURATION:-30}
POOL=${POOL:-8}
SETUPS=${SETUPS:-sqlite-1 postgres-1 postgres-2}
MODULE=info-literacy/finding-information
QUIZ=info-literacy/practice-finding-information
export LOG_LEVEL=${LOG_LEVEL:-info}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
OUT=${BENCH_OUT:-$ROOT/Benchmarks/out}
mkdir -p "$OUT"

say() { printf '%s\n' "$*" >&2; }
fail() {
  say "error: $*"
  exit 1
}

pids=()
work_dir=""
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n $work_dir ]]; then rm -rf "$work_dir"; fi
}
trap cleanup EXIT

for setup in $SETUPS; do
  case $setup in
  sqlite-1 | postgres-1 | postgres-2) ;;
  *) fail "unknown set-up $setup in SETUPS (sqlite-1, postgres-1, postgres-2)" ;;
  esac
done
for tool in cc python3 pkg-config nginx psql; do command -v "$tool" >/dev/null || fail "$tool is required"; done
[[ $(id -u) -eq 0 ]] || fail "run as root (it creates PostgreSQL databases as the postgres account)"
cc -O2 -Wall -Wextra -pthread -o "$OUT/journey" "$HERE/journey.c" -lz
find_training_server
eval "$("$ROOT/scripts/postgres.sh")"
pg_port=$(python3 -c "import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).port)" "$SE_POSTGRES_URL")
pg_owner=$(python3 -c "import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).username)" "$SE_POSTGRES_URL")
postmaster=$(head -1 "$(su postgres -s /bin/sh -c "psql -XAtq -p $pg_port -d postgres -c 'SHOW data_directory'")/postmaster.pid")

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/journey-nodes.XXXXXX")
cp -a "$ROOT/Courses" "$work_dir/Courses"
quiz_file="$work_dir/Courses/${QUIZ%%/*}/quizzes/${QUIZ#*/}.yaml"
raise_practice_cap "$quiz_file"
staff="$work_dir/staff.csv"
journey_staff "$staff" "$LEARNERS"

# ticks PID...: utime+stime of the processes, in clock ticks (a process gone meanwhile counts 0).
ticks() {
  local total=0 pid stat
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    total=$((total + $(awk '{ print $12 + $13 }' <<<"$stat")))
  done
  echo "$total"
}
# The cluster's processes: the postmaster and its children (backends come and go; a pool keeps its own).
postgres_pids() { echo "$postmaster" $(pgrep -P "$postmaster" || true); }
# postgres_ticks_since FILE: the cluster's CPU ticks since the snapshot in FILE (pid ticks per line), per process.
snapshot() { for pid in $(postgres_pids); do echo "$pid $(ticks "$pid")"; done >"$1"; }
postgres_ticks_since() {
  local total=0 pid now before
  for pid in $(postgres_pids); do
    now=$(ticks "$pid")
    before=$(awk -v p="$pid" '$1 == p { print $2 }' "$1")
    total=$((total + now - ${before:-0}))
  done
  echo "$total"
}

wait_for() {
  local pid=$1 log=$2 text=$3
  for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || {
      cat "$log" >&2
      if [[ $log == *.out && -e ${log%.out}.log ]]; then tail -20 "${log%.out}.log" >&2; fi
      fail "a process exited during start-up"
    }
    grep -qF "$text" "$log" && return 0
    sleep 0.1
  done
  fail "'$text' did not appear in $log within 60 s"
}

hz=$(getconf CLK_TCK)
rows=()
status=0
# run NAME NODES ENGINE: one set-up, measured; appends a table row.
run() {
  local name=$1 nodes=$2 engine=$3 folder="$work_dir/$1" database_args=() node_pids=() port ports=() nginx_pid=""
  mkdir -p "$folder"
  if [[ $engine == postgres ]]; then
    local db="journey_nodes_$1"
    su postgres -s /bin/sh -c "psql -XAtq -p $pg_port -d postgres -c 'DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)' -c 'CREATE DATABASE \"$db\" OWNER \"$pg_owner\"'" >/dev/null
    local url="${SE_POSTGRES_URL%/*}/$db"
    database_args=(--database "$url" --database-password-file "$SE_POSTGRES_PASSWORD_FILE" --database-pool-size "$POOL")
  fi
  mkdir -p "$folder/node-1"
  say "$name: creating $LEARNERS accounts"
  "$server_bin" import-staff "$staff" --initial-passwords "$folder/passwords.csv" --db "$folder/node-1/training.sqlite" \
    "${database_args[@]}" >"$folder/import.log" 2>&1 || { tail -5 "$folder/import.log" >&2; fail "import-staff failed"; }
  for n in $(seq "$nodes"); do
    mkdir -p "$folder/node-$n"
    if ((n > 1)); then cp -p "$folder/node-1/"*.pem "$folder/node-1/"*.key "$folder/node-$n/" 2>/dev/null || true; fi
    port=$(free_port "${ports[@]}")
    local args=(serve --host 127.0.0.1 --port "$port" --db "$folder/node-$n/training.sqlite" --courses "$work_dir/Courses"
      --per-ip-limit 0 "${database_args[@]}")
    if [[ -n ${THREADS:-} ]]; then args+=(--threads "$THREADS"); fi
    "$server_bin" "${args[@]}" >"$folder/node-$n.out" 2>"$folder/node-$n.log" &
    pids+=($!)
    node_pids+=($!)
    ports+=("$port")
    wait_for "$!" "$folder/node-$n.out" "http://127.0.0.1:$port/"
    # The first node creates the keys every node must share (docs/operations.md).
    if ((n == 1 && nodes > 1)); then sleep 0.5; fi
  done
  local target=${ports[0]}
  if ((nodes > 1)); then
    target=$(free_port "${ports[@]}")
    mkdir -p "$folder/nginx"
    {
      echo "daemon off; master_process off; worker_processes 1; pid $folder/nginx/nginx.pid;"
      echo "error_log $folder/nginx/error.log warn; events { worker_connections 1024; }"
      echo "http { access_log off; client_body_temp_path $folder/nginx/body; proxy_temp_path $folder/nginx/proxy;"
      echo "  fastcgi_temp_path $folder/nginx/f; uwsgi_temp_path $folder/nginx/u; scgi_temp_path $folder/nginx/s;"
      echo "  upstream academy {"
      for port in "${ports[@]}"; do echo "    server 127.0.0.1:$port;"; done
      echo "    keepalive 64; }"
      echo "  server { listen 127.0.0.1:$target; location / { proxy_pass http://academy; proxy_http_version 1.1;"
      echo "    proxy_set_header Connection \"\"; proxy_set_header Host \$http_host; } } }"
    } >"$folder/nginx/nginx.conf"
    nginx -c "$folder/nginx/nginx.conf" -p "$folder/nginx" 2>"$folder/nginx/stderr" &
    nginx_pid=$!
    pids+=("$nginx_pid")
    # nginx, not another program that took the free port meanwhile: nginx names itself in the Server header.
    local answered=0
    for _ in $(seq 100); do
      if python3 -c 'import sys, urllib.request as u; r = u.urlopen(sys.argv[1], timeout=2); sys.exit(r.headers.get("Server", "").startswith("nginx") is False)' \
        "http://127.0.0.1:$target/healthz" 2>/dev/null; then answered=1; break; fi
      kill -0 "$nginx_pid" 2>/dev/null || break
      sleep 0.1
    done
    if ((answered == 0)); then
      cat "$folder/nginx/stderr" "$folder/nginx/error.log" >&2 2>/dev/null || true
      fail "$name: nginx did not answer on port $target"
    fi
  fi
  say "$name: journey, $LEARNERS learners for $DURATION s"
  local ready="$folder/ready" out="$folder/journey.txt"
  (
    while [[ ! -e $ready ]]; do sleep 0.02; done
    echo "$(ticks "${node_pids[@]}") $(ticks $nginx_pid)" >"$folder/ticks-before"
    snapshot "$folder/postgres-before"
  ) &
  local watcher=$!
  "$OUT/journey" --port "$target" --accounts "$folder/passwords.csv" --module "/courses/${MODULE%%/*}/modules/${MODULE#*/}" \
    --quiz "/courses/${QUIZ%%/*}/quizzes/${QUIZ#*/}" --gzip 1 --mode journey --learners "$LEARNERS" \
    --duration "$DURATION" --server-pid "${node_pids[0]}" --ready-file "$ready" >"$out" || status=1
  if [[ ! -e $ready ]]; then
    # The journey ended before its timed phase (the learners could not sign in): nothing to measure.
    kill "$watcher" 2>/dev/null || true
    wait "$watcher" 2>/dev/null || true
    for n in $(seq "$nodes"); do tail -5 "$folder/node-$n.log" >&2; done
    fail "$name: the journey stopped before its timed phase"
  fi
  local node_after nginx_after postgres_used
  node_after=$(ticks "${node_pids[@]}")
  nginx_after=$(ticks $nginx_pid)
  wait "$watcher"
  postgres_used=0
  [[ $engine == postgres ]] && postgres_used=$(postgres_ticks_since "$folder/postgres-before")
  read -r node_before nginx_before <"$folder/ticks-before"
  local attempts
  attempts=$(awk '$1 == "attempts" { print $2 }' "$out")
  per() { awk -v t="$1" -v hz="$hz" -v n="$attempts" 'BEGIN { if (n > 0) printf "%.2f", t / hz * 1e3 / n; else print "–" }'; }
  local nodes_ms nginx_ms pg_ms total_ms
  nodes_ms=$(per $((node_after - node_before)))
  nginx_ms=$(per $((nginx_after - ${nginx_before:-0})))
  pg_ms=$(per "$postgres_used")
  total_ms=$(per $((node_after - node_before + nginx_after - ${nginx_before:-0} + postgres_used)))
  local rss=0
  for pid in "${node_pids[@]}"; do rss=$((rss + $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"))); done
  rows+=("| $name | $(awk '$1 == "attempts_per_second" { print $2 }' "$out") | $(awk '$1 == "worst_p99_ms" { print $2 }' "$out") | $(awk '$1 == "errors" { print $2 }' "$out") | $nodes_ms | $nginx_ms | $pg_ms | $total_ms | $((rss / 1024)) |")
  for pid in "${node_pids[@]}" $nginx_pid; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [[ $engine == postgres ]]; then
    su postgres -s /bin/sh -c "psql -XAtq -p $pg_port -d postgres -c 'DROP DATABASE IF EXISTS \"journey_nodes_$1\" WITH (FORCE)'" >/dev/null
  fi
}

for setup in $SETUPS; do
  case $setup in
  sqlite-1) run sqlite-1 1 sqlite ;;
  postgres-1) run postgres-1 1 postgres ;;
  postgres-2) run postgres-2 2 postgres ;;
  esac
done

if [[ -n ${TRAINING_SERVER:-} ]]; then build="training-server binary $server_bin"; else
  build="commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown), release build"
fi
{
  echo "### The journey on one SQLite node, one and two PostgreSQL nodes: $LEARNERS learners, $DURATION s each"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $build; $(nproc) cores shared by the load generator, the node(s), nginx and"
  echo "PostgreSQL $(su postgres -s /bin/sh -c "psql -XAtq -p $pg_port -d postgres -c 'SHOW server_version'" | cut -d' ' -f1) (Debian's, default settings; the cluster of scripts/postgres.sh). Each node: \`--per-ip-limit 0\`,"
  echo "\`--database-pool-size $POOL\` on PostgreSQL; two nodes behind nginx (one worker, keep-alive to the nodes). CPU per attempt"
  echo "(9 requests) over the timed phase from /proc: the nodes, nginx, and every process of the PostgreSQL cluster."
  echo
  echo "| Set-up | attempts/s | worst p99 ms | errors | nodes ms CPU/attempt | nginx ms | PostgreSQL ms | all ms | nodes' RSS MB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
} | tee "$OUT/journey-nodes.md"
exit "$status"
