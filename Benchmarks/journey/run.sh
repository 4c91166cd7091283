#!/usr/bin/env bash
# The learner journey: simulated learners taking a practice quiz as browsers without JavaScript do, the signed-in
# pages under wrk, and the cost of a long quiz history, each against the C libmicrohttpd hello world in the same run.
#
#   Benchmarks/journey/run.sh [--smoke] [--no-pages] [--no-history]     (from any directory)
#
# 1. Builds the C hello world (Benchmarks/http/hello.c) and the load generator (journey.c, C, one thread and one
#    keep-alive connection per learner), and training-server (release) unless TRAINING_SERVER names a binary.
# 2. Starts training-server on a fresh temporary folder with a copy of the shipped courses, creates the accounts
#    with one `import-staff --initial-passwords` (the fastest supported way: one process, one transaction), and
#    the hello world with the same daemon settings.
# 3. Journey: LEARNERS learners sign in (not timed), then for DURATION seconds each loops over dashboard, module
#    page, the practice quiz's start page, start, answer page, save (all answers, go=finish, as the no-JS form
#    sends them), summary, submit, result. Reports attempts/s, p50/p95/p99 per request type, errors, the server's
#    CPU per attempt (its utime+stime over the timed phase, from the kernel, so it holds on a shared machine), its
#    memory at the end (VmRSS, VmHWM, PSS) and the generator's own CPU.
# 4. Pages: wrk against the signed-in dashboard, module page, course page and catalogue with a session cookie,
#    without and with `Accept-Encoding: gzip`, and against the C hello world.
# 5. History: the server's CPU time and latency of the dashboard, /api/v1/progress, the start page, start and
#    the result for learners' first attempts, and for one learner with HISTORY_ATTEMPTS earlier closed attempts
#    (made by copying a real attempt while the server is stopped: earlier_attempts.py says why and how; the
#    restarted server is warmed by a 3 s journey of up to 32 learners first, as the first attempts' server was).
#
# Prints Markdown tables and writes them to Benchmarks/out/journey-results.md; exits 1 if the journey had errors.
#
# Settings (environment):
#   LEARNERS=200  DURATION=30            simulated learners, seconds of the timed journey
#   MODULE=info-literacy/finding-information  QUIZ=info-literacy/practice-finding-information
#   GZIP=1                               the learners send Accept-Encoding: gzip, as browsers do
#   PAGE_DURATION=5s  CONNECTIONS=32  WRK_THREADS=1   wrk load per page measurement
#   HISTORY_ATTEMPTS=1000  HISTORY_SAMPLES=20         earlier attempts; measured journeys at 0 and at that many
#   THREADS=n                            server --threads (default: the server's own default) and hello's pool
#   TRAINING_SERVER=path                 use this binary instead of building one
#   SWIFT_BUILD_JOBS=n                   passed to `swift build -j`
#   LOG_LEVEL=info                       read by training-server (info: a line per request, as in production)
#   PERF=1                               record a `perf` profile of the server during the journey
#                                        (Benchmarks/out/journey.perf.data; needs linux-perf)
#   PRACTICE_CAP_KEY, PRACTICE_CAP       see "practice attempts per day" below
#   BENCH_OUT=dir                        where the results and logs go (default Benchmarks/out)
# --smoke: LEARNERS=3 DURATION=3 PAGE_DURATION=1s HISTORY_ATTEMPTS=20 HISTORY_SAMPLES=3 (checks that everything runs).
set -euo pipefail

smoke=0
pages=1
history=1
for argument in "$@"; do
  case $argument in
  --smoke) smoke=1 ;;
  --no-pages) pages=0 ;;
  --no-history) history=0 ;;
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
if ((smoke)); then
  LEARNERS=${LEARNERS:-3} DURATION=${DURATION:-3} PAGE_DURATION=${PAGE_DURATION:-1s}
  HISTORY_ATTEMPTS=${HISTORY_ATTEMPTS:-20} HISTORY_SAMPLES=${HISTORY_SAMPLES:-3}
