#!/bin/bash
# measure_stream.sh: event → StreamNotifications delay, two builds side by side.
#
# Runs notification_benchmark against registry_server + notification_server of
# each build in OLD and NEW (dirs holding the three binaries, or build dirs),
# alternating old/new ROUNDS times, fresh databases every run, and prints the
# benchmark's summary lines with the 1-minute load average before each run.
#
#   OLD=/tmp/old NEW=build ROUNDS=3 ARGS="--subscribers=100 --receivers=100 --updates=10 --gap=200ms" \
#     services/notification/measure_stream.sh
#
# OLD_FLAGS / NEW_FLAGS: extra notification_server flags for that build (e.g.
# NEW_FLAGS="--delivery_max_per_second=3000").
#
# Only the processes started here are stopped.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OLD=${OLD:?dir of the old binaries}
NEW=${NEW:?dir of the new binaries}
ROUNDS=${ROUNDS:-3}
ARGS=${ARGS:---subscribers=100 --receivers=100 --updates=10 --gap=200ms}
SEED=${SEED:-$ROOT/seeds/mentougou_2026_beautiful_mentougou_action_plan.txt}
PIDS=()
stop_started() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
trap stop_started EXIT

# bin DIR NAME: the binary NAME in DIR, or in a build dir's service folder.
bin() {
  if [ -x "$1/$2" ]; then echo "$1/$2"; else echo "$1/services/${2%%_*}/$2"; fi
}

wait_port() {
  for _ in $(seq 1 300); do
    [ -s "$1" ] && cat "$1" && return 0
    sleep 0.1
  done
  echo "no port in $1" >&2
  return 1
}

run_one() {  # run_one LABEL DIR [notification_server flags...]
  local label=$1 dir=$2 d
  shift 2
  d=$(mktemp -d)
  "$(bin "$dir" registry_server)" --port=0 --port_file="$d/r.port" --db_path="$d/r" \
    --insecure_development_mode --rate_limit_per_second=0 >"$d/r.log" 2>&1 &
  PIDS+=($!)
  local rp np
  rp=$(wait_port "$d/r.port")
  "$(bin "$dir" notification_server)" --port=0 --port_file="$d/n.port" --db_path="$d/n" \
    --insecure_development_mode --rate_limit_per_second=0 --registry_address="127.0.0.1:$rp" \
    --demo_clock_start=2026-04-01T09:00:00+08:00 --webhook_allowed_networks=127.0.0.1/32 \
    --max_subscriptions_per_owner=100 "$@" >"$d/n.log" 2>&1 &
  PIDS+=($!)
  NPID=$!
  np=$(wait_port "$d/n.port")
  echo "== $label $* load=$(cut -d' ' -f1 /proc/loadavg) $(date -u +%H:%M:%S)"
  local cpu0 cpu1
  cpu0=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$NPID/stat")
  # shellcheck disable=SC2086
  "${BENCH:-$(bin "$NEW" notification_benchmark)}" --registry="127.0.0.1:$rp" \
    --notification="127.0.0.1:$np" --import_plan="$SEED" $ARGS 2>&1 |
    awk '/→ 127/ { sub(/ → .*/, ""); name = $0 } /latency ms/ { printf "   %-45s %s\n", name, $0 }
         /deliveries:|connections:/ { print "   " $0 }' || true
  cpu1=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$NPID/stat")
  echo "   notification_server CPU during the run: $(echo "$cpu1 - $cpu0" | bc) s; load after=$(cut -d' ' -f1 /proc/loadavg)"
  stop_started
  rm -rf "$d"
}

for r in $(seq 1 "$ROUNDS"); do
  # shellcheck disable=SC2086
  run_one "round $r old" "$OLD" ${OLD_FLAGS:-}
  # shellcheck disable=SC2086
  run_one "round $r new" "$NEW" ${NEW_FLAGS:-}
done
