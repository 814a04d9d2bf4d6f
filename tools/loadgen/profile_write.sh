#!/bin/bash
# Where SubmitReport's server CPU goes, beside the committer baseline's: each of the two servers
# is profiled (`perf record --call-graph dwarf`) while loadgen drives it with C clients, and
# profile_buckets.py puts every sample in a bucket (the WAL, the memtable, sending the answer,
# the request-id lookup, …) shown as µs of server CPU per call, the two side by side: the
# difference, bucket by bucket, is what SubmitReport costs over the design's ceiling.
# Needs perf. Builds nothing; stops only the processes it started.
#
# Usage: B=build tools/loadgen/profile_write.sh   (C=64 PROFILED=8 WARMUP=5 ANSWERS=bytes)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$ROOT/build}
C=${C:-64}
PROFILED=${PROFILED:-8}
WARMUP=${WARMUP:-5}
ANSWERS=${ANSWERS:-bytes}
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 1; }
D=$(mktemp -d)
source "$ROOT/tools/loadgen/measure_lib.sh"
trap 'stop_started; rm -rf "$D"' EXIT
start_registry --http_port=-1 --rate_limit_per_second=0 || exit 1
start_progress --http_port=-1 || exit 1
start_baseline committer --serve_committer=0 --db_path="$D/committer" || exit 1
CPID=$LAST_PID CP=$LAST_PORT

# profile NAME PID ARGS...: loadgen (ARGS) for WARMUP + PROFILED + 2 seconds, the server PID
# recorded for PROFILED seconds after WARMUP; leaves $D/NAME.txt (perf script) and prints the
# server's CPU µs per call over loadgen's measured time.
profile() {
  local name=$1 pid=$2
  shift 2
  "$B/tools/loadgen/loadgen" --registry="127.0.0.1:$RP" --output=json --answers="$ANSWERS" \
    --concurrency="$C" --warmup="${WARMUP}s" --duration="$((PROFILED + 2))s" \
    --server_pid="$pid" "$@" >"$D/$name.json" &
  local load=$!
  sleep "$((WARMUP + 1))"
  perf record -q -F 499 --call-graph dwarf,16384 -p "$pid" -o "$D/$name.perf" \
    -- sleep "$PROFILED" 2>/dev/null
  wait "$load"
  perf script -i "$D/$name.perf" -F comm,tid,ip,sym 2>/dev/null >"$D/$name.txt"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["server_cpu_us_per_call"])' \
    "$D/$name.json"
}

committer_us=$(profile committer "$CPID" --rpc=committer --target="127.0.0.1:$CP") || exit 1
submit_us=$(profile submit_report "$PPID2" --rpc=submit_report --target="127.0.0.1:$PP") || exit 1
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg);" \
  "$C clients, ${PROFILED}s profiled after ${WARMUP}s"
echo
python3 "$ROOT/tools/loadgen/profile_buckets.py" "committer=$D/committer.txt:$committer_us" \
  "SubmitReport=$D/submit_report.txt:$submit_us"
