#!/usr/bin/env bash
# P3 — a booking rush: RESIDENTS residents (400) each book 3 places through
# POST /api/v1/bookings at 32 and 64 connections, spread over every item
# and day, and all at one hot slot; against the bare booking transaction
# (examples/bare_booking.rs) at the same durability and concurrency, in
# alternating rounds. Then checks that no slot holds more than its places.
#
#   bash scripts/bench/booking.sh                          (SQLite)
#   BENCH_PG=1 bash scripts/bench/booking.sh               (PostgreSQL)
source "$(dirname "$0")/lib.sh"
RESIDENTS=${RESIDENTS:-400}
build
machine
if [ "${BENCH_PG:-0}" = 1 ]; then
    DB=$(new_pg_db booking); BARE_DB=$(new_pg_db bare); backend=PostgreSQL
else
    DB="sqlite://$WORK/booking.db"; BARE_DB="$WORK/bare.db"; backend="SQLite, synchronous=FULL"
fi
start_onestop "$DB" 18111 ONESTOP_TRUST_PROXY=true
ONE=$ONESTOP_PID
BASE=http://127.0.0.1:18111
round=0

printf '%-28s %5s %11s %9s %7s %8s %8s %6s %9s\n' "P3 bookings ($backend)" conns "onestop/s" "bare/s" ratio "p50 ms" "p99 ms" "5xx" "cpu ms"
for mode in spread hot; do
    for conns in 32 64; do
        : >"$WORK/a"; : >"$WORK/b"; : >"$WORK/lines"
        for _ in $(seq "$ROUNDS"); do
            round=$((round + 1))
            # New residents each round (3 active bookings each at most).
            before=$(cpu_of "$ONE")
            line=$("$EX/loadgen" book "$BASE" "$RESIDENTS" "$conns" "$mode" "13$((100 + round))")
            after=$(cpu_of "$ONE")
            made=$(sed 's/.*bookings=\([0-9]*\).*/\1/' <<<"$line")
            echo "$line cpu_ms=$(awk -v a="$after" -v b="$before" -v n="$made" 'BEGIN{printf "%.2f", n ? (a-b)*1000/n : 0}')" >>"$WORK/lines"
            # Spread: bookings made a second; hot: answers a second (almost
            # all are slot_full, which is the point).
            key=per_sec; [ "$mode" = hot ] && key=answers_per_sec
            sed "s/.* $key=\([0-9.]*\).*/\1/" <<<"$line" >>"$WORK/a"
            "$EX/bare_booking" "$BARE_DB" "$conns" $(( RESIDENTS * 3 / conns )) $([ "$mode" = hot ] && echo 1 || echo 200) |
                cut -d' ' -f3 >>"$WORK/b"
        done
        a=$(median <"$WORK/a"); b=$(median <"$WORK/b")
        pick() { sed "s/.* $1=\([^ ]*\).*/\1/" "$WORK/lines" | median; }
        printf '%-28s %5s %11s %9s %6s× %8s %8s %6s %9s\n' "$mode" "$conns" "$a" "$b" "$(ratio "$a" "$b")" \
            "$(pick p50_ms)" "$(pick p99_ms)" "$(pick server_errors)" "$(pick cpu_ms)"
        [ "$mode" = hot ] && tail -1 "$WORK/lines" | grep -o 'statuses=[^ ]*' | sed 's/^/    hot slot answers: /'
    done
done
echo "slots over their online places: $(overbooked "$DB"); counters differing from bookings: $(counter_drift "$DB")"
echo "bookings in the database: $(sql "$DB" "SELECT count(*) FROM bookings")"
