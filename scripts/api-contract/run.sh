#!/usr/bin/env bash
# Checks a started server against its own OpenAPI document:
#  1. the document validates (openapi-spec-validator);
#  2. schemathesis exercises every operation (examples, boundary values,
#     generated and invalid inputs, the stateful links) as a resident and
#     as a clerk, with every check on: no 5xx, no response outside the
#     document, no undocumented status, no undeclared method answered.
# Usage: bash scripts/api-contract/run.sh [--max-examples N]
# Reports (JUnit, the full output) are left in target/api-contract/.
# Needs the debug binary (cargo build) and python3; installs the tools into
# a virtualenv ($ONESTOP_VENV, default ~/.cache/onestop-api-contract).
set -euo pipefail
cd "$(dirname "$0")/../.."
examples=${1:-}
[ "$examples" = "--max-examples" ] && examples=$2 || examples=60
bin=${ONESTOP_BIN:-${CARGO_TARGET_DIR:-target}/debug/onestop}
venv=${ONESTOP_VENV:-$HOME/.cache/onestop-api-contract}
req=scripts/api-contract/requirements.txt

if ! cmp -s "$req" "$venv/requirements.txt" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
  cp "$req" "$venv/requirements.txt"
fi
[ -x "$bin" ] || cargo build -q --bin onestop

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
export DATABASE_URL=sqlite://$work/contract.db ONESTOP_BIND=127.0.0.1:$port
# A Monday morning with the hall open, so that check-in and calls happen.
export ONESTOP_NOW=2026-12-07T09:10:00+08:00 RUST_LOG=warn
"$bin" seed > "$work/seed.log"
printf 'Clerk2026desk\n' | "$bin" user add --role clerk --phone 13904731111 --name 窗口一 \
  --window 1 --password-stdin > /dev/null
"$bin" > "$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "$base/healthz" > /dev/null && break; sleep 0.1; done

api() { curl -fsS -H 'Content-Type: application/json' "$@"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

step() { printf '\n==> %s\n' "$*"; }
step "the document validates"
curl -fsS "$base/api/v1/openapi.json" > "$work/openapi.json"
"$venv/bin/openapi-spec-validator" "$work/openapi.json"

# A resident with a booking and the clerk of window 1, with a walk-in
# waiting there.
api -d '{"name":"李建国","id_number":"150302196805120018","phone":"13904732222","password":"Contract2026ok"}' \
  "$base/api/v1/auth/register" > /dev/null
resident=$(api -d '{"phone":"13904732222","password":"Contract2026ok"}' "$base/api/v1/auth/login" | json '["token"]')
clerk=$(api -d '{"phone":"13904731111","password":"Clerk2026desk"}' "$base/api/v1/auth/login" | json '["token"]')
service=$(api "$base/api/v1/windows" | python3 -c '
import json, sys
print([w for w in json.load(sys.stdin) if w["number"] == 1][0]["service_ids"][0])')
slot=$(api "$base/api/v1/services/$service/slots?date=2026-12-08" | json '[0]["start"]')
api -H "Authorization: Bearer $resident" \
  -d "{\"service_id\":$service,\"date\":\"2026-12-08\",\"start\":\"$slot\"}" \
  "$base/api/v1/bookings" > /dev/null
# A walk-in waits at window 1 for the clerk to call.
api -d "{\"service_id\":$service}" "$base/api/v1/tickets" > /dev/null

out=target/api-contract
rm -rf "$out"; mkdir -p "$out"
status=0
for who in resident clerk; do
  step "schemathesis as the $who"
  token=$resident; [ "$who" = clerk ] && token=$clerk
  "$venv/bin/schemathesis" --config-file scripts/api-contract/schemathesis.toml run \
    "$base/api/v1/openapi.json" -H "Authorization: Bearer $token" \
    --max-examples "$examples" --seed 20261203 --no-color \
    --report junit --report-junit-path "$out/$who.xml" 2>&1 | tee "$out/$who.log"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
  python3 scripts/api-contract/figures.py "$out/$who.xml" "$out/$who.log" "$who"
done
# schemathesis sees every answer; the server's own log must agree.
if grep -E 'status=5[0-9][0-9]|panicked' "$work/server.log"; then status=1; fi
step "API contract: $([ $status = 0 ] && echo passed || echo FAILED)"
exit $status
