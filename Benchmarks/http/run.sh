#!/usr/bin/env bash
# HTTP throughput: training-server against a C libmicrohttpd hello world with the same daemon settings.
#
#   Benchmarks/http/run.sh          (from any directory)
#
# Builds both servers, starts them on free loopback ports, and runs wrk against them, interleaved:
# the C hello world `GET /`, its `GET /asset` (the bytes of training-server's style.css, so a body of the
# same size) and its `GET /same` (training-server's gzip answer to a browser, headers and bytes, sent by C), and
# training-server's `GET /healthz`, `GET /assets/style.css` (asked for as wrk asks, without
# Accept-Encoding, and as browsers ask, with `Accept-Encoding: gzip, deflate, br`) and `GET /login`.
# Prints a Markdown table and writes it to Benchmarks/out/http-results.md.
#
# Settings (environment):
#   DURATION=10s  REPS=3  CONNECTIONS=32  WRK_THREADS=1   wrk load per measurement
#   THREADS=16                                             thread pool size of both servers
#   TRAINING_SERVER=path                                   use this binary instead of building one
#   SWIFT_BUILD_JOBS=n                                     passed to `swift build -j`
#   LOG_LEVEL=warning                                      read by training-server (default info: a line per request)
set -euo pipefail

DURATION=${DURATION:-10s}
REPS=${REPS:-3}
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-1}
THREADS=${THREADS:-16}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
OUT="$ROOT/Benchmarks/out"
mkdir -p "$OUT"

say() { printf '%s\n' "$*" >&2; }
fail() { say "error: $*"; exit 1; }

c_pid=""
swift_pid=""
work_dir=""
stop_servers() {
  for pid in $c_pid $swift_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $c_pid $swift_pid; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n $work_dir ]]; then rm -rf "$work_dir"; fi
}
trap stop_servers EXIT

# --- tools -------------------------------------------------------------------------------------------------

command -v curl >/dev/null || fail "curl is required"
if ! command -v wrk >/dev/null; then
  say "installing wrk"
  if [[ $(id -u) -eq 0 ]]; then
    apt-get install -y wrk >&2
  else
    sudo apt-get install -y wrk >&2
  fi
fi

# --- build -------------------------------------------------------------------------------------------------

say "building the C hello world"
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -O2 -Wall -Wextra -o "$OUT/hello" "$HERE/hello.c" $(pkg-config --cflags --libs libmicrohttpd)

find_training_server

# --- servers -----------------------------------------------------------------------------------------------


# wait_until PID LOGFILE TEXT: the server is up once TEXT appears in its output.
wait_until() {
  local pid=$1 log=$2 text=$3
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "server exited during start-up"; }
    if grep -qF "$text" "$log"; then return; fi
    sleep 0.1
  done
  fail "server did not print '$text' within 30 s"
}

# expect_ok URL [HEADER]: the URL answers 200; prints the body size in bytes (as sent, before any decoding).
expect_ok() {
  local result
  result=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' ${2:+-H "$2"} "$1") || fail "$1 does not answer"
  [[ ${result%% *} == 200 ]] || fail "$1 answered ${result%% *}, expected 200"
  echo "${result##* }"
}

asset_file="$ROOT/Sources/TrainingServer/Resources/Public/style.css"
[[ -f $asset_file ]] || fail "no $asset_file"

browser_encoding='Accept-Encoding: gzip, deflate, br'

swift_port=$(free_port "${c_port:-}" "${swift_port:-}")
work_dir=$(mktemp -d "${TMPDIR:-/tmp}/http-bench.XXXXXX")
server_help=$("$server_bin" serve --help 2>&1 || true)
server_args=(serve --host 127.0.0.1 --port "$swift_port" --db "$work_dir/training.sqlite" --courses "$ROOT/Courses")
if grep -q -- '--threads' <<<"$server_help"; then server_args+=(--threads "$THREADS"); fi
(cd "$work_dir" && exec "$server_bin" "${server_args[@]}") >"$OUT/server.out" 2>"$OUT/server.log" &
swift_pid=$!
wait_until "$swift_pid" "$OUT/server.out" "http://127.0.0.1:$swift_port"

