#!/usr/bin/env bash
# Course media: training-server against nginx (Debian's, `sendfile on`) serving the same 50 MB video.
#
#   Benchmarks/media/run.sh          (from any directory)
#
# Makes a real MP4 (H.264/AAC by ffmpeg, a noisy test pattern at a bitrate that makes it MEDIA_MB), puts it in the
# media/ folder of a copy of one shipped course, starts a release training-server on that catalogue with a signed-in
# learner, and nginx with a configuration of its own on another free port serving the same file. Then wrk with
# CONNECTIONS connections asks each for random RANGE_BYTES-long ranges for DURATION seconds (ranges.lua; training-server
# gets the session cookie). Before measuring, both answers are checked byte-exactly against the file with curl.
# Reports throughput (MB/s), requests/s and server CPU per GB sent (utime+stime from /proc: training-server's process,
# nginx's master and workers; and the user-space share of it), latency, and the ratio training-server/nginx. Prints a Markdown table and writes it to
# Benchmarks/out/media-results.md.
#
# Settings (environment):
#   DURATION=15  CONNECTIONS=200  WRK_THREADS=2  RANGE_BYTES=1048576  REPS=1   wrk load per measurement
#   MEDIA_MB=50                                   size of the video made with ffmpeg
#   THREADS=16                                    training-server's thread pool
#   NGINX_WORKERS=auto                            nginx's worker_processes
#   TRAINING_SERVER=path                          use this binary instead of building one (release)
#   SWIFT_BUILD_JOBS=n                            passed to `swift build -j`
set -euo pipefail

DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-200}
WRK_THREADS=${WRK_THREADS:-2}
RANGE_BYTES=${RANGE_BYTES:-1048576}
REPS=${REPS:-1}
MEDIA_MB=${MEDIA_MB:-50}
THREADS=${THREADS:-16}
NGINX_WORKERS=${NGINX_WORKERS:-auto}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
OUT="$ROOT/Benchmarks/out"
mkdir -p "$OUT"

say() { printf '%s\n' "$*" >&2; }
fail() { say "error: $*"; exit 1; }

swift_pid=""
nginx_pid=""
work_dir=""
stop_servers() {
  for pid in $swift_pid $nginx_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $swift_pid $nginx_pid; do wait "$pid" 2>/dev/null || true; done
  if [[ -n $work_dir ]]; then rm -rf "$work_dir"; fi
}
trap stop_servers EXIT

# --- tools -------------------------------------------------------------------------------------------------

install() {
  say "installing $*"
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y "$@" >&2; else sudo apt-get install -y "$@" >&2; fi
}
command -v curl >/dev/null || install curl
command -v wrk >/dev/null || install wrk
command -v ffmpeg >/dev/null || install ffmpeg
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || install nginx
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

find_training_server


# wait_for_port PID PORT LOG: the server is up once something listens on PORT.
wait_for_port() {
  for _ in $(seq 300); do
    kill -0 "$1" 2>/dev/null || { cat "$3" >&2; fail "server exited during start-up"; }
    if ! port_is_free "$2"; then return; fi
    sleep 0.1
  done
  cat "$3" >&2
  fail "nothing listens on port $2 after 30 s"
}

# --- the video and the catalogue ---------------------------------------------------------------------------

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/media-bench.XXXXXX")
chmod 755 "$work_dir"   # nginx's workers run as another user and must reach the file
course=service-ethics
[[ -d $ROOT/Courses/$course ]] || fail "no $ROOT/Courses/$course"
mkdir -p "$work_dir/Courses"
cp -r "$ROOT/Courses/$course" "$work_dir/Courses/"
media_dir="$work_dir/Courses/$course/media"
mkdir -p "$media_dir"
video="$media_dir/lecture.mp4"
say "making a ${MEDIA_MB} MB MP4 with ffmpeg"
# Ten seconds of a noisy 720p test pattern at the bitrate that makes the size (x264 overshoots by about 8 %, hence 0.92).
bitrate=$((MEDIA_MB * 1048576 * 8 / 10 * 92 / 100))
ffmpeg -nostdin -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=1280x720:rate=25,noise=alls=60:allf=t+u" -f lavfi -i "sine=frequency=440" -t 10 \
  -c:v libx264 -preset ultrafast -b:v "$bitrate" -maxrate "$bitrate" -bufsize "$((bitrate * 2))" -pix_fmt yuv420p \
  -c:a aac -b:a 128k -movflags +faststart "$video"
