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
D=$(mktemp -d)
source "$ROOT/tools/loadgen/measure_lib.sh"
VOLUME=$D/volume
mkdir -p "$VOLUME"
if ! mount -t tmpfs -o "size=${SIZE:-48m}" tmpfs "$VOLUME"; then
  echo "cannot mount a tmpfs (run as root)" >&2
  rm -rf "$D"
  exit 1
fi
start_registry --http_port=-1
PROGRESS_DB=$VOLUME/progress start_progress --http_port=-1
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
stop_started
umount "$VOLUME"
rm -rf "$D"
