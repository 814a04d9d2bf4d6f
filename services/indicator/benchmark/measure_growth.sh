#!/usr/bin/env bash
# EvaluatePlan latency against the years of readings held, and old against new
# binaries, in one run: one registry (the seed plan imported), then one fresh
# indicator_server per binary and data set, each with the 12 Beijing stations
# mapped to Mentougou towns (demonstration only, as measure_ingest.sh) and its
# data set loaded with `ecoplanctl indicator load`. Then ROUNDS rounds; in
# each, every server in turn answers CALLS EvaluatePlan calls (after 5) of
# each AS_OF day (indicator_evaluate_plan_latency), so that a noisy moment on
# the shared machine falls on all of them alike (even rounds in reverse order).
# Data sets (DATASETS, space-separated):
#   real   ../shared/data/beijing-aq as it is (2013-03 .. 2017-02)
#   <N>y   N years ending on END (default 2026-04-30), made by
#          generate_years.sh from the real series shifted by whole 4-year steps
# Usage (from the repository root):
#   B=<dir holding registry_server and ecoplanctl> \
#   SERVERS="new=build/services/indicator/indicator_server old=/path/to/old/indicator_server" \
#   EVAL_CLIENT=build/services/indicator/indicator_evaluate_plan_latency \
#   DATASETS="1y 10y" AS_OF="2026-04-30" ROUNDS=4 CALLS=100 \
#   bash services/indicator/benchmark/measure_growth.sh
# DUMP=<dir>: each server's last answer per day as text, to compare old and new.
# PERF=<dir>: in the last round, `perf record -F 499 --call-graph dwarf` of each
# server during its calls, into <dir>/<server>-<as_of>.data (side by side under
# the same load; `perf report -i … --no-children`). A build configured with
# -DECOPLAN_FULL_DEBUG_INFO=ON also shows the inlined frames.
# Prints one line per server, day and round ("round 2 new-10y EvaluatePlan as of …: p50 …;
# server CPU … ms per call; idle before: … ms in 1 s"). SETTLE=<s>: the longest wait, after
# the loads, for every server to be idle (default 120).
set -euo pipefail
B=${B:?B: the directory of registry_server and ecoplanctl}
SERVERS=${SERVERS:?SERVERS: label=indicator_server ...}
EVAL_CLIENT=${EVAL_CLIENT:?EVAL_CLIENT: indicator_evaluate_plan_latency}
DATA=${DATA:-../shared/data/beijing-aq}
DATASETS=${DATASETS:-1y 10y}
END=${END:-2026-04-30}
AS_OF=${AS_OF:-2026-04-30}
ROUNDS=${ROUNDS:-4}
CALLS=${CALLS:-100}
here=$(dirname "$0")
D=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$D"
}
trap cleanup EXIT
wait_file() { for _ in $(seq 600); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "no $1" >&2; exit 1; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# The data sets' files.
declare -A files
for ds in $DATASETS; do
  if [ "$ds" = real ]; then
    files[$ds]="$DATA/*.csv.gz"
    continue
  fi
  n=${ds%y}
  end=${END//-/}
  from=$(date -d "$END + 1 day - $n years" +%Y%m%d)
  t0=$(date +%s.%N)
  bash "$here/generate_years.sh" "$DATA" "$D/data-$ds" "$from" "$end"
  echo "generated $ds ($from .. $end): $(zcat "$D/data-$ds"/*.csv.gz | wc -l) lines in $(echo "$(date +%s.%N) - $t0" | bc) s"
  files[$ds]="$D/data-$ds/*.csv.gz"
done

"$B/registry_server" --host=127.0.0.1 --port=0 --port_file="$D/reg.port" --db_path="$D/reg" \
  --insecure_development_mode 2>"$D/reg.log" &
pids+=("$!")
wait_file "$D/reg.port"
REG="127.0.0.1:$(cat "$D/reg.port")"
plan=$("$B/ecoplanctl" --registry="$REG" plan import seeds/mentougou_2026_beautiful_mentougou_action_plan.txt |
  grep -o '2026-[0-9a-f]\{12\}' | head -1)

declare -A port spid
servers=()
for spec in $SERVERS; do
  label=${spec%%=*} bin=${spec#*=}
  for ds in $DATASETS; do
    name="$label-$ds"
    "$bin" --host=127.0.0.1 --port=0 --port_file="$D/$name.port" --db_path="$D/$name" \
      --registry_address="$REG" --insecure_development_mode --rate_limit_per_second=0 \
      2>"$D/$name.log" &
    pid=$!
    pids+=("$pid")
    wait_file "$D/$name.port"
    port[$name]=$(cat "$D/$name.port")
    CTL=("$B/ecoplanctl" --registry="$REG" --indicator="127.0.0.1:${port[$name]}")
    # DEMONSTRATION ONLY: Beijing stations standing in for Mentougou's towns.
    while read -r id town; do
      extra=()
      [ "$id" = Dingling ] && extra=(--not-district)
      "${CTL[@]}" indicator stations set "$id" --town "$town" --demonstration "${extra[@]}" >/dev/null
    done <<'T'
Aotizhongxin 大峪街道
Changping 城子街道
Dingling 清水镇
Dongsi 东辛房街道
Guanyuan 大台街道
Gucheng 永定镇
Huairou 雁翅镇
Nongzhanguan 龙泉镇
Shunyi 军庄镇
Tiantan 潭柘寺镇
Wanliu 妙峰山镇
Wanshouxigong 王平镇
T
    c0=$(cpu "$pid")
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086 # the glob of the data set's files
    "${CTL[@]}" --timeout 900s indicator load ${files[$ds]} >"$D/$name.load"
    echo "$name: loaded $(grep -i '^Accepted' "$D/$name.load" | tr -s ' ' | cut -d' ' -f2) readings in $(echo "$(date +%s.%N) - $t0" | bc) s, server CPU $(echo "scale=2; ($(cpu "$pid") - $c0) / $hz" | bc) s, RSS $(awk '/VmRSS/{print $2, $3}' /proc/$pid/status)"
    servers+=("$name")
    spid[$name]=$pid
  done
done
sleep 1  # the plan's indicators reach every server through the registry's events
# A server's CPU per call counts all its threads: wait (up to SETTLE seconds)
# until RocksDB's compactions after the load are over, each server using under
# 2 ticks in a second, so that they are not counted as the calls' CPU.
t0=$(date +%s.%N)
for _ in $(seq "${SETTLE:-120}"); do
  busy=0
  declare -A before=()
  for name in "${servers[@]}"; do before[$name]=$(cpu "${spid[$name]}"); done
  sleep 1
  for name in "${servers[@]}"; do
    [ $(($(cpu "${spid[$name]}") - before[$name])) -ge 2 ] && busy=1
  done
  [ "$busy" = 0 ] && break
done
echo "servers idle after $(echo "$(date +%s.%N) - $t0" | bc) s"

for r in $(seq "$ROUNDS"); do
  echo "round $r, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  for as_of in $AS_OF; do
    # Odd rounds in order, even rounds in reverse (ABBA): a machine getting
    # busier during a round does not always fall on the same servers.
    order=("${servers[@]}")
    if [ $((r % 2)) = 0 ]; then
      order=()
      for ((k = ${#servers[@]} - 1; k >= 0; k--)); do order+=("${servers[$k]}"); done
    fi
    for name in "${order[@]}"; do
      # The server's CPU per call (user+sys across the calls, warm-up included):
      # less at the mercy of the other builds than the latencies.
      perfpid=
      if [ -n "${PERF:-}" ] && [ "$r" = "$ROUNDS" ]; then
        perf record -F 499 --call-graph dwarf -p "${spid[$name]}" \
          -o "$PERF/$name-$as_of.data" 2>/dev/null &
        perfpid=$!
        sleep 0.5  # perf attached before the first call
      fi
      # The server's own CPU in the second before its calls (background work).
      i0=$(cpu "${spid[$name]}")
      sleep 1
      c0=$(cpu "${spid[$name]}")
      line=$("$EVAL_CLIENT" --target="127.0.0.1:${port[$name]}" --plan="$plan" \
        --as_of="$as_of" --calls="$CALLS" ${DUMP:+--dump="$DUMP/$name-$as_of.txt"})
      c1=$(cpu "${spid[$name]}")
      if [ -n "$perfpid" ]; then kill -INT "$perfpid"; wait "$perfpid" || true; fi
      echo "round $r $name $line; server CPU $(echo "scale=2; ($c1 - $c0) * 1000 / $hz / ($CALLS + 5)" | bc) ms per call; idle before: $(echo "($c0 - $i0) * 1000 / $hz" | bc) ms in 1 s"
    done
  done
done
