#!/bin/bash
# A soak of the four services under mixed load (docs/OPERATIONS.md "Soak"): the
# seed plan imported, stations and three weeks of readings loaded, then for
# DURATION seconds: loadgen submitting reports (CONCURRENCY clients, which the
# notification service turns into review notifications), a reader asking the
# submission status, an inbox, the plan's evaluation (lights, scorecards)
# and the registry's measures, and the registry's event stream followed the
# whole time. Every SAMPLE
# seconds, per service: resident memory, open file descriptors, threads and
# the size of its data directory, to $OUT (CSV); at the end the first,
# the last and the maximum of each, and the growth over the second half.
#
# Usage: B=build DURATION=3600 CONCURRENCY=8 SAMPLE=60 OUT=soak.csv tools/loadgen/soak.sh
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$ROOT/build}
DURATION=${DURATION:-3600}
CONCURRENCY=${CONCURRENCY:-8}
SAMPLE=${SAMPLE:-60}
OUT=${OUT:-soak.csv}
SEED=$ROOT/seeds/mentougou_2026_beautiful_mentougou_action_plan.txt
D=$(mktemp -d)
pids=()
cleanup() {
  [ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$D"
}
trap cleanup EXIT

base=$((20000 + RANDOM % 20000))
R=127.0.0.1:$base P=127.0.0.1:$((base + 1)) I=127.0.0.1:$((base + 2)) N=127.0.0.1:$((base + 3))
declare -A pid_of
start() {
  local name=$1 port=$2
  shift 2
  "$B/services/$name/${name}_server" --host=127.0.0.1 --insecure_development_mode \
    --rate_limit_per_second=0 --port="$port" --http_port=-1 --port_file="$D/$name.port" \
    --db_path="$D/$name" --backup_dir= "$@" >"$D/$name.log" 2>&1 &
  pids+=($!)
  pid_of[$name]=$!
  for _ in $(seq 1 300); do
    [ -s "$D/$name.port" ] && return 0
    sleep 0.1
  done
  echo "$name did not start" >&2
  tail -5 "$D/$name.log" >&2
  exit 1
}
start registry "$base"
start progress "$((base + 1))" --registry_address=$R --indicator_address=$I
start indicator "$((base + 2))" --registry_address=$R --progress_address=$P --evaluation_debounce=5s
start notification "$((base + 3))" --registry_address=$R --progress_address=$P \
  --indicator_address=$I
ctl=("$B/tools/ecoplanctl/ecoplanctl" --registry $R --progress $P --indicator $I)
"${ctl[@]}" plan import "$SEED" >/dev/null
"${ctl[@]}" indicator stations set Gucheng --town 永定镇 --name 古城 --demonstration >/dev/null
"${ctl[@]}" indicator stations set Dingling --town 清水镇 --name 定陵 --not-district \
  --demonstration >/dev/null
"${ctl[@]}" indicator load "$ROOT"/tests/data/beijing-aq/*.csv >/dev/null
for _ in $(seq 1 100); do
  "${ctl[@]}" report status --period 2026-05 >/dev/null 2>&1 && break
  sleep 0.2
done

end=$((SECONDS + DURATION))
# The writers: loadgen in rounds of a minute (bounded), until the end.
(
  while [ $SECONDS -lt $end ]; do
    "$B/tools/loadgen/loadgen" --rpc=submit_report --target=$P --registry=$R \
      --concurrency="$CONCURRENCY" --duration=60s --warmup=0s --output=json \
      >>"$D/loadgen.jsonl" 2>/dev/null || sleep 5  # a failed round is not retried at once
  done
) &
pids+=($!)
# The readers: one pass every 2 s.
(
  while [ $SECONDS -lt $end ]; do
    "${ctl[@]}" report status --period 2026-05 >/dev/null 2>&1
    "${ctl[@]}" --notification $N notify inbox 区生态环境局 --page-size 50 >/dev/null 2>&1
    "${ctl[@]}" indicator plan >/dev/null 2>&1
    "${ctl[@]}" measures list --org 区交通局 >/dev/null 2>&1
    sleep 2
  done
) &
pids+=($!)
# The registry's event stream, followed the whole time (reconnecting if it ends).
(
  while [ $SECONDS -lt $end ]; do
    "${ctl[@]}" events watch --follow --idle 120s >/dev/null 2>&1
    sleep 1
  done
) &
pids+=($!)

echo "time_s,service,rss_kib,fds,threads,db_kib" >"$OUT"
sample() {
  local t=$1
  for name in registry progress indicator notification; do
    local p=${pid_of[$name]}
    local rss fds threads db
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null)
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$p/status" 2>/dev/null)
    fds=$(ls "/proc/$p/fd" 2>/dev/null | wc -l)
    db=$(du -sk "$D/$name" 2>/dev/null | cut -f1)
    echo "$t,$name,${rss:-0},$fds,${threads:-0},${db:-0}" >>"$OUT"
  done
}
start_time=$SECONDS
while [ $SECONDS -lt $end ]; do
  sample $((SECONDS - start_time))
  sleep "$SAMPLE"
done
sample $((SECONDS - start_time))
for name in registry progress indicator notification; do
  kill -0 "${pid_of[$name]}" 2>/dev/null || echo "$name is not running any more: $(tail -3 "$D/$name.log")"
done

echo "loadgen rounds: $(wc -l <"$D/loadgen.jsonl"); acknowledged submissions: $(sed -n 's/.*"ok":\([0-9]*\).*/\1/p' "$D/loadgen.jsonl" | awk '{s += $1} END {print s + 0}')"
awk -F, -v half=$((DURATION / 2)) 'NR > 1 {
    k = $2
    if (!(k in first_rss)) { first_rss[k] = $3; first_fds[k] = $4; first_db[k] = $6 }
    if ($1 <= half) { mid_rss[k] = $3; mid_fds[k] = $4; mid_thr[k] = $5 }
    last_rss[k] = $3; last_fds[k] = $4; last_thr[k] = $5; last_db[k] = $6
    if ($3 > max_rss[k]) max_rss[k] = $3
    if ($4 > max_fds[k]) max_fds[k] = $4
  }
  END {
    printf "%-13s %10s %10s %10s %13s %6s %6s %8s %10s %10s\n", "service", "rss0 MiB", "rss MiB", "max MiB",
           "2nd-half MiB", "fds", "maxfd", "threads", "db0 MiB", "db MiB"
    for (k in last_rss)
      printf "%-13s %10.1f %10.1f %10.1f %+13.1f %6d %6d %8d %10.1f %10.1f\n", k, first_rss[k] / 1024,
             last_rss[k] / 1024, max_rss[k] / 1024, (last_rss[k] - mid_rss[k]) / 1024, last_fds[k],
             max_fds[k], last_thr[k], first_db[k] / 1024, last_db[k] / 1024
  }' "$OUT"
