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

# scale_database_settings: what both scale scripts name the same way: OUT (Benchmarks/out, made), DB (SCALE_DB, or
# a file in OUT named by PEOPLE, DEPARTMENTS and ATTEMPTS), HR_LOGIN, and SCALE_HR_PASSWORD exported (the generated HR
# account's password; the database is a local benchmark fixture served on loopback only).
scale_database_settings() {
  OUT="$ROOT/Benchmarks/out"
  mkdir -p "$OUT"
  DB=${SCALE_DB:-"$OUT/scale-$PEOPLE-$DEPARTMENTS-$ATTEMPTS.sqlite"}
  HR_LOGIN=hr.bench
  export SCALE_HR_PASSWORD=${SCALE_HR_PASSWORD:-scale-benchmark-hr-2026}
}

# generate_scale_database: unless $DB exists, makes it with Benchmarks/scale/generate.py and $server_bin (PEOPLE,
# DEPARTMENTS, ATTEMPTS people and rows, HR_LOGIN with SCALE_HR_PASSWORD), keeping what it printed in $DB.generated.txt.
generate_scale_database() {
  [[ -f $DB ]] && return
  say "generating $DB"
  local started
  started=$(date +%s)
  python3 "$ROOT/Benchmarks/scale/generate.py" --server "$server_bin" --db "$DB" --courses "$ROOT/Courses" \
    --people "$PEOPLE" --departments "$DEPARTMENTS" --attempts "$ATTEMPTS" \
    --hr-login "$HR_LOGIN" --hr-password "$SCALE_HR_PASSWORD" | tee "$DB.generated.txt" >&2
  say "generated in $(($(date +%s) - started)) s"
}

# raise_practice_cap QUIZ_FILE: the simulated learners take far more practice attempts a day than people do, so the
# quiz's attempts-per-day cap is raised to PRACTICE_CAP (default 1,000,000) in the benchmark's own copy. The key is
# PRACTICE_CAP_KEY, or else the first `..._per_day` key Courses/README.md documents; sets cap_key (empty: no cap).
raise_practice_cap() {
  local quiz_file=$1
  PRACTICE_CAP=${PRACTICE_CAP:-1000000}
  cap_key=${PRACTICE_CAP_KEY:-$(grep -o '`[a-z_]*per_day[a-z_]*`' "$ROOT/Courses/README.md" | head -1 | tr -d '`' || true)}
  [[ -n $cap_key ]] || return 0
  if grep -q "^$cap_key:" "$quiz_file"; then
    sed -i "s/^$cap_key:.*/$cap_key: $PRACTICE_CAP/" "$quiz_file"
  else
    printf '%s: %s\n' "$cap_key" "$PRACTICE_CAP" >>"$quiz_file"
  fi
}

# journey_staff FILE COUNT: a staff CSV of COUNT learners journey-000001... in 省政府/基准测试局, for import-staff.
journey_staff() {
  {
    echo "employee_number,login,name,department"
    for i in $(seq "$2"); do printf 'J%06d,journey-%06d,学员%06d,省政府/基准测试局\n' "$i" "$i" "$i"; done
  } >"$1"
}
