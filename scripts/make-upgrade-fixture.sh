#!/usr/bin/env bash
# Writes an upgrade fixture: the four services' data directories as a release
# leaves them, and what that release answered to the reads in
# tests/data/upgrade/reads.txt. UpgradeE2eTest opens the directories with the
# binaries being tested and expects the same answers (docs/OPERATIONS.md
# "Upgrade"). Run it with the build of a release, e.g.
#   git worktree add /tmp/rel <release commit> && (cd /tmp/rel && scripts/build.sh)
#   scripts/make-upgrade-fixture.sh /tmp/rel/build tests/data/upgrade/<release>.tar.gz
# It starts the services in development mode on loopback ports, writes a
# month of work through ecoplanctl (the seed plan, reports accepted and
# returned, an extension, a supervision order replied to and closed, a problem
# ledger, air-quality readings), reads, stops the services with SIGTERM and
# packs the directories with the answers.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build_dir=$(cd "${1:?usage: $0 BUILD_DIR OUT.tar.gz}" && pwd)
out="${2:?usage: $0 BUILD_DIR OUT.tar.gz}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/data"
mkdir -p "$data" "$work/logs" "$work/answers"

port_base=$((20000 + RANDOM % 20000))
registry="127.0.0.1:$port_base"
progress="127.0.0.1:$((port_base + 1))"
indicator="127.0.0.1:$((port_base + 2))"
notification="127.0.0.1:$((port_base + 3))"
ctl=("$build_dir/tools/ecoplanctl/ecoplanctl" --registry "$registry" --progress "$progress"
     --indicator "$indicator")

pids=()
stop_all() {
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT

start() {
  local name=$1 port=$2
  shift 2
  "$build_dir/services/$name/${name}_server" --host=127.0.0.1 --insecure_development_mode \
    --port="$port" --http_port=-1 --port_file="$work/$name.port" --db_path="$data/$name" --backup_dir= \
    "$@" >>"$work/logs/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    [ -s "$work/$name.port" ] && return 0
    sleep 0.1
  done
  echo "$name did not start:" >&2
  tail -n 20 "$work/logs/$name.log" >&2
  exit 1
}

start registry "$port_base"
start progress "$((port_base + 1))" --registry_address="$registry" --indicator_address="$indicator"
start indicator "$((port_base + 2))" --registry_address="$registry" --progress_address="$progress" \
  --evaluation_time=off
start notification "$((port_base + 3))" --registry_address="$registry" \
  --progress_address="$progress" --indicator_address="$indicator" --schedule_interval=1h

"${ctl[@]}" plan import seeds/mentougou_2026_beautiful_mentougou_action_plan.txt >/dev/null
for _ in $(seq 1 150); do
  "${ctl[@]}" report status --period 2026-05 >/dev/null 2>&1 && break
  sleep 0.2
done

# May's reports: one accepted, one returned, one submitted.
"${ctl[@]}" report submit --org 区交通局 --period 2026-05 --measure a1-t3-m2 --status in-progress \
  --percent 40 --work-done "淘汰老旧营运货车" --next-steps "继续推进" --actor 交通局填报员 >/dev/null
"${ctl[@]}" report accept --org 区交通局 --period 2026-05 --comment "同意" --actor bureau >/dev/null
"${ctl[@]}" report submit --org 区水务局 --period 2026-05 --measure a1-t30-m1 --status in-progress \
  --percent 30 --work-done "开展河道巡查" --next-steps "继续推进" --actor 水务局填报员 >/dev/null
"${ctl[@]}" report return --org 区水务局 --period 2026-05 --comment "请补充数据" --actor bureau >/dev/null
"${ctl[@]}" report submit --org 王平镇 --period 2026-05 --measure a1-t13-m2 --status in-progress \
  --percent 50 --work-done "排查排污口" --next-steps "整治" --actor 王平镇填报员 >/dev/null

# A supervision order replied to, accepted and closed.
"${ctl[@]}" supervision issue --title "渣土车遗撒" --description "核查并整改" --source hotline \
  --ref 12345-2026-000001 --level yellow --measure a1-t3-m2 --org 区交通局 --due 2027-12-31 \
  --case-number CC-2026-0001 >/dev/null
order=$("${ctl[@]}" --output json supervision list | sed -n 's/.*"name": *"\([^"]*supervisionOrders[^"]*\)".*/\1/p' | head -1)
"${ctl[@]}" supervision reply "$order" --org 区交通局 --content "已整改" \
  --evidence https://example.gov.cn/evidence/1 >/dev/null
"${ctl[@]}" supervision verify "$order" --org 区交通局 --accept >/dev/null
"${ctl[@]}" supervision close "$order" --comment "销号" >/dev/null

# A problem ledger of drainage outlets; one item rectified and closed.
cat >"$work/outlets.csv" <<'CSV'
编号,名称,责任单位,整改期限,类别,位置
PWK-001,永定河左岸排污口,王平镇,2027-06-30,排污口,王平镇河段
PWK-002,清水河排污口,王平镇,2027-06-30,排污口,清水河
CSV
"${ctl[@]}" problems import "$work/outlets.csv" --measure a1-t25-m3 >/dev/null
item=$("${ctl[@]}" --output json problems list --code PWK-001 | sed -n 's/.*"name": *"\([^"]*problems\/[^"]*\)".*/\1/p' | head -1)
"${ctl[@]}" problems start "$item" >/dev/null
"${ctl[@]}" problems claim "$item" --evidence https://example.gov.cn/evidence/2 >/dev/null
"${ctl[@]}" problems verify "$item" >/dev/null
"${ctl[@]}" problems close "$item" >/dev/null

# Air quality: two demonstration stations and three weeks of readings.
"${ctl[@]}" indicator stations set Gucheng --town 永定镇 --name 古城 --demonstration >/dev/null
"${ctl[@]}" indicator stations set Dingling --town 清水镇 --name 定陵 --not-district \
  --demonstration >/dev/null
"${ctl[@]}" indicator load tests/data/beijing-aq/PRSA_Data_Gucheng_20170101-20170121.csv \
  tests/data/beijing-aq/PRSA_Data_Dingling_20170101-20170121.csv >/dev/null

# The notification service has followed everything before it is read.
sleep 5

# The answers, one JSON file per line of reads.txt.
n=0
while IFS= read -r line; do
  case "$line" in '' | '#'*) continue ;; esac
  n=$((n + 1))
  eval "args=($line)"
  extra=()
  [ "${args[0]}" = notify ] && extra=(--notification "$notification")
  "${ctl[@]}" "${extra[@]}" --output json "${args[@]}" >"$work/answers/$n.json"
done <tests/data/upgrade/reads.txt

stop_all
cp tests/data/upgrade/reads.txt "$work/answers/reads.txt"
# The commit the binaries were built from (the build's source directory).
source_dir=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build_dir/CMakeCache.txt")
git -C "$source_dir" rev-parse HEAD >"$work/answers/written-by.txt" 2>/dev/null || true
tar -C "$work" -czf "$out" data answers
echo "wrote $out ($(du -h "$out" | cut -f1)): $n answers"
