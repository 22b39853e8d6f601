#!/usr/bin/env bash
# P1 — the catalogue: /services and /api/v1/services at 64 connections,
# with and without gzip, against the bare page (examples/bare_page.rs)
# reading the same items of the same database, in alternating rounds; p99
# at 8 connections; one sequential request with and without gzip.
#
#   bash scripts/bench/catalogue.sh          (SECS=5 ROUNDS=3; SMOKE=1 for a quick check)
source "$(dirname "$0")/lib.sh"
build
machine
DB="sqlite://$WORK/catalogue.db"
start_onestop "$DB" 18101
ONE=$ONESTOP_PID
start_bare "$DB" 18102
BARE=$BARE_PID

printf '%-30s %5s %10s %10s %7s %9s %9s\n' "P1 catalogue (SQLite)" conns "onestop/s" "bare/s" ratio "cpu ms" "bare cpu"
for path in /services /api/v1/services; do
    for enc in plain gzip; do
        gz=; [ "$enc" = gzip ] && gz=gzip
        : >"$WORK/a"; : >"$WORK/b"
        for _ in $(seq "$ROUNDS"); do
            wrk_run "$ONE" "http://127.0.0.1:18101$path" 64 "$gz" >>"$WORK/a"
            wrk_run "$BARE" "http://127.0.0.1:18102$path" 64 "$gz" >>"$WORK/b"
        done
        a=$(cut -d' ' -f1 "$WORK/a" | median); b=$(cut -d' ' -f1 "$WORK/b" | median)
        ac=$(cut -d' ' -f3 "$WORK/a" | median); bc=$(cut -d' ' -f3 "$WORK/b" | median)
        printf '%-30s %5s %10s %10s %6s× %9s %9s\n' "$path ($enc)" 64 "$a" "$b" "$(ratio "$a" "$b")" "$ac" "$bc"
    done
done

printf '\n%-30s %12s %12s\n' "p99 at 8 connections" "onestop ms" "bare ms"
for path in /services /api/v1/services; do
    for enc in plain gzip; do
        gz=; [ "$enc" = gzip ] && gz=gzip
        a=$(wrk_run "$ONE" "http://127.0.0.1:18101$path" 8 "$gz" | cut -d' ' -f2)
        b=$(wrk_run "$BARE" "http://127.0.0.1:18102$path" 8 "$gz" | cut -d' ' -f2)
        printf '%-30s %12s %12s\n' "$path ($enc)" "$a" "$b"
    done
done

# One request at a time on one kept-alive connection, as a browser loads a
# page: a compressed answer must not wait for the client's delayed ACK
# (Nagle's algorithm without TCP_NODELAY: ~40 ms each).
printf '\n%-30s %12s %12s\n' "one connection, one at a time" "plain ms" "gzip ms"
for path in / /services /api/v1/services; do
    mean() { wrk_run "$ONE" "http://127.0.0.1:18101$path" 1 "$@" | awk '{printf "%.2f", 1000 / $1}'; }
    printf '%-30s %12s %12s\n' "$path (mean)" "$(mean)" "$(mean gzip)"
done
