#!/bin/bash
# Starts registry_server (seed imported), progress_server and the echo baseline,
# then measures echo and SubmitReport at 1, 16 and 64 concurrent clients.

# Usage: B=build tools/loadgen/measure_progress.sh   (CONCURRENCY="1 16 64" DURATION=10s)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$ROOT/build}
D=$(mktemp -d)
source "$ROOT/tools/loadgen/measure_lib.sh"
trap 'stop_started; rm -rf "$D"' EXIT
start_registry --http_port=-1 || exit 1
start_progress --http_port=-1 || exit 1
start_baseline echo --serve_echo=0 || exit 1
EP=$LAST_PORT
echo "registry :$RP progress :$PP echo :$EP data $D"
for C in ${CONCURRENCY:-1 16 64}; do
  for RPC in echo submit_report; do
    if [ $RPC = echo ]; then TARGET=127.0.0.1:$EP; else TARGET=127.0.0.1:$PP; fi
    $B/tools/loadgen/loadgen --rpc=$RPC --target=$TARGET --registry=127.0.0.1:$RP \
      --concurrency=$C --duration=${DURATION:-10s} --output=json || echo "(exit $?)"
  done
done