# training-server's answer to a browser asking for the stylesheet, headers and bytes, for the C server to send as is.
curl -s -D "$work_dir/same.head" -o "$work_dir/same.body" -H "$browser_encoding" \
  "http://127.0.0.1:$swift_port/assets/style.css" || fail "cannot fetch the stylesheet from training-server"

c_port=$(free_port "${c_port:-}" "${swift_port:-}")
(cd "$OUT" && exec ./hello "$c_port" "$THREADS" "$asset_file" "$work_dir/same.head" "$work_dir/same.body") \
  >"$OUT/hello.log" 2>&1 &
c_pid=$!
wait_until "$c_pid" "$OUT/hello.log" "listening on $c_port"

names=(c c_asset c_same healthz static static_gzip login)
declare -A label url pid bytes header
label[c]='C hello world `GET /`'
label[c_asset]='C same-size answer `GET /asset`'
label[c_same]='C sending training-server'"'"'s gzip answer `GET /same`'
label[healthz]='training-server `GET /healthz`'
label[static]='training-server `GET /assets/style.css`'
label[static_gzip]='training-server `GET /assets/style.css`, `'"$browser_encoding"'`'
label[login]='training-server `GET /login`'
url[c]="http://127.0.0.1:$c_port/"
url[c_asset]="http://127.0.0.1:$c_port/asset"
url[c_same]="http://127.0.0.1:$c_port/same"
url[healthz]="http://127.0.0.1:$swift_port/healthz"
url[static]="http://127.0.0.1:$swift_port/assets/style.css"
url[static_gzip]="http://127.0.0.1:$swift_port/assets/style.css"
header[static_gzip]=$browser_encoding
url[login]="http://127.0.0.1:$swift_port/login"
pid[c]=$c_pid
pid[c_asset]=$c_pid
pid[c_same]=$c_pid
for name in healthz static static_gzip login; do pid[$name]=$swift_pid; done
for name in "${names[@]}"; do bytes[$name]=$(expect_ok "${url[$name]}" "${header[$name]:-}"); done
[[ ${bytes[c_asset]} == "${bytes[static]}" ]] || fail "the C asset has ${bytes[c_asset]} bytes, the static file ${bytes[static]}"
[[ ${bytes[c_same]} == "${bytes[static_gzip]}" ]] ||
  fail "the C copy of the gzip answer has ${bytes[c_same]} bytes, the original ${bytes[static_gzip]}"
curl -s -D - -o /dev/null "${url[static]}" | grep -qi '^etag:' || say "note: ${url[static]} has no ETag header"
curl -s -D - -o /dev/null -H "$browser_encoding" "${url[static_gzip]}" | grep -qi '^content-encoding: gzip' ||
  say "note: ${url[static_gzip]} is not sent compressed to a client that accepts gzip"

# --- measure -----------------------------------------------------------------------------------------------

ticks_per_second=$(getconf CLK_TCK)
# cpu_ticks PID: user + system CPU time the process has used so far, in clock ticks.
cpu_ticks() {
  local stat
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) }
  awk '{ print $12 + $13 }' <<<"$stat"
}

declare -A rates cpu
for rep in $(seq "$REPS"); do
  for name in "${names[@]}"; do
    say "run $rep/$REPS: ${url[$name]} ${header[$name]:-}"
    before=$(cpu_ticks "${pid[$name]}")
    report=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" ${header[$name]:+-H "${header[$name]}"} "${url[$name]}")
    after=$(cpu_ticks "${pid[$name]}")
    if grep -q 'Non-2xx or 3xx responses' <<<"$report"; then
      say "$report"
      fail "${url[$name]} answered with errors under load"
    fi
    if grep -q 'Socket errors' <<<"$report"; then say "note: $(grep 'Socket errors' <<<"$report")"; fi
    rate=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$report")
    requests=$(awk '/ requests in / { print $1 }' <<<"$report")
    [[ -n $rate && -n $requests ]] || fail "cannot read the wrk report: $report"
    rates[$name]+="$rate "
    cpu[$name]+=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" \
      'BEGIN { printf "%.3f ", t / hz * 1e6 / n }')
  done