size=$(stat -c %s "$video")
((size > RANGE_BYTES)) || fail "the video has only $size bytes"
codecs=$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$video" | tr '\n' ' ')
say "video: $size bytes, streams: $codecs"
mkdir -p "$work_dir/www"
ln "$video" "$work_dir/www/lecture.mp4" 2>/dev/null || cp "$video" "$work_dir/www/lecture.mp4"
chmod 755 "$work_dir/www" "$work_dir/Courses" "$work_dir/Courses/$course" "$media_dir"
chmod 644 "$video" "$work_dir/www/lecture.mp4"

# --- training-server with a signed-in learner --------------------------------------------------------------

swift_port=$(free_port "${swift_port:-}")
database="$work_dir/training.sqlite"
say "starting training-server on port $swift_port"
(cd "$work_dir" && LOG_LEVEL=warning exec "$server_bin" serve --host 127.0.0.1 --port "$swift_port" --db "$database" \
  --courses "$work_dir/Courses" --threads "$THREADS" --per-ip-limit 0) >"$work_dir/server.log" 2>&1 &
swift_pid=$!
wait_for_port "$swift_pid" "$swift_port" "$work_dir/server.log"
password="media-bench-$RANDOM-Passphrase"
"$server_bin" departments add "测试处" --db "$database" >/dev/null 2>&1 || true
printf '%s\n' "$password" | "$server_bin" users add --login media-bench --name "媒体测试" --department "测试处" \
  --role learner --password-stdin --db "$database" >/dev/null || fail "cannot create the learner"
jar="$work_dir/cookies.txt"
curl -s -c "$jar" -b "$jar" -o "$work_dir/login.html" "http://127.0.0.1:$swift_port/login"
token=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' "$work_dir/login.html" | head -1)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$token" --data-urlencode "login=media-bench" \
  --data-urlencode "password=$password" "http://127.0.0.1:$swift_port/login"
session=$(awk '$6 ~ /csa_session$/ { print $6 "=" $7 }' "$jar")
[[ -n $session ]] || fail "the learner could not sign in"

# --- nginx -------------------------------------------------------------------------------------------------

nginx_port=$(free_port "${swift_port:-}")
mkdir -p "$work_dir/nginx/logs"
cat >"$work_dir/nginx/nginx.conf" <<CONF
worker_processes $NGINX_WORKERS;
pid $work_dir/nginx/nginx.pid;
error_log $work_dir/nginx/logs/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    types { video/mp4 mp4; }
    server {
        listen 127.0.0.1:$nginx_port;
        root $work_dir/www;
        location / { }
    }
}
CONF
say "starting nginx on port $nginx_port"
"$nginx_bin" -p "$work_dir/nginx" -c "$work_dir/nginx/nginx.conf" >"$work_dir/nginx/out.log" 2>&1 &
nginx_pid=$!
wait_for_port "$nginx_pid" "$nginx_port" "$work_dir/nginx/out.log"

# --- both answer the same bytes ----------------------------------------------------------------------------

swift_url="http://127.0.0.1:$swift_port/media/$course/lecture.mp4"
nginx_url="http://127.0.0.1:$nginx_port/lecture.mp4"
first=$((size / 3))
last=$((first + RANGE_BYTES - 1))
dd if="$video" of="$work_dir/expected.bin" iflag=skip_bytes,count_bytes skip="$first" count="$RANGE_BYTES" status=none
for target in "$swift_url" "$nginx_url"; do
  status=$(curl -s -o "$work_dir/got.bin" -w '%{http_code}' -H "Cookie: $session" -H "Range: bytes=$first-$last" "$target")
  [[ $status == 206 ]] || fail "$target answered $status to a range"
  cmp -s "$work_dir/got.bin" "$work_dir/expected.bin" || fail "$target sent other bytes than the file's"
done
signed_out=$(curl -s -o /dev/null -w '%{http_code}' -H "Range: bytes=0-99" "$swift_url")
[[ $signed_out == 303 ]] || fail "training-server answered $signed_out to a signed-out request, expected 303"

# --- measure -----------------------------------------------------------------------------------------------

