#!/usr/bin/env bash
# P4 — a sign-in storm: 256 connections signing in residents with their
# passwords for STORM seconds (20), against raw argon2id on one core
# (examples/argon2_rate.rs) measured just before and after; the
# catalogue's p99 at 8 connections idle and during the storm; the server's
# peak RSS (no allocator variable set).
#
#   bash scripts/bench/signin.sh
source "$(dirname "$0")/lib.sh"
STORM=${STORM:-20}
[ "${SMOKE:-0}" = 1 ] && STORM=3
build
machine
DB="sqlite://$WORK/signin.db"
start_onestop "$DB" 18121 ONESTOP_TRUST_PROXY=true
ONE=$ONESTOP_PID
BASE=http://127.0.0.1:18121
cores=$(nproc)

rate1=$("$EX/argon2_rate" 3)
idle=$(wrk_run "$ONE" "$BASE/services" 8 gzip | cut -d' ' -f2)
echo "registering 256 residents…" >&2
"$EX/loadgen" signin "$BASE" 256 8 0.1 >/dev/null
rss_before=$(rss_mb "$ONE")
"$EX/loadgen" signin "$BASE" 256 256 "$STORM" >"$WORK/storm" &
storm=$!
sleep 2
during=$(wrk_run "$ONE" "$BASE/services" 8 gzip | cut -d' ' -f2)
wait "$storm"
rate2=$("$EX/argon2_rate" 3)
line=$(cat "$WORK/storm")
got=$(sed 's/.* per_sec=\([0-9.]*\).*/\1/' <<<"$line")
single=$(printf '%s\n%s\n' "$rate1" "$rate2" | sort -g | tail -1)
goal=$(awk -v r="$single" -v c="$cores" 'BEGIN{printf "%.1f", 0.8 * c * r}')
printf 'P4 sign-in storm, 256 connections, %s s\n' "$STORM"
printf '  raw argon2id, one core:          %s and %s hashes/s (before, after)\n' "$rate1" "$rate2"
printf '  sign-ins:                        %s/s   goal 0.8 × %s cores × %s = %s   ratio to cores × raw: %s\n' \
    "$got" "$cores" "$single" "$goal" "$(ratio "$got" "$(awk -v r="$single" -v c="$cores" 'BEGIN{print c*r}')")"
printf '  answers:                         %s\n' "$(grep -o 'statuses=[^ ]*' <<<"$line")"
printf '  latency:                         p50 %s ms, p99 %s ms\n' \
    "$(sed 's/.*p50_ms=\([0-9.]*\).*/\1/' <<<"$line")" "$(sed 's/.*p99_ms=\([0-9.]*\).*/\1/' <<<"$line")"
printf '  /services p99 at 8 conns (gzip): idle %s ms, during the storm %s ms (%s×)\n' "$idle" "$during" "$(ratio "$during" "$idle")"
printf '  server RSS:                      %s MB before, %s MB after, peak %s MB\n' "$rss_before" "$(rss_mb "$ONE")" "$(peak_mb "$ONE")"
