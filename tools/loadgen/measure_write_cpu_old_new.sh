#!/bin/bash
# Server CPU per SubmitReport call of two progress_server binaries (OLD, and $B's), from a
# fixed number of calls each: `perf stat -e task-clock -p <server>` around one
# `loadgen --count=N` run, the two binaries alternating (order swapped every round). A count
# rather than a time window: each figure is the CPU of exactly N calls and the server's
# background work while they ran.
#
# Usage: OLD=/path/to/old/progress_server B=build tools/loadgen/measure_write_cpu_old_new.sh
#   (C=64 N=20000 ROUNDS=6)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$ROOT/build}
OLD=${OLD:?OLD=<the old progress_server>}
C=${C:-64}; N=${N:-20000}; ROUNDS=${ROUNDS:-3}
D=$(mktemp -d)
source "$ROOT/tools/loadgen/measure_lib.sh"
trap 'stop_started; rm -rf "$D"' EXIT
start_new_and_old_progress || exit 1
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  if (( r % 2 )); then order="new old"; else order="old new"; fi
  for which in $order; do
    if [ $which = new ]; then pid=$NPID port=$NP; else pid=$OPID port=$OP; fi
    perf stat -x, -e task-clock -p $pid -o "$D/stat" -- \
      "$B/tools/loadgen/loadgen" --registry="127.0.0.1:$RP" --output=json --rpc=submit_report \
      --target="127.0.0.1:$port" --concurrency=$C --count=$N --warmup=0s > "$D/out.json"
    python3 - "$which" "$N" "$D/stat" "$D/out.json" <<'PY'
import sys, json
which, n, stat, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
v = {}
for line in open(stat):
    p = line.strip().split(',')
    if len(p) > 3 and p[0] and p[0][0].isdigit(): v[p[2]] = float(p[0])
o = json.loads(open(out).read() or '{}')
calls = o.get('calls') or o.get('count') or n
print("%-4s calls %6d  server CPU µs/call %6.1f  RPC/s %s" % (
  which, calls,
  v.get("task-clock", 0) * 1000 / calls, o.get('rpc_per_second', o.get('rps', '?'))))
PY
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
