# Shared by the benchmark scripts, sourced after they define ROOT, say and fail.

# find_training_server: sets server_bin to $TRAINING_SERVER (made absolute), or builds a release binary now
# (SWIFT_BUILD_JOBS limits the build's jobs).
find_training_server() {
  if [[ -n ${TRAINING_SERVER:-} ]]; then
    server_bin=$(cd "$(dirname "$TRAINING_SERVER")" && pwd)/$(basename "$TRAINING_SERVER")
  else
    say "building training-server (release)"
    local build_jobs=()
    if [[ -n ${SWIFT_BUILD_JOBS:-} ]]; then build_jobs=(-j "$SWIFT_BUILD_JOBS"); fi
    (cd "$ROOT" && swift build -c release --product training-server "${build_jobs[@]}" >&2)
    server_bin="$(cd "$ROOT" && swift build -c release --show-bin-path)/training-server"
  fi
  [[ -x $server_bin ]] || fail "no training-server binary at $server_bin"
}

port_is_free() { [[ -z $(ss -Hltn "sport = :$1") ]]; }

# free_port [TAKEN...]: a port nothing listens on, other than the TAKEN ones (chosen but not yet listening).
free_port() {
  local port taken
  for _ in $(seq 100); do
    port=$((40000 + RANDOM % 20000))
    port_is_free "$port" || continue
    for taken in "$@"; do [[ $port == "$taken" ]] && continue 2; done
    echo "$port"
    return
  done
  fail "no free port found"
}