ticks_per_second=$(getconf CLK_TCK)
# cpu_ticks PID...: user and system CPU time the processes have used so far, in clock ticks ("USER SYSTEM").
cpu_ticks() {
  local user=0 system=0 stat
  for pid in "$@"; do
    stat=$(<"/proc/$pid/stat")
    stat=${stat##*) }
    read -r u s < <(awk '{ print $12, $13 }' <<<"$stat")
    user=$((user + u))
    system=$((system + s))
  done
  echo "$user $system"
}
nginx_pids() { echo "$nginx_pid" $(pgrep -P "$nginx_pid" || true); }

declare -A rate mbps cpu_gb user_share p50 p99
for rep in $(seq "$REPS"); do
  for name in ours nginx; do
    if [[ $name == ours ]]; then url=$swift_url; cookie=$session; pids=$swift_pid; else url=$nginx_url; cookie=""; pids=$(nginx_pids); fi
    path="/${url#http://*/}"
    say "run $rep/$REPS: $name, wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s, random ${RANGE_BYTES}-byte ranges"
    before=$(cpu_ticks $pids)
    report=$(MEDIA_PATH=$path MEDIA_SIZE=$size RANGE_BYTES=$RANGE_BYTES MEDIA_COOKIE=$cookie \
      wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s -s "$HERE/ranges.lua" "$url")
    after=$(cpu_ticks $pids)
    line=$(grep '^media requests' <<<"$report") || fail "cannot read the wrk report: $report"
    read -r _ _ requests _ bytes _ seconds _ errors _ lat50 _ lat99 <<<"$line"
    ((errors == 0)) || { say "$report"; fail "$name answered with $errors errors under load"; }
    # Every answer must be a full range (a sign-in redirect would be tiny).
    per_request=$((bytes / requests))
    ((per_request >= RANGE_BYTES)) || fail "$name sent $per_request bytes per request, expected at least $RANGE_BYTES"
    rate[$name]+=$(awk -v n="$requests" -v s="$seconds" 'BEGIN { printf "%.1f ", n / s }')
    mbps[$name]+=$(awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "%.1f ", b / s / 1048576 }')
    read -r user_before system_before <<<"$before"
    read -r user_after system_after <<<"$after"
    user_ticks=$((user_after - user_before))
    ticks=$((user_ticks + system_after - system_before))
    cpu_gb[$name]+=$(awk -v t="$ticks" -v hz="$ticks_per_second" -v b="$bytes" 'BEGIN { printf "%.3f ", t / hz / (b / 1e9) }')
    user_share[$name]+=$(awk -v u="$user_ticks" -v t="$ticks" 'BEGIN { printf "%.0f ", t ? 100 * u / t : 0 }')
    p50[$name]+="$lat50 "
    p99[$name]+="$lat99 "
  done
done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

{
  echo "Binary: $server_bin"
  echo
  echo "Course media: random $((RANGE_BYTES / 1024)) KiB ranges of a $((size / 1048576)) MB MP4 ($codecs), wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s, median of $REPS run(s):"
  echo
  echo "| Server | MB/s | requests/s | server CPU s per GB | of which user space | p50 ms | p99 ms |"
  echo "|---|---|---|---|---|---|---|"
  echo "| training-server ($THREADS threads, signed-in cookie) | $(median "${mbps[ours]}") | $(median "${rate[ours]}") | $(median "${cpu_gb[ours]}") | $(median "${user_share[ours]}") % | $(median "${p50[ours]}") | $(median "${p99[ours]}") |"
  echo "| nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///') (sendfile on, worker_processes $NGINX_WORKERS) | $(median "${mbps[nginx]}") | $(median "${rate[nginx]}") | $(median "${cpu_gb[nginx]}") | $(median "${user_share[nginx]}") % | $(median "${p50[nginx]}") | $(median "${p99[nginx]}") |"
  echo "| ratio training-server / nginx | $(ratio "$(median "${mbps[ours]}")" "$(median "${mbps[nginx]}")") | $(ratio "$(median "${rate[ours]}")" "$(median "${rate[nginx]}")") | $(ratio "$(median "${cpu_gb[ours]}")" "$(median "${cpu_gb[nginx]}")") | | | |"
} | tee "$OUT/media-results.md"
