#!/bin/bash
# A ListMeasures page (50 measures, filter organization) from two registry_server
# binaries, beside the point-read baseline, alternating in one run:
#   point read, page (OLD), point read, page (NEW), … ROUNDS times per concurrency
# so that "before" and "after" are measured seconds apart on the same (busy)
# machine. Both registries import the seed plan; each runs with its own temp
# DB. Prints the same table as measure_all.sh (server CPU µs per call from
# /proc/<pid>/stat over the measured time, ratios to the baseline just before).
# Builds nothing; stops only the processes it started.
#
# Usage: OLD=/path/to/old/registry_server B=build tools/loadgen/measure_list_measures.sh
#   (NEW=$B/services/registry/registry_server CONCURRENCY="64" DURATION=5s WARMUP=1s
#    ROUNDS=3 FILTER_ORGANIZATION=区生态环境局 PAGE_SIZE=50)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$ROOT/build}
OLD=${OLD:?OLD=path of the registry_server to compare with}
NEW=${NEW:-$B/services/registry/registry_server}
CONCURRENCY=${CONCURRENCY:-64}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-1s}
ROUNDS=${ROUNDS:-3}
PAGE_SIZE=${PAGE_SIZE:-50}
FILTER_ORGANIZATION=${FILTER_ORGANIZATION:-区生态环境局}
D=$(mktemp -d)
source "$ROOT/tools/loadgen/measure_lib.sh"
trap 'stop_started; rm -rf "$D"' EXIT
for exe in "$OLD" "$NEW" "$B/tools/ecoplanctl/ecoplanctl" "$B/tools/loadgen/loadgen"; do
  [ -x "$exe" ] || { echo "missing $exe (build it first)" >&2; exit 1; }
done

# start_named NAME BINARY: a registry with the seed imported; sets LAST_PID, LAST_PORT.
start_named() {
  start_bg "$D/$1.log" "$2" --port=0 --port_file="$D/$1.port" --db_path="$D/$1" \
    --insecure_development_mode --http_port=-1 --rate_limit_per_second=0
  LAST_PORT=$(wait_port "$D/$1.port") || return 1
  "$B/tools/ecoplanctl/ecoplanctl" --registry="127.0.0.1:$LAST_PORT" plan import "$SEED" >/dev/null
}
start_named old "$OLD" || exit 1
OPID=$LAST_PID OP=$LAST_PORT
start_named new "$NEW" || exit 1
NPID=$LAST_PID NP=$LAST_PORT
start_baseline point_read --serve_point_read=0 --db_path="$D/point_read" || exit 1
RDPID=$LAST_PID RDP=$LAST_PORT

page() {  # page PORT: the ListMeasures arguments
  echo --rpc=list_measures --target="127.0.0.1:$1" --registry="127.0.0.1:$1" \
    --page_size="$PAGE_SIZE" --filter_organization="$FILTER_ORGANIZATION"
}
measure_begin
for C in $CONCURRENCY; do
  for _ in $(seq 1 "$ROUNDS"); do
    measure "$C" baseline "point read" "$RDPID" --rpc=point_read --target="127.0.0.1:$RDP"
    # shellcheck disable=SC2046
    measure "$C" subject "page, old" "$OPID" $(page "$OP")
    measure "$C" baseline "point read" "$RDPID" --rpc=point_read --target="127.0.0.1:$RDP"
    # shellcheck disable=SC2046
    measure "$C" subject "page, new" "$NPID" $(page "$NP")
  done
done
measure_report