done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
lowest() { tr ' ' '\n' <<<"$1" | grep . | sort -g | head -1; }
highest() { tr ' ' '\n' <<<"$1" | grep . | sort -g | tail -1; }
thousands() { awk -v r="$1" 'BEGIN { printf "%.1fk", r / 1000 }'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", 100 * a / b }'; }

c_median=$(median "${rates[c]}")
c_cpu_median=$(median "${cpu[c]}")
c_asset_median=$(median "${rates[c_asset]}")
c_asset_cpu_median=$(median "${cpu[c_asset]}")
c_same_median=$(median "${rates[c_same]}")
c_same_cpu_median=$(median "${cpu[c_same]}")
declare -A target
target[healthz]=60
target[static]=85
target[static_gzip]=85

if [[ -n ${TRAINING_SERVER:-} ]]; then
  build="training-server binary $server_bin"
else
  build="commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n $(git -C "$ROOT" status --porcelain -- Sources Package.swift 2>/dev/null) ]]; then
    build+=" (with uncommitted changes in Sources)"
  fi
fi

{
  echo "wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION on loopback, keep-alive, $REPS interleaved runs per target;"
  echo "both servers: epoll, thread pool $THREADS; training-server logs at ${LOG_LEVEL:-info} to Benchmarks/out/server.log."
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $build,"
  echo "$(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), wrk and the servers share them."
  echo
  echo "| Target | Body bytes | req/s (median) | Range | Share of C | Server CPU per request | C's CPU ÷ this | Share of the same answer from C | Its CPU ÷ this |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for name in "${names[@]}"; do
    m=$(median "${rates[$name]}")
    share="$(percent "$m" "$c_median") %"
    if [[ -n ${target[$name]:-} ]]; then
      if (($(percent "$m" "$c_median") >= target[$name])); then verdict=met; else verdict=missed; fi
      share+=" (target ≥ ${target[$name]} %: $verdict)"
    fi
    cpu_median=$(median "${cpu[$name]}")
    cpu_us=$(awk -v v="$cpu_median" 'BEGIN { printf "%.1f µs", v }')
    same_size="–"
    same_size_cpu="–"
    if [[ $name == static || $name == c_asset ]]; then
      same_size="$(percent "$m" "$c_asset_median") %"
      same_size_cpu="$(percent "$c_asset_cpu_median" "$cpu_median") %"
    elif [[ $name == static_gzip || $name == c_same ]]; then
      same_size="$(percent "$m" "$c_same_median") %"
      same_size_cpu="$(percent "$c_same_cpu_median" "$cpu_median") %"
    fi
    echo "| ${label[$name]} | ${bytes[$name]} | $(thousands "$m") | $(thousands "$(lowest "${rates[$name]}")")–$(thousands "$(highest "${rates[$name]}")") | $share | $cpu_us | $(percent "$c_cpu_median" "$cpu_median") % | $same_size | $same_size_cpu |"
  done
  echo
  echo "Share of C compares throughput with the C hello world (the targets are set against it); C's CPU ÷ this"
  echo "compares server CPU time per request, which depends less on what else the machine runs. The last two"
  echo "columns compare the plain static file with the C server answering a body of the same bytes, and the gzip"
  echo "form with the C server sending training-server's own answer (the same headers and bytes)."
  echo
  echo "Raw req/s per run:"
  echo
  for name in "${names[@]}"; do echo "- ${label[$name]}: ${rates[$name]% }"; done
} | tee "$OUT/http-results.md"
