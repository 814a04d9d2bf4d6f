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
RESULTS=$D/results.jsonl
measure() {  # measure C KIND LABEL PID ARGS...
  local c=$1 kind=$2 label=$3 pid=$4
  shift 4
  local out
  out=$(loadgen --concurrency="$c" --duration="$DURATION" --warmup="$WARMUP" \
    --server_pid="$pid" "$@") || echo "$label at $c: loadgen exit $? $out" >&2
  [ -n "$out" ] || out='{}'
  python3 -c 'import json,sys; o=json.loads(sys.argv[4]); o.update(c=int(sys.argv[1]), kind=sys.argv[2], label=sys.argv[3]); print(json.dumps(o, ensure_ascii=False))' \
    "$c" "$kind" "$label" "$out" >>"$RESULTS"
}
START=$(date -u '+%Y-%m-%d %H:%M UTC')
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
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
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
echo "$START, $(nproc) cores, load average before: $LOAD_BEFORE, after: $LOAD_AFTER;" \
  "$DURATION per point after a $WARMUP warm-up, $ROUNDS rounds"
echo
python3 - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print("| clients | what | RPC/s | p50 ms | p99 ms | server CPU µs/call | RPC/s ÷ point read |")
print("|---|---|---|---|---|---|---|")
baseline = None
def num(x, fmt):
    return format(x, fmt) if isinstance(x, (int, float)) else "–"
for r in rows:
    lat = r.get("latency_ms", {})
    rps = r.get("rps")
    bad = "" if r.get("ok") == r.get("count") and r.get("count") else f' (not OK: {r.get("codes", "no result")})'
    if r["kind"] == "baseline":
        baseline, ratio, what = r, "baseline", f'*{r["label"]}*'
    else:
        b = baseline.get("rps") if baseline else None
        ratio = f'{rps / b:.0%}' if rps and b else "–"
        what = r["label"]
    print(f'| {r["c"]} | {what}{bad} | {num(rps, ",.0f")} | {num(lat.get("p50"), ".2f")} | '
          f'{num(lat.get("p99"), ".2f")} | {num(r.get("server_cpu_us_per_call"), ",.0f")} | {ratio} |')
PY
