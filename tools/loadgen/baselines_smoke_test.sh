#!/bin/bash
# The baselines as processes: `loadgen --serve_committer` and
# `--serve_point_read` on free ports of 127.0.0.1, driven by `loadgen
# --rpc=committer` and `--rpc=point_read`. Fails unless every call is answered
# OK, and unless a read of a key the point-read server never stored is
# NOT_FOUND (so the OK answers come from the stored values), in both answer
# modes (parsed, and --answers=bytes), and unless the load generator reports
# its own CPU per call.
#
# Usage: baselines_smoke_test.sh path/to/loadgen
set -uo pipefail
LOADGEN=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
D=$(mktemp -d)
source "$ROOT/tools/loadgen/measure_lib.sh"
trap 'stop_started; rm -rf "$D"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
start_bg "$D/c.log" "$LOADGEN" --serve_committer=0 --db_path="$D/committer" --port_file="$D/c.port"
start_bg "$D/r.log" "$LOADGEN" --serve_point_read=0 --db_path="$D/reads" \
  --point_read_values=100 --port_file="$D/r.port"
CP=$(wait_port "$D/c.port") || fail "committer did not start: $(cat "$D/c.log")"
RP=$(wait_port "$D/r.port") || fail "point read did not start: $(cat "$D/r.log")"

out=$("$LOADGEN" --rpc=committer --target="127.0.0.1:$CP" --payload_bytes=100 --concurrency=8 \
  --count=200 --output=json) || fail "committer run: $out"
echo "$out" | grep -q '"count":200,' || fail "committer count: $out"
echo "$out" | grep -q '"ok":200,' || fail "committer ok: $out"

out=$("$LOADGEN" --rpc=point_read --target="127.0.0.1:$RP" --point_read_values=100 \
  --concurrency=4 --count=100 --output=json) || fail "point read run: $out"
echo "$out" | grep -q '"ok":100,' || fail "point read ok: $out"
echo "$out" | grep -q '"client_cpu_us_per_call":[0-9]' || fail "no client CPU: $out"

out=$("$LOADGEN" --rpc=point_read --target="127.0.0.1:$RP" --point_read_values=100 \
  --answers=bytes --concurrency=4 --count=100 --output=json) || fail "point read bytes: $out"
echo "$out" | grep -q '"ok":100,' || fail "point read bytes ok: $out"
# A 2,048-byte value in an EchoResponse: 3 bytes of tag and length before it.
echo "$out" | grep -q '"answer_bytes":2051' || fail "point read answer size: $out"
out=$("$LOADGEN" --rpc=point_read --target="127.0.0.1:$RP" --point_read_values=200 \
  --answers=bytes --concurrency=1 --count=200 --output=json 2>/dev/null)
[ $? -eq 3 ] || fail "point read bytes of missing keys did not fail: $out"
echo "$out" | grep -q '"NOT_FOUND":100' || fail "bytes: missing keys not NOT_FOUND: $out"
"$LOADGEN" --rpc=point_read --target="127.0.0.1:$RP" --answers=text --count=1 2>/dev/null
[ $? -eq 2 ] || fail "--answers=text was not refused"

# Keys v/00000 … v/00199 in turn: the server stored only the first 100.
out=$("$LOADGEN" --rpc=point_read --target="127.0.0.1:$RP" --point_read_values=200 \
  --concurrency=1 --count=200 --output=json 2>/dev/null)
[ $? -eq 3 ] || fail "point read of missing keys did not fail: $out"
echo "$out" | grep -q '"NOT_FOUND":100' || fail "missing keys not NOT_FOUND: $out"
echo "$out" | grep -q '"OK":100' || fail "stored keys not OK: $out"
echo "baselines smoke: OK"