fi
LEARNERS=${LEARNERS:-200}
DURATION=${DURATION:-30}
MODULE=${MODULE:-info-literacy/finding-information}
QUIZ=${QUIZ:-info-literacy/practice-finding-information}
GZIP=${GZIP:-1}
PAGE_DURATION=${PAGE_DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-1}
HISTORY_ATTEMPTS=${HISTORY_ATTEMPTS:-1000}
HISTORY_SAMPLES=${HISTORY_SAMPLES:-20}
export LOG_LEVEL=${LOG_LEVEL:-info}

COURSE=${QUIZ%%/*}
QUIZ_ID=${QUIZ#*/}
MODULE_PATH="/courses/${MODULE%%/*}/modules/${MODULE#*/}"
QUIZ_PATH="/courses/$COURSE/quizzes/$QUIZ_ID"

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

c_pid=""
swift_pid=""
work_dir=""
stop_servers() {
  for pid in $c_pid $swift_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $c_pid $swift_pid; do wait "$pid" 2>/dev/null || true; done
  if [[ -n $work_dir ]]; then rm -rf "$work_dir"; fi
}
trap stop_servers EXIT

# --- tools -------------------------------------------------------------------------------------------------

for tool in cc curl python3 pkg-config; do command -v "$tool" >/dev/null || fail "$tool is required"; done
if ((pages)) && ! command -v wrk >/dev/null; then
  say "installing wrk"
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y wrk >&2; else sudo apt-get install -y wrk >&2; fi
fi

# --- build -------------------------------------------------------------------------------------------------

say "building the C hello world and the load generator"
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -O2 -Wall -Wextra -o "$OUT/hello" "$ROOT/Benchmarks/http/hello.c" $(pkg-config --cflags --libs libmicrohttpd)
cc -O2 -Wall -Wextra -pthread -o "$OUT/journey" "$HERE/journey.c" -lz

find_training_server

server_help=$("$server_bin" serve --help 2>&1 || true)
default_threads=$(sed -n 's/.*--threads <threads>.*(default: \([0-9]*\)).*/\1/p' <<<"$server_help" | head -1)
hello_threads=${THREADS:-${default_threads:-16}}

# --- data: courses and accounts ----------------------------------------------------------------------------

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/journey-bench.XXXXXX")
cp -a "$ROOT/Courses" "$work_dir/Courses"
quiz_file="$work_dir/Courses/$COURSE/quizzes/$QUIZ_ID.yaml"
[[ -f $quiz_file ]] || fail "no quiz file $quiz_file (QUIZ=$QUIZ)"
grep -q '^mode: practice' "$quiz_file" || fail "$QUIZ is not a practice quiz"

# --- practice attempts per day ----------------------------------------------------------------------------
# The simulated learners take far more practice attempts a day than a person does. When the course format caps
# practice attempts per day (a quiz-file key), the benchmark raises the cap for its quiz here, in its own copy of
# the courses. The key is PRACTICE_CAP_KEY, or else the first `..._per_day` key Courses/README.md documents; with
# neither there is no cap to raise. A start the server refuses all the same stops the run (see below).
raise_practice_cap "$quiz_file"
if [[ -n $cap_key ]]; then
  say "practice cap: $cap_key: $PRACTICE_CAP in the benchmark's copy of $QUIZ"
  cap_note="\`$cap_key: $PRACTICE_CAP\` in the benchmark's copy of the quiz"
else
  cap_note="no practice attempts-per-day cap in this version"
fi

history_samples=$((history ? HISTORY_SAMPLES : 0))
history_learners=$((history ? 1 : 0))
accounts=$((LEARNERS + history_samples + history_learners + 1))
staff="$work_dir/staff.csv"
journey_staff "$staff" "$accounts"
database="$work_dir/training.sqlite"
passwords="$work_dir/passwords.csv"
say "creating $accounts accounts"
import_started=$(date +%s.%N)
"$server_bin" import-staff "$staff" --initial-passwords "$passwords" --db "$database" >"$OUT/journey-import.log" 2>&1 ||
  {
    tail -5 "$OUT/journey-import.log" >&2
    fail "import-staff failed"
  }
