#!/bin/bash
# Every measured RPC beside its baseline, in one run, alternating (baseline,
# subject, baseline, subject …), so that the ratios hold on a noisy machine:
#   echo                   (gRPC alone; no subject)
#   committer              vs SubmitReport         (the write ceiling: 2-key synced batch, group commit)
#   point_read             vs GetReport, a ListMeasures page (50, filtered by organization),
#                             GetSubmissionStatus   (the read ceiling: one RocksDB Get of 2 KB)
#   point read of the page's size  vs the ListMeasures page (the same Get, of a
#                             value as large as the page's answer)
#   point read of the status's size  vs GetSubmissionStatus (likewise)
# Starts registry_server (seed imported), progress_server and the three
# `loadgen --serve_*` baselines on free ports of 127.0.0.1 with their data in a
# temp dir, submits the reports the reads need before any measured call, and
# prints one markdown table: RPC/s, p50, p99, the server's CPU µs per call
# (utime + stime of its process from /proc/<pid>/stat over the measured time,
# sampled by loadgen --server_pid) and the ratios to the baseline measured just
# before. Builds nothing; stops only the processes it started.
#
# Usage: B=build tools/loadgen/measure_all.sh
#   (CONCURRENCY="1 64" DURATION=5s WARMUP=1s ROUNDS=2 FILTER_ORGANIZATION=区生态环境局
#    ONLY="GetReport|GetSubmissionStatus": only these subjects, each with its baseline;
#    names: SubmitReport GetReport ListMeasures GetSubmissionStatus;
#    ANSWERS=bytes: every call takes its answer as received bytes, unparsed
#    (loadgen --answers; SubmitReport sends requests encoded once and reads only
#    the etag back), so that on a machine shared with the load generator the
#    run measures the server more than the client)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$ROOT/build}
CONCURRENCY=${CONCURRENCY:-1 64}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-1s}
ROUNDS=${ROUNDS:-2}
FILTER_ORGANIZATION=${FILTER_ORGANIZATION:-区生态环境局}
ONLY=${ONLY:-}
ANSWERS=${ANSWERS:-parsed}
want() { [[ -z "$ONLY" || "$1" =~ ^($ONLY)$ ]]; }
D=$(mktemp -d)
source "$ROOT/tools/loadgen/measure_lib.sh"
trap 'stop_started; rm -rf "$D"' EXIT
for exe in services/registry/registry_server services/progress/progress_server \
  tools/ecoplanctl/ecoplanctl tools/loadgen/loadgen; do
  [ -x "$B/$exe" ] || { echo "missing $B/$exe (build it first)" >&2; exit 1; }
done
start_registry --http_port=-1 --rate_limit_per_second=0 || exit 1
start_progress --http_port=-1 || exit 1
start_baseline echo --serve_echo=0 || exit 1
EPID=$LAST_PID EP=$LAST_PORT
start_baseline committer --serve_committer=0 --db_path="$D/committer" || exit 1
CPID=$LAST_PID CP=$LAST_PORT
start_baseline point_read --serve_point_read=0 --db_path="$D/point_read" || exit 1
RDPID=$LAST_PID RDP=$LAST_PORT
# The page's own read ceiling: the same point-read server with values the size
# of the page's answer (400 of them, so that they stay in its block cache).
PAGE_BYTES=0
if want ListMeasures; then
  PAGE_BYTES=$("$B/tools/loadgen/loadgen" --registry="127.0.0.1:$RP" --target="127.0.0.1:$RP" \
    --rpc=list_measures --page_size=50 --filter_organization="$FILTER_ORGANIZATION" \
    --answers=bytes --count=1 --output=json | python3 -c 'import json,sys; print(json.load(sys.stdin)["answer_bytes"])') || exit 1
  start_baseline point_read_page --serve_point_read=0 --db_path="$D/point_read_page" \
    --point_read_values=400 --point_read_value_bytes="$PAGE_BYTES" || exit 1
  RDPPID=$LAST_PID RDPP=$LAST_PORT
fi

loadgen() {  # loadgen ARGS...: one run, one JSON line (or nothing on failure)
  timeout 120 "$B/tools/loadgen/loadgen" --registry="127.0.0.1:$RP" --output=json "$@"
}
# The reports GetReport and GetSubmissionStatus read: submitted now, not while measuring.
loadgen --rpc=get_report --target="127.0.0.1:$PP" --answers="$ANSWERS" --count=1 >/dev/null || exit 1
# The status's own read ceiling, as the page's: values the size of its answer.
STATUS_BYTES=0
if want GetSubmissionStatus; then
  STATUS_BYTES=$(loadgen --rpc=get_submission_status --target="127.0.0.1:$PP" --answers=bytes \
    --count=1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["answer_bytes"])') || exit 1
  start_baseline point_read_status --serve_point_read=0 --db_path="$D/point_read_status" \
    --point_read_values=400 --point_read_value_bytes="$STATUS_BYTES" || exit 1
  RDSPID=$LAST_PID RDSP=$LAST_PORT
fi

echo "registry :$RP  progress :$PP  echo :$EP  committer :$CP  point read :$RDP" >&2
measure_begin
for C in $CONCURRENCY; do
  for _ in $(seq 1 "$ROUNDS"); do
    if want SubmitReport; then
      measure "$C" baseline "echo" "$EPID" --rpc=echo --target="127.0.0.1:$EP" --answers="$ANSWERS"
      measure "$C" baseline "committer" "$CPID" --rpc=committer --target="127.0.0.1:$CP" \
        --answers="$ANSWERS"
      measure "$C" subject "SubmitReport" "$PPID2" --rpc=submit_report --target="127.0.0.1:$PP" \
        --answers="$ANSWERS"
    fi
    if want GetReport; then
      measure "$C" baseline "point read" "$RDPID" --rpc=point_read --target="127.0.0.1:$RDP" --answers="$ANSWERS"
      measure "$C" subject "GetReport" "$PPID2" --rpc=get_report --target="127.0.0.1:$PP" --answers="$ANSWERS"
    fi
    if want ListMeasures; then
      measure "$C" baseline "point read" "$RDPID" --rpc=point_read --target="127.0.0.1:$RDP" --answers="$ANSWERS"
      measure "$C" baseline "point read of $PAGE_BYTES bytes" "$RDPPID" --rpc=point_read \
        --target="127.0.0.1:$RDPP" --point_read_values=400 --answers="$ANSWERS"
      measure "$C" subject "ListMeasures page" "$RPID" --rpc=list_measures --answers="$ANSWERS" \
        --target="127.0.0.1:$RP" --page_size=50 --filter_organization="$FILTER_ORGANIZATION"
    fi
    if want GetSubmissionStatus; then
      measure "$C" baseline "point read" "$RDPID" --rpc=point_read --target="127.0.0.1:$RDP" --answers="$ANSWERS"
      measure "$C" baseline "point read of $STATUS_BYTES bytes" "$RDSPID" --rpc=point_read \
        --target="127.0.0.1:$RDSP" --point_read_values=400 --answers="$ANSWERS"
      measure "$C" subject "GetSubmissionStatus" "$PPID2" --rpc=get_submission_status --answers="$ANSWERS" \
        --target="127.0.0.1:$PP"
    fi
  done
done
measure_report
echo
echo "Answers (loadgen --answers): $ANSWERS."
