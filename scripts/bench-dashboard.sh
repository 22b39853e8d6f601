#!/usr/bin/env bash
# Measures the administrators' dashboard and statistics on a database holding
# a year of the city hall's history, against a bare baseline (/healthz) timed
# in the same run, so the ratios mean something on a shared, noisy machine.
#
#   bash scripts/bench-dashboard.sh                      # SQLite in a temp dir
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/onestop_bench \
#     bash scripts/bench-dashboard.sh                    # PostgreSQL (dropped first)
#
# Knobs: DAYS (365), PER_DAY (1500 visits a working day), N (requests each, 30).
set -euo pipefail
cd "$(dirname "$0")/.."

DAYS=${DAYS:-365}
PER_DAY=${PER_DAY:-1500}
N=${N:-30}
PORT=${PORT:-18089}
BASE="http://127.0.0.1:$PORT"

cargo build --release --quiet
BIN=$PWD/target/release/onestop
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    [ -n "${BENCH_DATABASE_URL:-}" ] && sleep 0.5 &&
        psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS \"${DATABASE_URL##*/}\" WITH (FORCE)" || true
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${BENCH_DATABASE_URL:-}" ]; then
    export DATABASE_URL=$BENCH_DATABASE_URL
    db=${DATABASE_URL##*/}
    psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" \
        -c "CREATE DATABASE \"$db\"" >/dev/null
else
    export DATABASE_URL="sqlite://$WORK/bench.db"
fi
export ONESTOP_BIND="127.0.0.1:$PORT"
backend=${DATABASE_URL%%:*}

echo "== generating $DAYS days of history ($PER_DAY visits a working day) on $backend"
"$BIN" generate-history --days "$DAYS" --per-day "$PER_DAY" | tail -1
PASSWORD="bench-$(date +%s)-Admin!"
echo "$PASSWORD" | "$BIN" user add --role admin --phone 13900009999 --name 基准管理员 \
    --password-stdin >/dev/null

"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do
    curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

# Sign in like a browser: the form's CSRF token and cookie, then the POST.
JAR="$WORK/cookies"
csrf=$(curl -fs -c "$JAR" -b "$JAR" "$BASE/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" "$BASE/login" \
    --data-urlencode "csrf_token=$csrf" --data-urlencode "phone=13900009999" \
    --data-urlencode "password=$PASSWORD")
[ "$code" = 303 ] || { echo "sign-in failed: HTTP $code" >&2; exit 1; }

today=$(date +%F)
from=$(date -d "$today -364 days" +%F)
month=$(date -d "$today -29 days" +%F)

# median seconds of N timed GETs (after one warm-up); fails on a non-200.
median() {
    local url=$1 times=()
    curl -fs -o /dev/null -b "$JAR" "$url"
    for _ in $(seq "$N"); do
        times+=("$(curl -fs -o /dev/null -b "$JAR" -w '%{time_total}' "$url")")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

base=$(median "$BASE/healthz")
printf '%-44s %9s %9s\n' "request ($backend, N=$N)" "median ms" "× bare"
row() {
    local label=$1 url=$2 m
    m=$(median "$url")
    awk -v l="$label" -v m="$m" -v b="$base" 'BEGIN {printf "%-44s %9.1f %9.1f\n", l, m*1000, m/b}'
}
awk -v b="$base" 'BEGIN {printf "%-44s %9.1f %9.1f\n", "GET /healthz (bare baseline)", b*1000, 1}'
row "GET /admin (today's floor)" "$BASE/admin"
row "GET /admin/stats (last 30 days)" "$BASE/admin/stats?from=$month&to=$today"
row "GET /admin/stats (a whole year)" "$BASE/admin/stats?from=$from&to=$today"
row "GET /admin/stats.csv (a whole year)" "$BASE/admin/stats.csv?from=$from&to=$today"
