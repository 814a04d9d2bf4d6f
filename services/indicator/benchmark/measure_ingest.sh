#!/usr/bin/env bash
# Measures `ecoplanctl indicator load` of the 12-station Beijing data set
# (../shared/data/beijing-aq) through a running indicator_server: wall time and
# server CPU (/proc/<pid>/stat user+sys) of a fresh load and of a reload of the
# same files, beside the client's own CPU (/usr/bin/time). Then, optionally,
# EvaluatePlan latency (EVAL_CLIENT: evaluate_plan_latency from this folder).
# Usage: B=<dir holding indicator_server, registry_server, ecoplanctl> \
#        bash services/indicator/benchmark/measure_ingest.sh
# (run from the repository root). Prints one line per figure.
set -euo pipefail
B=${B:?B: the directory of the binaries}
DATA=${DATA:-../shared/data/beijing-aq}
PERF=${PERF:-}  # set: perf record -g of the server during the fresh load, into $PERF
D=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$D"
}
trap cleanup EXIT
wait_file() { for _ in $(seq 300); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "no $1" >&2; exit 1; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user+sys in clock ticks
hz=$(getconf CLK_TCK)

"$B/registry_server" --host=127.0.0.1 --port=0 --port_file="$D/reg.port" --db_path="$D/reg" \
  --insecure_development_mode 2>"$D/reg.log" &
pids+=($!)
wait_file "$D/reg.port"
"$B/indicator_server" --host=127.0.0.1 --port=0 --port_file="$D/ind.port" --db_path="$D/ind" \
  --registry_address="127.0.0.1:$(cat "$D/reg.port")" --insecure_development_mode \
  --rate_limit_per_second=0 2>"$D/ind.log" &
ind=$!
pids+=($ind)
wait_file "$D/ind.port"
CTL=("$B/ecoplanctl" --registry="127.0.0.1:$(cat "$D/reg.port")" --indicator="127.0.0.1:$(cat "$D/ind.port")")
plan=$("${CTL[@]}" plan import seeds/mentougou_2026_beautiful_mentougou_action_plan.txt |
  grep -o '2026-[0-9a-f]\{12\}' | head -1)
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
sleep 1
load() {
  local what=$1 c0 c1
  c0=$(cpu "$ind")
  /usr/bin/time -f "%e %U %S" -o "$D/time" "${CTL[@]}" --timeout 600s indicator load "$DATA"/*.csv.gz ${CHUNK:+--chunk "$CHUNK"} >"$D/$what.out"
  c1=$(cpu "$ind")
  read -r wall user sys <"$D/time"
  echo "$what: wall ${wall} s, server CPU $(echo "scale=2; ($c1 - $c0) / $hz" | bc) s, client CPU $(echo "$user + $sys" | bc) s (user $user sys $sys), load average $(cut -d' ' -f1 /proc/loadavg)"
}
if [ -n "$PERF" ]; then
  perf record -F 499 -g -p "$ind" -o "$PERF" 2>/dev/null &
  perfpid=$!
  load fresh
  kill -INT "$perfpid"; wait "$perfpid" || true
else
  load fresh
fi
grep -i "accepted\|unchanged\|flag\|rejected" "$D/fresh.out" | head -5 || true
load reload
grep -i "accepted\|unchanged" "$D/reload.out" | head -3 || true
echo "server RSS after the loads: $(awk '/VmRSS/{print $2, $3}' /proc/$ind/status)"
if [ -n "${EVAL_CLIENT:-}" ]; then
  if [ -n "${PERF_EVAL:-}" ]; then  # perf record -g of the server during the EvaluatePlan calls
    perf record -F 499 --call-graph dwarf -p "$ind" -o "$PERF_EVAL" 2>/dev/null &
    perfpid=$!
  fi
  for as_of in ${EVAL_AS_OF:-2016-06-30 2026-04-30}; do
    "$EVAL_CLIENT" --target="127.0.0.1:$(cat "$D/ind.port")" --plan="$plan" --as_of="$as_of" \
      --calls="${EVAL_CALLS:-100}"
  done
  if [ -n "${PERF_EVAL:-}" ]; then kill -INT "$perfpid"; wait "$perfpid" || true; fi
fi
if [ -n "${RESTART:-}" ]; then  # the time a restart takes to read the readings back
  kill "$ind"; wait "$ind" || true
  rm -f "$D/ind.port"
  t0=$(date +%s.%N)
  "$B/indicator_server" --host=127.0.0.1 --port=0 --port_file="$D/ind.port" --db_path="$D/ind" \
    --registry_address="127.0.0.1:$(cat "$D/reg.port")" --insecure_development_mode 2>>"$D/ind.log" &
  ind=$!
  pids+=($ind)
  wait_file "$D/ind.port"
  echo "restart: serving after $(echo "$(date +%s.%N) - $t0" | bc) s"
fi
