#!/usr/bin/env bash
# P7 — a province on one PostgreSQL: each page and API timed on the seeded
# network (7 halls), then again after `onestop generate-province` has grown
# it to 12 cities, 103 districts, 1,000 streets and 14,000 communities with
# a year of history for each city hall. Each phase also times the bare page,
# so the ratio "province ÷ one network" is corrected for the machine's mood.
# Goal: every figure within 2× (ratio ≥ 0.5).
#
#   bash scripts/bench/province.sh        (PER_DAY=300 visits a day a city hall)
source "$(dirname "$0")/lib.sh"
PER_DAY=${PER_DAY:-300}
HISTORY_DAYS=${HISTORY_DAYS:-365}
SIZES=()
[ "${SMOKE:-0}" = 1 ] && { SIZES=(--cities 3 --districts 10 --streets 40 --communities 120); HISTORY_DAYS=10; }
build
machine
DB=$(new_pg_db province)
SECS=${SECS:-3}

# The paths of one phase, each "label|path", after the database is ready.
paths() {
    local community item date
    community=$(sql "$DB" "SELECT max(id) FROM halls WHERE level = 'community'")
    item=$(sql "$DB" "SELECT min(s.id) FROM service_items s JOIN window_services w ON w.service_id = s.id WHERE s.hall_id = 1 AND s.bookable_online")
    date=$(TZ=Asia/Shanghai date -d tomorrow +%F)
    [ "$(TZ=Asia/Shanghai date -d tomorrow +%u)" -ge 6 ] && date=$(TZ=Asia/Shanghai date -d "next monday" +%F)
    cat <<P
home (city hall)|/
items (city hall)|/services
items (a community hall)|/services?hall=$community
item guide|/services/$item
halls|/halls
departments|/departments
ratings|/ratings
board|/display
API halls|/api/v1/halls
API items (city hall)|/api/v1/services?hall_id=1
API items (a community)|/api/v1/services?hall_id=$community
API item|/api/v1/services/$item
API slots|/api/v1/services/$item/slots?date=$date
API departments|/api/v1/departments?hall_id=1
API board|/api/v1/display
P
}

phase() {
    start_onestop "$DB" 18171
    local one=$ONESTOP_PID
    start_bare "$DB" 18172
    local bare=$BARE_PID
    wrk_run "$bare" http://127.0.0.1:18172/services 8 | cut -d' ' -f1 >"$WORK/bare-$1"
    paths | while IFS='|' read -r label path; do
        local code
        code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:18171$path")
        echo "$label|$(wrk_run "$one" "http://127.0.0.1:18171$path" 8 gzip)|$code"
    done >"$WORK/phase-$1"
    kill "$one" "$bare"; wait "$one" "$bare" 2>/dev/null || true
}

phase one
t0=$(date +%s)
DATABASE_URL=$DB "$BIN" generate-province "${SIZES[@]}" --history-days "$HISTORY_DAYS" --per-day "$PER_DAY" | tail -3
echo "generated in $(( $(date +%s) - t0 )) s: $(sql "$DB" "SELECT count(*) FROM halls") halls, $(sql "$DB" "SELECT count(*) FROM service_items") items, $(sql "$DB" "SELECT count(*) FROM windows") windows, $(sql "$DB" "SELECT count(*) FROM bookings") bookings"
phase province

b1=$(cat "$WORK/bare-one"); b2=$(cat "$WORK/bare-province")
printf '\n%-26s %12s %12s %8s %9s %9s\n' "P7 (gzip, 8 conns)" "7 halls r/s" "province r/s" "ratio*" "p99 ms" "HTTP"
paste -d'|' "$WORK/phase-one" "$WORK/phase-province" | while IFS='|' read -r label a _ label2 b code; do
    ra=$(cut -d' ' -f1 <<<"$a"); rb=$(cut -d' ' -f1 <<<"$b")
    printf '%-26s %12s %12s %7s× %9s %9s\n' "$label" "$ra" "$rb" \
        "$(awk -v a="$ra" -v b="$rb" -v x="$b1" -v y="$b2" 'BEGIN { if (a > 0 && y > 0) printf "%.2f", (b / y) / (a / x); else print "-" }')" \
        "$(cut -d' ' -f2 <<<"$b")" "$code"
done
echo "* province ÷ seeded network, each over the bare page of its own phase ($b1 and $b2 r/s)"
