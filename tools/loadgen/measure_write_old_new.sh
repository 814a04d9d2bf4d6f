#!/bin/bash
# SubmitReport of two progress_server binaries beside the committer baseline, in one run,
# alternating: each round runs committer, one binary, committer, the other (the order of the
# two swapped every round). OLD is the binary to compare with (e.g. a copy of main's, taken
# before changing anything); everything else comes from $B. Prints measure_lib.sh's table.
#
# Usage: OLD=/path/to/old/progress_server B=build tools/loadgen/measure_write_old_new.sh
#   (CONCURRENCY="64" DURATION=5s WARMUP=1s ROUNDS=3)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$ROOT/build}
OLD=${OLD:?OLD=<the old progress_server>}
CONCURRENCY=${CONCURRENCY:-64}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-1s}
ROUNDS=${ROUNDS:-3}
D=$(mktemp -d)
source "$ROOT/tools/loadgen/measure_lib.sh"
trap 'stop_started; rm -rf "$D"' EXIT
start_new_and_old_progress || exit 1
start_baseline committer --serve_committer=0 --db_path="$D/committer" || exit 1
CPID=$LAST_PID CP=$LAST_PORT
echo "new pid $NPID :$NP  old pid $OPID :$OP  committer pid $CPID" >&2
measure_begin
r=0
for C in $CONCURRENCY; do
  for _ in $(seq 1 "$ROUNDS"); do
    r=$((r+1))
    if (( r % 2 )); then order="new old"; else order="old new"; fi
    for which in $order; do
      measure "$C" baseline "committer" "$CPID" --rpc=committer --target="127.0.0.1:$CP"
      if [ $which = new ]; then
        measure "$C" subject "SubmitReport, new" "$NPID" --rpc=submit_report --target="127.0.0.1:$NP"
      else
        measure "$C" subject "SubmitReport, old" "$OPID" --rpc=submit_report --target="127.0.0.1:$OP"
      fi
    done
  done
done
measure_report
