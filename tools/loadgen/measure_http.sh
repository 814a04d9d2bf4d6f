#!/bin/bash
# HTTP/JSON beside gRPC in one run: starts registry_server (seed imported) and
# progress_server with their HTTP ports, then measures SubmitReport and a
# ListMeasures page over gRPC and HTTP/1.1 JSON, alternating, and
# prints each run's throughput and latency with the server's CPU time per call
# (utime + stime of the server process over the measured time only, sampled by
# `loadgen --server_pid`, divided by the calls measured).
#
# Usage: B=build tools/loadgen/measure_http.sh   (CONCURRENCY=64 DURATION=5s ROUNDS=2)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$ROOT/build}
C=${CONCURRENCY:-64}
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-2}
D=$(mktemp -d)
source "$ROOT/tools/loadgen/measure_lib.sh"
trap 'stop_started; rm -rf "$D"' EXIT
start_registry --http_port=0 --http_port_file="$D/r.http" --rate_limit_per_second=0
RH=$(wait_port "$D/r.http")
start_progress --http_port=0 --http_port_file="$D/p.http"
PH=$(wait_port "$D/p.http")
echo "registry :$RP (HTTP :$RH)  progress :$PP (HTTP :$PH)  $C clients, $DURATION per point"
printf '%-34s %10s %9s %9s %12s\n' "what" "RPC/s" "p50 ms" "p99 ms" "server µs/call"
run() {  # label pid loadgen-args...
  local label=$1 pid=$2
  shift 2
  local out
  out=$("$B/tools/loadgen/loadgen" --concurrency="$C" --duration="$DURATION" --warmup=1s \
    --registry="127.0.0.1:$RP" --server_pid="$pid" --output=json "$@" || true)
  python3 - "$label" "$out" <<'PY'
import json, sys
label, out = sys.argv[1], json.loads(sys.argv[2])
lat = out["latency_ms"]
failed = "" if out["ok"] == out["count"] else f'  (not OK: {out["codes"]})'
print(f'{label:<34} {out["rps"]:>10.0f} {lat["p50"]:>9.2f} {lat["p99"]:>9.2f} {out["server_cpu_us_per_call"]:>12.0f}{failed}')
PY
}
for _ in $(seq 1 "$ROUNDS"); do
  run "SubmitReport gRPC" "$PPID2" --rpc=submit_report --target="127.0.0.1:$PP"
  run "SubmitReport HTTP/1.1 JSON" "$PPID2" --rpc=submit_report --target="127.0.0.1:$PP" \
    --http_target="127.0.0.1:$PH"
  run "ListMeasures page gRPC" "$RPID" --rpc=list_measures --target="127.0.0.1:$RP"
  run "ListMeasures page HTTP/1.1 JSON" "$RPID" --rpc=list_measures --target="127.0.0.1:$RP" \
    --http_target="127.0.0.1:$RH"
done
