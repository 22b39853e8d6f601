#!/usr/bin/env bash
# P6 — two instances on one PostgreSQL behind nginx (Debian's, started
# here with its own configuration): a booking rush through nginx to one
# instance and then to two, in alternating rounds, each instance pinned to
# a core of its own (taskset) so that a second instance has a core to use;
# PostgreSQL, nginx and the load generator share the machine. Then: no slot
# over its places, and calls made on one instance timed to a calling board
# connected to the other.
#
#   bash scripts/bench/two-instances.sh        (RESIDENTS=400 a round)
source "$(dirname "$0")/lib.sh"
need nginx nginx-light
RESIDENTS=${RESIDENTS:-400}
CALLS=${CALLS:-50}
[ "${SMOKE:-0}" = 1 ] && { RESIDENTS=60; CALLS=5; }
build
machine
DB=$(new_pg_db scale)
KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
# Next Monday 10:00 in the hall: open, so walk-ins and calls are possible.
NOW=$(TZ=Asia/Shanghai date -d "next monday 10:00" +%FT%T+08:00)
COMMON=(ONESTOP_TRUST_PROXY=true ONESTOP_SECRET_KEY="$KEY" ONESTOP_NOW="$NOW")
PIN=0 start_onestop "$DB" 18151 "${COMMON[@]}"
A=$ONESTOP_PID
PIN=1 start_onestop "$DB" 18152 "${COMMON[@]}"
B=$ONESTOP_PID

proxy() {
    cat <<CONF
    server { listen $1; location / {
        proxy_pass http://$2; proxy_http_version 1.1; proxy_set_header Connection "";
        proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_buffering off; } }
CONF
}
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx-body;
    proxy_temp_path $WORK/nginx-proxy;
    upstream one { server 127.0.0.1:18151; keepalive 64; }
    upstream two { server 127.0.0.1:18151; server 127.0.0.1:18152; keepalive 64; }
$(proxy 18150 one)
$(proxy 18160 two)
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/nginx-error.log" &
PIDS+=($!)
wait_http http://127.0.0.1:18160/healthz
echo "nginx $(nginx -v 2>&1 | cut -d/ -f2) on :18150 (one instance) and :18160 (two)"

printf '%-34s %11s %11s %7s %8s %6s\n' "P6 booking rush, 32 connections" "one inst./s" "two inst./s" ratio "p99 ms" "5xx"
: >"$WORK/one"; : >"$WORK/two"; : >"$WORK/lines"
round=0
for _ in $(seq "$ROUNDS"); do
    for target in one two; do
        round=$((round + 1))
        port=18150; [ "$target" = two ] && port=18160
        line=$("$EX/loadgen" book "http://127.0.0.1:$port" "$RESIDENTS" 32 spread "13$((200 + round))")
        echo "$target $line" >>"$WORK/lines"
        sed 's/.* per_sec=\([0-9.]*\).*/\1/' <<<"$line" >>"$WORK/$target"
    done
done
o=$(median <"$WORK/one"); t=$(median <"$WORK/two")
p99=$(grep '^two' "$WORK/lines" | sed 's/.*p99_ms=\([0-9.]*\).*/\1/' | median)
errs=$(sed 's/.*server_errors=\([0-9]*\).*/\1/' "$WORK/lines" | awk '{s += $1} END {print s}')
printf '%-34s %11s %11s %6s× %8s %6s\n' "spread over items and days" "$o" "$t" "$(ratio "$t" "$o")" "$p99" "$errs"
echo "bookings: $(sql "$DB" "SELECT count(*) FROM bookings"); slots over their online places: $(overbooked "$DB"); counters differing from bookings: $(counter_drift "$DB")"

echo "bench-Clerk-2026" | DATABASE_URL=$DB "$BIN" user add --role clerk --phone 13904739901 \
    --name 基准窗口 --window 1 --password-stdin >/dev/null
"$EX/loadgen" calls http://127.0.0.1:18151 http://127.0.0.1:18152 13904739901 bench-Clerk-2026 1 "$CALLS" |
    sed 's/^/P6 calls: /'
