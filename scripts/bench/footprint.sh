#!/usr/bin/env bash
# P5 — footprint: binary size, cold start on a fresh database (exec to the
# first answer of /healthz, the catalogue seeded), idle RSS after start and
# after a round of pages; the bare page's idle RSS beside it.
#
#   bash scripts/bench/footprint.sh          (ROUNDS=3 cold starts)
source "$(dirname "$0")/lib.sh"
build
machine
printf 'P5 footprint\n  binary: %s MB (%s)\n' "$(du -m "$BIN" | cut -f1)" "$BIN"
: >"$WORK/cold"
for i in $(seq "$ROUNDS"); do
    t0=$(date +%s%N)
    start_onestop "sqlite://$WORK/fresh$i.db" $((18130 + i))
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 )) >>"$WORK/cold"
    pid=$ONESTOP_PID
    sleep 1
    idle=$(rss_mb "$pid")
    for p in / /services /services/1 /departments /login /halls /api/v1/services /display; do
        curl -s -o /dev/null "http://127.0.0.1:$((18130 + i))$p"
    done
    sleep 0.5
    echo "  start $i: ${idle} MB idle, $(rss_mb "$pid") MB after a round of pages" >&2
    kill "$pid"
done
printf '  cold start on a fresh database (median of %s): %s ms\n' "$ROUNDS" "$(median <"$WORK/cold")"
printf '  idle RSS: %s MB after start\n' "$idle"
start_bare "sqlite://$WORK/fresh1.db" 18139
sleep 0.5
curl -s -o /dev/null http://127.0.0.1:18139/services
printf '  bare page idle RSS: %s MB\n' "$(rss_mb "$BARE_PID")"
