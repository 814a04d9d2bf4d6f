#!/bin/bash
# Shared by the tools/loadgen/measure_*.sh scripts (sourced, not run): start
# the servers on free ports of 127.0.0.1 in the temp dir $D, wait for their
# ports, and stop only the processes started here.
#
# Needs: B (build dir), D (a temp dir), ROOT. Every start_* function records
# the PID it started in MEASURE_PIDS; stop_started kills exactly those.

SEED=${SEED:-$ROOT/seeds/mentougou_2026_beautiful_mentougou_action_plan.txt}
MEASURE_PIDS=()

# wait_port FILE: prints the port a server wrote to FILE (waits up to 30 s).
wait_port() {
  for _ in $(seq 1 300); do
    [ -s "$1" ] && cat "$1" && return 0
    sleep 0.1
  done
  echo "no port in $1" >&2
  return 1
}

# cpu_seconds PID: CPU seconds (user + system) the process has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"
}

# start_bg LOG CMD...: runs CMD in the background, output to LOG; sets LAST_PID.
start_bg() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  LAST_PID=$!
  MEASURE_PIDS+=("$LAST_PID")
}

# start_registry [FLAGS...]: registry_server with the seed plan imported; sets RPID, RP.
start_registry() {
  start_bg "$D/r.log" "$B/services/registry/registry_server" --port=0 --port_file="$D/r.port" \
    --db_path="$D/registry" --insecure_development_mode "$@"
  RPID=$LAST_PID
  RP=$(wait_port "$D/r.port") || return 1
  "$B/tools/ecoplanctl/ecoplanctl" --registry="127.0.0.1:$RP" plan import "$SEED" >/dev/null
}

# start_progress [FLAGS...]: progress_server (${PROGRESS_BIN:-$B/services/progress/progress_server})
# following the registry at $RP, its DB at ${PROGRESS_DB:-$D/progress}, its log and port
# file named ${PROGRESS_NAME:-p}; returns once it has the plan; sets PPID2, PP. Every
# development-mode caller is the one subject "development": no per-caller rate limit.
# A second server, e.g. an old binary beside the new:
#   PROGRESS_BIN=$OLD PROGRESS_DB=$D/progress_old PROGRESS_NAME=old start_progress
start_progress() {
  local name=${PROGRESS_NAME:-p}
  start_bg "$D/$name.log" "${PROGRESS_BIN:-$B/services/progress/progress_server}" --port=0 \
    --port_file="$D/$name.port" --db_path="${PROGRESS_DB:-$D/progress}" \
    --registry_address="127.0.0.1:$RP" --insecure_development_mode --rate_limit_per_second=0 "$@"
  PPID2=$LAST_PID
  PP=$(wait_port "$D/$name.port") || return 1
  for _ in $(seq 1 300); do
    "$B/tools/ecoplanctl/ecoplanctl" --registry="127.0.0.1:$RP" --progress="127.0.0.1:$PP" \
      calendar show >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "progress_server at :$PP never saw the plan" >&2
  return 1
}

# start_new_and_old_progress: the registry, then $B's progress_server (sets NPID, NP) and
# $OLD's (sets OPID, OP), each on its own DB, for measuring two binaries side by side.
start_new_and_old_progress() {
  start_registry --http_port=-1 --rate_limit_per_second=0 || return 1
  start_progress --http_port=-1 || return 1
  NPID=$PPID2 NP=$PP
  PROGRESS_BIN=$OLD PROGRESS_DB="$D/progress_old" PROGRESS_NAME=old start_progress --http_port=-1 ||
    return 1
  OPID=$PPID2 OP=$PP
}

# start_baseline NAME FLAGS...: `loadgen FLAGS --port_file=$D/NAME.port`; sets LAST_PID, LAST_PORT.
start_baseline() {
  local name=$1
  shift
  start_bg "$D/$name.log" "$B/tools/loadgen/loadgen" "$@" --port_file="$D/$name.port"
  LAST_PORT=$(wait_port "$D/$name.port") || return 1
}

# stop_started: SIGTERM to every process started here, then wait for them.
stop_started() {
  local p
  for p in "${MEASURE_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${MEASURE_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  MEASURE_PIDS=()
}

# Side by side (measure_all.sh and the scripts like it): measure_begin, then `measure` per
# point, then measure_report. Needs DURATION and WARMUP; RP (a registry port), when set, is
# passed to loadgen as --registry.
measure_begin() {
  RESULTS=$D/results.jsonl
  : >"$RESULTS"
  START=$(date -u '+%Y-%m-%d %H:%M UTC')
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
}

# measure C KIND LABEL PID ARGS...: one loadgen run (ARGS) with C clients for DURATION after
# WARMUP, counting the CPU of the server PID; appends {"c","kind","label",…loadgen's JSON} to
# $RESULTS. KIND is baseline or subject: a subject is compared with the baseline before it.
measure() {
  local c=$1 kind=$2 label=$3 pid=$4
  shift 4
  local out
  out=$(timeout 120 "$B/tools/loadgen/loadgen" ${RP:+--registry="127.0.0.1:$RP"} --output=json \
    --concurrency="$c" --duration="$DURATION" --warmup="$WARMUP" --server_pid="$pid" "$@") ||
    echo "$label at $c: loadgen exit $? $out" >&2
  [ -n "$out" ] || out='{}'
  python3 -c 'import json,sys; o=json.loads(sys.argv[4]); o.update(c=int(sys.argv[1]), kind=sys.argv[2], label=sys.argv[3]); print(json.dumps(o, ensure_ascii=False))' \
    "$c" "$kind" "$label" "$out" >>"$RESULTS"
}

# measure_report: when, the load average before and after, and the table (measure_table.py).
measure_report() {
  local load_after
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "$START, $(nproc) cores, load average before: $LOAD_BEFORE, after: $load_after;" \
    "$DURATION per point after a $WARMUP warm-up, $ROUNDS rounds"
  echo
  python3 "$ROOT/tools/loadgen/measure_table.py" "$RESULTS"
}
