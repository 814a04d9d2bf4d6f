#!/bin/bash
# A full volume under load, from outside: registry_server (seed imported) and
# progress_server with its database on a tmpfs of SIZE (default 48m) that this
# script mounts and unmounts (root needed); 16 loadgen clients submit reports
# for DURATION (default 30s), long past the moment the volume fills. Prints the
# answer codes, whether progress_server survived, and its log lines about the
# database. Before the fix the server aborted inside librocksdb within seconds
# (docs/OPERATIONS.md, "A full volume, a crash").
#
# Usage: B=build tools/loadgen/measure_disk_full.sh   (SIZE=48m DURATION=30s CONCURRENCY=16)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$ROOT/build}
SEED=$ROOT/seeds/mentougou_2026_beautiful_mentougou_action_plan.txt
D=$(mktemp -d)
VOLUME=$D/volume
mkdir -p "$VOLUME"
if ! mount -t tmpfs -o "size=${SIZE:-48m}" tmpfs "$VOLUME"; then
  echo "cannot mount a tmpfs (run as root)" >&2
  rm -rf "$D"
  exit 1
fi
wait_port() {
  for _ in $(seq 1 300); do
    [ -s "$1" ] && cat "$1" && return
    sleep 0.1
  done
  echo "no port $1" >&2
}
"$B/services/registry/registry_server" --port=0 --http_port=-1 --port_file="$D/r.port" --db_path="$D/registry" \
  --insecure_development_mode > "$D/r.log" 2>&1 &
RPID=$!
RP=$(wait_port "$D/r.port")
"$B/tools/ecoplanctl/ecoplanctl" --registry="127.0.0.1:$RP" plan import "$SEED" > /dev/null
"$B/services/progress/progress_server" --port=0 --http_port=-1 --port_file="$D/p.port" \
  --db_path="$VOLUME/progress" --registry_address="127.0.0.1:$RP" --insecure_development_mode \
  --rate_limit_per_second=0 > "$D/p.log" 2>&1 &
PPID2=$!
PP=$(wait_port "$D/p.port")
for _ in $(seq 1 300); do
  "$B/tools/ecoplanctl/ecoplanctl" --registry="127.0.0.1:$RP" --progress="127.0.0.1:$PP" \
    calendar show > /dev/null 2>&1 && break
  sleep 0.1
done
"$B/tools/loadgen/loadgen" --rpc=submit_report --target="127.0.0.1:$PP" --registry="127.0.0.1:$RP" \
  --concurrency="${CONCURRENCY:-16}" --duration="${DURATION:-30s}" --output=json
df -h "$VOLUME" | tail -1
if kill -0 "$PPID2" 2>/dev/null; then
  echo "progress_server: alive"
else
  wait "$PPID2"
  echo "progress_server: DIED (exit $?)"
fi
grep -E '"message":"(database|rocksdb|audit)' "$D/p.log" | cut -c1-240 | head -8
kill "$PPID2" "$RPID" 2>/dev/null
wait 2>/dev/null
umount "$VOLUME"
rm -rf "$D"