import_seconds=$(awk -v a="$import_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
[[ $(($(wc -l <"$passwords") - 1)) -eq $accounts ]] || fail "import-staff wrote $(wc -l <"$passwords") lines to $passwords"
# The accounts, in the password file's order: the journey's learners, the history samples, the history learner,
# the pages learner.
history_skip=$LEARNERS
history_learner_skip=$((LEARNERS + history_samples))
pages_line=$((accounts + 1))
pages_login=$(awk -F, -v n="$pages_line" 'NR == n { print $2 }' "$passwords")
pages_password=$(awk -F, -v n="$pages_line" 'NR == n { print $3 }' "$passwords")
history_login=$(awk -F, -v n="$((history_learner_skip + 2))" 'NR == n { print $2 }' "$passwords")

# --- servers -----------------------------------------------------------------------------------------------


# wait_until PID LOG TEXT: returns once LOG holds TEXT; 1 when the process exited first (its log is shown).
wait_until() {
  local pid=$1 log=$2 text=$3
  for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || {
      cat "$log" >&2
      say "the process exited during start-up"
      return 1
    }
    if grep -qF "$text" "$log"; then return 0; fi
    sleep 0.1
  done
  fail "server did not print '$text' within 60 s"
}

swift_port=$(free_port "${c_port:-}" "${swift_port:-}")
# Starts training-server; when it cannot start on the port chosen (another process took the free port between the
# check and the bind), tries again on another, three times in all.
start_server() {
  local try
  for try in 1 2 3; do
    local args=(serve --host 127.0.0.1 --port "$swift_port" --db "$database" --courses "$work_dir/Courses"
      --per-ip-limit 0)
    if [[ -n ${THREADS:-} ]]; then args+=(--threads "$THREADS"); fi
    (cd "$work_dir" && exec "$server_bin" "${args[@]}") >"$OUT/journey-server.out" 2>>"$OUT/journey-server.log" &
    swift_pid=$!
    if wait_until "$swift_pid" "$OUT/journey-server.out" "http://127.0.0.1:$swift_port"; then return; fi
    wait "$swift_pid" 2>/dev/null || true
    swift_pid=""
    swift_port=$(free_port "${c_port:-}" "${swift_port:-}")
  done
  fail "training-server did not start (three tries)"
}
stop_server() {
  kill -TERM "$swift_pid"
  wait "$swift_pid" || fail "training-server did not stop cleanly"
  swift_pid=""
}
: >"$OUT/journey-server.log"
start_server

for try in 1 2 3; do
  c_port=$(free_port "${c_port:-}" "${swift_port:-}")
  (cd "$OUT" && exec ./hello "$c_port" "$hello_threads") >"$OUT/hello.log" 2>&1 &
  c_pid=$!
  if wait_until "$c_pid" "$OUT/hello.log" "listening on $c_port"; then break; fi
  c_pid=""
  [[ $try -lt 3 ]] || fail "the C hello world did not start (three tries)"
done

generator=("$OUT/journey" --port "$swift_port" --accounts "$passwords" --module "$MODULE_PATH" --quiz "$QUIZ_PATH"
  --gzip "$GZIP")

# value KEY FILE: the value of a `key value` line of the generator's output.
value() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$2"; }
# type_value TYPE FIELD FILE: a field of the generator's `type NAME field value ...` line.
type_value() { awk -v t="$1" -v f="$2" '$1 == "type" && $2 == t { for (i = 3; i < NF; i += 2) if ($i == f) print $(i + 1) }' "$3"; }
verdict() { if awk -v a="$1" -v b="$2" "BEGIN { exit !(a $3 b) }"; then echo met; else echo missed; fi; }

ticks_per_second=$(getconf CLK_TCK)
cpu_ticks() {
  local stat
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) }
  awk '{ print $12 + $13 }' <<<"$stat"
}

# --- journey -----------------------------------------------------------------------------------------------

say "journey: $LEARNERS learners for $DURATION s"
journey_out="$OUT/journey-generator.txt"
perf_pid=""
ready="$work_dir/journey-ready"
if [[ ${PERF:-0} == 1 ]]; then
  command -v perf >/dev/null || fail "PERF=1 needs perf (apt-get install -y linux-perf)"
  # Attached once the learners are signed in, so Argon2 stays out of the profile.
  (
    while [[ ! -e $ready ]]; do sleep 0.05; done
    exec perf record -g -o "$OUT/journey.perf.data" -p "$swift_pid" -- sleep "$DURATION"
  ) >"$OUT/journey-perf.log" 2>&1 &
  perf_pid=$!
