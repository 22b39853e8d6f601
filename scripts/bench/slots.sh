#!/usr/bin/env bash
# P2 — slot availability of one item over the booking horizon
# (GET /api/v1/services/{id}/slots?date=, each open day in turn) at 16
# connections: on an empty database, after a year of history
# (generate-history) and with about 1,000,000 bookings, each phase against
# the bare page in the same run. Flat means the ratio stays within 1.5× of
# the empty database's.
#
#   bash scripts/bench/slots.sh     (BIG_PER_DAY=9000 visits a working day for the 1,000,000)
source "$(dirname "$0")/lib.sh"
BIG_PER_DAY=${BIG_PER_DAY:-9000}
DAYS=365
[ "${SMOKE:-0}" = 1 ] && { DAYS=20; BIG_PER_DAY=3000; }
build
machine
DB="sqlite://$WORK/slots.db"
[ "${BENCH_PG:-0}" = 1 ] && DB=$(new_pg_db slots)

measure() {
    start_onestop "$DB" 18141
    local one=$ONESTOP_PID base=http://127.0.0.1:18141
    start_bare "$DB" 18142
    local bare=$BARE_PID
    local id
    id=$(curl -fs "$base/api/v1/services?hall_id=1" | python3 -c 'import json,sys; print(next(s["id"] for s in json.load(sys.stdin) if s["bookable_online"]))')
    local paths=()
    for d in $(seq 0 12); do
        local date; date=$(TZ=Asia/Shanghai date -d "+$d days" +%F)
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/services/$id/slots?date=$date")" = 200 ] &&
            paths+=("\"/api/v1/services/$id/slots?date=$date\"")
    done
    printf 'paths = {%s}\ni = 0\nrequest = function()\n  i = i %% #paths + 1\n  return wrk.format(nil, paths[i])\nend\n' \
        "$(IFS=,; echo "${paths[*]}")" >"$WORK/slots.lua"
    : >"$WORK/a"; : >"$WORK/b"
    for _ in $(seq "$ROUNDS"); do
        wrk_run "$one" "$base" 16 "" "$WORK/slots.lua" >>"$WORK/a"
        wrk_run "$bare" http://127.0.0.1:18142/services 16 >>"$WORK/b"
    done
    local a b
    a=$(cut -d' ' -f1 "$WORK/a" | median); b=$(cut -d' ' -f1 "$WORK/b" | median)
    printf '%-34s %9s %9s %9s %7s× %9s\n' "$1" "$(sql "$DB" "SELECT count(*) FROM bookings")" "$a" "$b" \
        "$(ratio "$a" "$b")" "$(cut -d' ' -f2 "$WORK/a" | median)"
    kill "$one" "$bare"; wait "$one" "$bare" 2>/dev/null || true
}

printf '%-34s %9s %9s %9s %8s %9s\n' "P2 slots over the horizon (${#paths[@]:-} days)" bookings "slots/s" "bare/s" ratio "p99 ms"
measure "empty database"
DB_EMPTY=$DB
history() {  # a fresh database with $1 visits a working day over $DAYS days
    if [ "${BENCH_PG:-0}" = 1 ]; then DB=$(new_pg_db "slots$1"); else DB="sqlite://$WORK/slots$1.db"; fi
    local t0; t0=$(date +%s)
    DATABASE_URL=$DB "$BIN" generate-history --days "$DAYS" --per-day "$1" | tail -1 >&2
    echo "  (generated in $(( $(date +%s) - t0 )) s)" >&2
}
history 1500
measure "a year of history ($DAYS days)"
history "$BIG_PER_DAY"
measure "$BIG_PER_DAY visits a day for $DAYS days"
