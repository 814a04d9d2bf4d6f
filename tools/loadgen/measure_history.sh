#!/bin/bash
# How GetSubmissionStatus's cost grows with history: one registry (seed
# imported), two progress databases filled by progress_history_fill — 1 year
# and $YEARS years of monthly reports for the plan's (organization, month)
# slots — and a progress_server on each, measured alternately (1 year, N
# years, 1 year, …) in one run, with the point-read baseline before each pair.
# With OLD=<another build dir> a second pair of servers from that build runs
# on copies of the same two databases and is measured in the same rotation
# (old and new code on the same data). Prints one markdown table like
# measure_all.sh. Builds nothing; stops only the processes it started.
#
# Usage: B=build tools/loadgen/measure_history.sh
#   (YEARS=10 CONCURRENCY=64 DURATION=5s WARMUP=1s ROUNDS=2 OLD=)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$ROOT/build}
YEARS=${YEARS:-10}
CONCURRENCY=${CONCURRENCY:-64}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-1s}
ROUNDS=${ROUNDS:-2}
OLD=${OLD:-}
D=$(mktemp -d)
source "$ROOT/tools/loadgen/measure_lib.sh"
trap 'stop_started; rm -rf "$D"' EXIT
for exe in services/registry/registry_server services/progress/progress_server \
  services/progress/progress_history_fill tools/ecoplanctl/ecoplanctl tools/loadgen/loadgen; do
  [ -x "$B/$exe" ] || { echo "missing $B/$exe (build it first)" >&2; exit 1; }
done
[ -z "$OLD" ] || [ -x "$OLD/services/progress/progress_server" ] ||
  { echo "missing $OLD/services/progress/progress_server" >&2; exit 1; }
start_registry --http_port=-1 --rate_limit_per_second=0 || exit 1
for y in 1 "$YEARS"; do
  "$B/services/progress/progress_history_fill" --registry="127.0.0.1:$RP" \
    --db_path="$D/p$y" --years="$y" >&2 || exit 1
  [ -z "$OLD" ] || cp -r "$D/p$y" "$D/old$y"
done
SERVERS=()  # "label pid port"
# serve LABEL BUILD DB: a progress_server of BUILD on DB.
serve() {
  rm -f "$D/p.port"
  B=$2 PROGRESS_DB=$3 start_progress --http_port=-1 || exit 1
  SERVERS+=("$1|$PPID2|$PP")
}
serve "1 year" "$B" "$D/p1"
serve "$YEARS years" "$B" "$D/p$YEARS"
if [ -n "$OLD" ]; then
  serve "1 year (old)" "$OLD" "$D/old1"
  serve "$YEARS years (old)" "$OLD" "$D/old$YEARS"
fi
start_baseline point_read --serve_point_read=0 --db_path="$D/point_read" || exit 1
RDPID=$LAST_PID RDP=$LAST_PORT

loadgen() {
  timeout 120 "$B/tools/loadgen/loadgen" --registry="127.0.0.1:$RP" --output=json "$@"
}
measure_begin
for C in $CONCURRENCY; do
  for _ in $(seq 1 "$ROUNDS"); do
    for s in "${SERVERS[@]}"; do
      IFS='|' read -r label pid port <<<"$s"
      case $label in 1\ year*) measure "$C" baseline "point read" "$RDPID" --rpc=point_read \
        --target="127.0.0.1:$RDP" ;; esac
      measure "$C" subject "GetSubmissionStatus, $label" "$pid" --rpc=get_submission_status \
        --target="127.0.0.1:$port"
    done
  done
done
measure_report
