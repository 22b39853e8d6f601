# Shared by the scenario scripts of scripts/bench/ (sourced, not run).
# Each scenario measures onestop and a bare baseline built from the same
# crates in the same run, alternating, and prints both and their ratio:
# on a shared, noisy machine only the ratio means something.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

TARGET=${CARGO_TARGET_DIR:-$PWD/target}
# ONESTOP_BIN: another build to measure (an earlier commit, say).
BIN=${ONESTOP_BIN:-$TARGET/release/onestop}
EX=$TARGET/release/examples
# SMOKE=1: a few seconds a measurement, one round (checks the scripts run).
if [ "${SMOKE:-0}" = 1 ]; then SECS=${SECS:-1}; ROUNDS=${ROUNDS:-1}; else SECS=${SECS:-5}; ROUNDS=${ROUNDS:-3}; fi
WORK=$(mktemp -d)
PIDS=()
PG_DBS=()

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for db in "${PG_DBS[@]}"; do
        psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" postgres >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "$1 is needed: apt-get install $2" >&2; exit 1; }; }

build() {
    need wrk wrk
    echo "== building (release): onestop and the baselines" >&2
    cargo build --release --quiet --bin onestop \
        --example bare_page --example bare_booking --example argon2_rate --example loadgen
}

machine() {
    printf '# %s · %s cores · %s · load average %s\n' "$(date -u +%FT%TZ)" "$(nproc)" \
        "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# A new PostgreSQL database; prints its URL.
new_pg_db() {
    local db="onestop_bench_$1_$$"
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" -c "CREATE DATABASE \"$db\"" postgres >/dev/null
    PG_DBS+=("$db")
    echo "postgres://postgres@127.0.0.1:5432/$db"
}

wait_http() {
    for _ in $(seq 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done
    echo "nothing answers at $1" >&2; return 1
}

# start_onestop <database-url> <port> [VAR=value ...]: serves in the
# background; sets ONESTOP_PID. PIN=<cpu list> runs it on those cores.
start_onestop() {
    local url=$1 port=$2 pin=(); shift 2
    [ -n "${PIN:-}" ] && pin=(taskset -c "$PIN")
    "${pin[@]}" env DATABASE_URL="$url" ONESTOP_BIND="127.0.0.1:$port" RUST_LOG=warn "$@" \
        "$BIN" serve >>"$WORK/onestop-$port.log" 2>&1 &
    ONESTOP_PID=$!
    PIDS+=("$ONESTOP_PID")
    wait_http "http://127.0.0.1:$port/healthz"
}

start_bare() {
    "$EX/bare_page" "$1" "$2" >>"$WORK/bare-$2.log" 2>&1 &
    BARE_PID=$!
    PIDS+=("$BARE_PID")
    wait_http "http://127.0.0.1:$2/services"
}

# CPU seconds a process has used (user + system).
cpu_of() { awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15) / t}' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
peak_mb() { awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# wrk_run <pid> <url> <conns> [gzip] [lua]: "<req/s> <p99 ms> <cpu ms per request>".
wrk_run() {
    local pid=$1 url=$2 conns=$3 gzip=${4:-} lua=${5:-} args=() before after out
    [ "$gzip" = gzip ] && args+=(-H "Accept-Encoding: gzip")
    [ -n "$lua" ] && args+=(-s "$lua")
    before=$(cpu_of "$pid")
    out=$(wrk -t1 -c"$conns" -d"${SECS}s" --latency "${args[@]}" "$url")
    after=$(cpu_of "$pid")
    if grep -q "Non-2xx" <<<"$out"; then echo "wrk: non-2xx answers from $url" >&2; grep Non-2xx <<<"$out" >&2; fi
    awk -v b="$before" -v a="$after" '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { rps = $2 }
        /requests in/ { n = $1 }
        $1 == "99%" { p99 = ms($2) }
        END { printf "%.0f %.2f %.3f\n", rps, p99, (a - b) * 1000 / (n > 0 ? n : 1) }' <<<"$out"
}

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# sql <database-url> <query>: the first column of the first row.
sql() {
    case $1 in
        postgres*) psql "$1" -Atc "$2" ;;
        *) python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
            "${1#sqlite://}" "$2" ;;
    esac
}

# Slots holding more active places than the hall offers online, and slot
# counters that differ from the active bookings' places: both must be 0.
ACTIVE="('booked','checked_in','called','serving')"
overbooked() {
    sql "$1" "SELECT count(*) FROM (SELECT b.window_id, b.day, b.start_time, sum(b.places) AS n
        FROM bookings b WHERE b.status IN $ACTIVE GROUP BY b.window_id, b.day, b.start_time) t
        JOIN windows w ON w.id = t.window_id JOIN halls h ON h.id = w.hall_id
        WHERE t.n > h.slot_capacity * h.online_share_percent / 100"
}
counter_drift() {
    sql "$1" "SELECT count(*) FROM slot_counters c WHERE c.booked <> (SELECT coalesce(sum(b.places), 0)
        FROM bookings b WHERE b.status IN $ACTIVE AND b.window_id = c.window_id AND b.day = c.day
        AND b.start_time = c.start_time)"
}
