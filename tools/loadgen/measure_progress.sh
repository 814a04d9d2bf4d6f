#!/bin/bash
# Starts registry_server (seed imported), progress_server and the echo baseline,
# then measures echo and SubmitReport at 1, 16 and 64 concurrent clients.

# Usage: B=build tools/loadgen/measure_progress.sh   (CONCURRENCY="1 16 64" DURATION=10s)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$ROOT/build}
SEED=$ROOT/seeds/mentougou_2026_beautiful_mentougou_action_plan.txt
D=$(mktemp -d)
wait_port() {
  for i in $(seq 1 300); do
    [ -s "$1" ] && cat "$1" && return
    sleep 0.1
  done
  echo "no port $1" >&2
  exit 1
}
$B/services/registry/registry_server --port=0 --http_port=-1 --port_file=$D/r.port --db_path=$D/registry \
  --insecure_development_mode > $D/r.log 2>&1 &
RPID=$!
RP=$(wait_port $D/r.port)
$B/tools/ecoplanctl/ecoplanctl --registry=127.0.0.1:$RP plan import $SEED > /dev/null
# Every development-mode caller is the one subject "development": no per-caller rate limit here.
$B/services/progress/progress_server --port=0 --http_port=-1 --port_file=$D/p.port --db_path=$D/progress \
  --registry_address=127.0.0.1:$RP --insecure_development_mode --rate_limit_per_second=0 \
  > $D/p.log 2>&1 &
PPID2=$!
PP=$(wait_port $D/p.port)
$B/tools/loadgen/loadgen --serve_echo=0 --port_file=$D/e.port 2> $D/e.log &
EPID=$!
EP=$(wait_port $D/e.port)
for i in $(seq 1 300); do
  $B/tools/ecoplanctl/ecoplanctl --registry=127.0.0.1:$RP --progress=127.0.0.1:$PP calendar show \
    > /dev/null 2>&1 && break
  sleep 0.1
done
echo "registry :$RP progress :$PP echo :$EP data $D"
for C in ${CONCURRENCY:-1 16 64}; do
  for RPC in echo submit_report; do
    if [ $RPC = echo ]; then TARGET=127.0.0.1:$EP; else TARGET=127.0.0.1:$PP; fi
    $B/tools/loadgen/loadgen --rpc=$RPC --target=$TARGET --registry=127.0.0.1:$RP \
      --concurrency=$C --duration=${DURATION:-10s} --output=json || echo "(exit $?)"
  done
done
kill $EPID $PPID2 $RPID
wait 2>/dev/null || true
rm -rf "$D"