fi
"${generator[@]}" --mode journey --learners "$LEARNERS" --duration "$DURATION" --server-pid "$swift_pid" \
  --ready-file "$ready" >"$journey_out" || {
  cat "$journey_out" >&2
  fail "the journey could not run (see above)"
}
if [[ -n $perf_pid ]]; then wait "$perf_pid" || say "note: perf failed, see $OUT/journey-perf.log"; fi
status_file="/proc/$swift_pid/status"
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "$status_file")
hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "$status_file")
pss_kb=$(awk '/^Pss:/ { print $2 }' "/proc/$swift_pid/smaps_rollup" 2>/dev/null || echo 0)
refused=$(value refused_starts "$journey_out")
if [[ $refused != 0 ]]; then
  cat "$journey_out" >&2
  fail "the server refused $refused quiz starts: raise the practice cap (PRACTICE_CAP_KEY, see run.sh) or check the quiz"
fi

# --- pages -------------------------------------------------------------------------------------------------

page_names=()
declare -A page_label page_url page_header page_rate page_cpu page_bytes
if ((pages)); then
  jar="$work_dir/cookies.txt"
  curl -s -c "$jar" -b "$jar" -o "$work_dir/login.html" "http://127.0.0.1:$swift_port/login"
  token=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' "$work_dir/login.html" | head -1)
  location=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' --data-urlencode "csrf_token=$token" \
    --data-urlencode "login=$pages_login" --data-urlencode "password=$pages_password" \
    "http://127.0.0.1:$swift_port/login")
  session=$(awk '$6 ~ /csa_session$/ { print $6 "=" $7 }' "$jar")
  [[ -n $session && $location == "http://127.0.0.1:$swift_port/" ]] || fail "the pages learner could not sign in"
  page_names=(c dashboard module course catalogue dashboard_gzip module_gzip course_gzip catalogue_gzip)
  page_label[c]='C hello world `GET /`'
  page_url[c]="http://127.0.0.1:$c_port/"
  for kind in "" _gzip; do
    page_label[dashboard$kind]='dashboard `/`'
    page_url[dashboard$kind]="http://127.0.0.1:$swift_port/"
    page_label[module$kind]="module page \`$MODULE_PATH\`"
    page_url[module$kind]="http://127.0.0.1:$swift_port$MODULE_PATH"
    page_label[course$kind]="course page \`/courses/$COURSE\`"
    page_url[course$kind]="http://127.0.0.1:$swift_port/courses/$COURSE"
    page_label[catalogue$kind]='catalogue `/courses`'
    page_url[catalogue$kind]="http://127.0.0.1:$swift_port/courses"
  done
  for name in "${page_names[@]}"; do
    headers=()
    [[ $name == c ]] || headers+=(-H "Cookie: $session")
    if [[ $name == *_gzip ]]; then
      headers+=(-H 'Accept-Encoding: gzip')
      page_label[$name]+=', gzip'
    fi
    result=$(curl -s -o "$work_dir/page.html" -w '%{http_code} %{size_download}' "${headers[@]}" "${page_url[$name]}")
    [[ ${result%% *} == 200 ]] || fail "${page_url[$name]} answered ${result%% *}"
    [[ $name == c || $name == *_gzip ]] || grep -q 'action="/logout"' "$work_dir/page.html" ||
      fail "${page_url[$name]} is not a signed-in page"
    page_bytes[$name]=${result##* }
    target_pid=$swift_pid
    [[ $name == c ]] && target_pid=$c_pid
    say "pages: ${page_url[$name]} ${name}"
    before=$(cpu_ticks "$target_pid")
    report=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$PAGE_DURATION" "${headers[@]}" "${page_url[$name]}")
    after=$(cpu_ticks "$target_pid")
    if grep -q 'Non-2xx or 3xx responses' <<<"$report"; then
      say "$report"
      fail "${page_url[$name]} answered with errors under load"
    fi
    page_rate[$name]=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$report")
    requests=$(awk '/ requests in / { print $1 }' <<<"$report")
    page_cpu[$name]=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" \
      'BEGIN { printf "%.0f", t / hz * 1e6 / n }')
  done
fi

# --- history -----------------------------------------------------------------------------------------------

history_at_zero="$OUT/journey-history-0.txt"
history_at_many="$OUT/journey-history-$HISTORY_ATTEMPTS.txt"
if ((history)); then
  say "history: $history_samples first attempts"
  "${generator[@]}" --mode history --skip-accounts "$history_skip" --learners "$history_samples" --repeat 1 \
    --server-pid "$swift_pid" >"$history_at_zero" || {
    cat "$history_at_zero" >&2
    fail "the history run's first attempts failed"
  }
  say "history: $history_login takes an attempt, which is copied to make $HISTORY_ATTEMPTS"
  "${generator[@]}" --mode build --skip-accounts "$history_learner_skip" --repeat 1 >"$OUT/journey-history-build.txt" || {
    cat "$OUT/journey-history-build.txt" >&2
    fail "the history learner's attempt failed"
  }
  stop_server
  python3 "$HERE/earlier_attempts.py" "$database" "$history_login" "$COURSE" "$QUIZ_ID" "$HISTORY_ATTEMPTS" >&2 ||
    fail "could not make the earlier attempts"
  start_server
  # The first attempts above were measured on a server the journey had warmed (statements prepared on every read
  # connection, page parts and compressors made on every thread); warm the restarted one the same way, so both
  # sides of the ratio are measured alike and only the history differs.
  warm_learners=$((LEARNERS < 32 ? LEARNERS : 32))
  say "history: $warm_learners learners warm the restarted server for 3 s"
  "${generator[@]}" --mode journey --learners "$warm_learners" --duration 3 >"$OUT/journey-history-warm.txt" || {
    cat "$OUT/journey-history-warm.txt" >&2
    fail "the warm-up journey after the restart failed"
  }
  say "history: $HISTORY_SAMPLES journeys with $HISTORY_ATTEMPTS earlier attempts"
  "${generator[@]}" --mode history --skip-accounts "$history_learner_skip" --learners 1 --repeat "$HISTORY_SAMPLES" \
    --server-pid "$swift_pid" >"$history_at_many" || {
    cat "$history_at_many" >&2
    fail "the history run's journeys after $HISTORY_ATTEMPTS attempts failed"
  }
fi

# --- report ------------------------------------------------------------------------------------------------

if [[ -n ${TRAINING_SERVER:-} ]]; then
  build="training-server binary $server_bin"
else
  build="commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown), release build"
  if [[ -n $(git -C "$ROOT" status --porcelain -- Sources Package.swift 2>/dev/null) ]]; then
    build+=" (with uncommitted changes in Sources)"
  fi
fi

cpu_per_attempt=$(value server_cpu_ms_per_attempt "$journey_out")
worst_p99=$(value worst_p99_ms "$journey_out")
errors=$(value errors "$journey_out")
rss_mb=$(awk -v k="$rss_kb" 'BEGIN { printf "%.0f", k / 1024 }')
kinds=(dashboard module start_page start answer_page save summary submit result)
{
  echo "### Learner journey: $LEARNERS learners, $DURATION s"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $build; $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)),"
  echo "shared by the server, the load generator and wrk (and whatever else runs on the machine). Server: thread pool"
  echo "${THREADS:-${default_threads:-16} (its default)}, \`--per-ip-limit 0\`, LOG_LEVEL=$LOG_LEVEL; the learners' browsers $( ((GZIP)) && echo "accept gzip" || echo "do not ask for gzip");"
  echo "quiz \`$QUIZ\`, module \`$MODULE\`; $cap_note. $accounts accounts created by \`import-staff --initial-passwords\` in $import_seconds s;"
  echo "$LEARNERS learners signed in in $(value login_seconds "$journey_out") s before the timed phase."
  echo
  echo "| Figure | Result | Target |"
  echo "|---|---:|---|"
  echo "| attempts completed | $(value attempts "$journey_out") in $(value seconds "$journey_out") s: $(value attempts_per_second "$journey_out") attempts/s ($(value requests_per_second "$journey_out") requests/s) | – |"
  echo "| server CPU per attempt (9 requests) | $cpu_per_attempt ms ($(value attempts_per_cpu_second "$journey_out") attempts per CPU-second; server busy $(awk -v s="$(value server_cpu_share "$journey_out")" 'BEGIN { printf "%.2f", s }') cores) | ≤ 1.5 ms: $(verdict "$cpu_per_attempt" 1.5 '<=') |"
  echo "| worst p99 of a request type | $worst_p99 ms | ≤ 50 ms: $(verdict "$worst_p99" 50 '<=') |"
  echo "| errors (non-2xx/3xx, unexpected pages, lost connections) | $errors | none: $(verdict "$errors" 0 '==') |"
  echo "| server memory at the end | VmRSS $rss_mb MB, VmHWM $(awk -v k="$hwm_kb" 'BEGIN { printf "%.0f", k / 1024 }') MB, PSS $(awk -v k="$pss_kb" 'BEGIN { printf "%.0f", k / 1024 }') MB | RSS ≤ 100 MB: $(verdict "$rss_mb" 100 '<=') |"
  echo "| load generator's own CPU | $(value generator_cpu_seconds "$journey_out") s ($(awk -v s="$(value generator_cpu_share "$journey_out")" 'BEGIN { printf "%.2f", s }') cores) | – |"
  echo
  echo "| Request | Requests | Errors | p50 ms | p95 ms | p99 ms | max ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for kind in "${kinds[@]}"; do
    echo "| $kind | $(type_value "$kind" requests "$journey_out") | $(type_value "$kind" errors "$journey_out") | $(type_value "$kind" p50_ms "$journey_out") | $(type_value "$kind" p95_ms "$journey_out") | $(type_value "$kind" p99_ms "$journey_out") | $(type_value "$kind" max_ms "$journey_out") |"
  done
  first_error=$(value first_error "$journey_out")
  if [[ -n $first_error ]]; then
    echo
    echo "First error: $first_error"
  fi
  if ((pages)); then
    echo
    echo "Signed-in pages, wrk -t$WRK_THREADS -c$CONNECTIONS -d$PAGE_DURATION with a session cookie, one run each, after the journey:"
    echo
    echo "| Target | Bytes sent | req/s | Share of C | Server CPU per request | Target |"
    echo "|---|---:|---:|---:|---:|---|"
    for name in "${page_names[@]}"; do
      share=$(awk -v a="${page_rate[$name]}" -v b="${page_rate[c]}" 'BEGIN { printf "%.1f", 100 * a / b }')
      goal="–"
      [[ $name == c ]] || goal="≥ 25 %: $(verdict "$share" 25 '>=')"
      echo "| ${page_label[$name]} | ${page_bytes[$name]} | $(awk -v r="${page_rate[$name]}" 'BEGIN { printf "%.0f", r }') | $share % | ${page_cpu[$name]} µs | $goal |"
    done
  fi
  if ((history)); then
    echo
    echo "History: median server CPU (its process CPU clock) and latency per request, one request at a time;"
    echo "at 0: $history_samples learners' first attempts; at $HISTORY_ATTEMPTS: $HISTORY_SAMPLES journeys of one learner with $HISTORY_ATTEMPTS earlier closed attempts."
    echo
    echo "| Request | CPU at 0 | CPU at $HISTORY_ATTEMPTS | Ratio | Latency at 0 | Latency at $HISTORY_ATTEMPTS | Target |"
    echo "|---|---:|---:|---:|---:|---:|---|"
    for kind in dashboard progress start_page start result; do
      zero=$(type_value "$kind" cpu_us_median "$history_at_zero")
      many=$(type_value "$kind" cpu_us_median "$history_at_many")
      ratio=$(awk -v a="$many" -v b="$zero" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
      echo "| $kind | $zero µs | $many µs | ${ratio}× | $(type_value "$kind" latency_ms_median "$history_at_zero") ms | $(type_value "$kind" latency_ms_median "$history_at_many") ms | ≤ 1.2×: $(verdict "$ratio" 1.2 '<=') |"
    done
  fi
} | tee "$OUT/journey-results.md"

if [[ $errors != 0 ]]; then fail "the journey had $errors errors (first: $(value first_error "$journey_out"))"; fi
