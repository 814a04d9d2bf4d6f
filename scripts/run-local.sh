#!/usr/bin/env bash
# The local run: installs what is missing, builds, starts the services as
# plain processes with their data under one folder, imports the shipped seed
# plans and prints a summary. Ctrl-C (or SIGTERM) stops every service
# gracefully; running it again reuses the data.
#
#   ECOPLAN_DATA_DIR       data folder (default: var)
#   ECOPLAN_REGISTRY_PORT  registry gRPC port (default: 50051)
#   ECOPLAN_RUN_ONCE=1     import, print the summary and stop (for scripted checks)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/install-deps.sh
scripts/build.sh
build_dir="${ECOPLAN_BUILD_DIR:-build}"
data_dir="${ECOPLAN_DATA_DIR:-var}"
registry_port="${ECOPLAN_REGISTRY_PORT:-50051}"
mkdir -p "$data_dir/logs"
ctl=("$root/$build_dir/tools/ecoplanctl/ecoplanctl" --registry "127.0.0.1:$registry_port")

pids=()
stop_all() {
  trap - EXIT INT TERM
  if [ ${#pids[@]} -gt 0 ]; then
    echo "stopping services (pids ${pids[*]})"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop_all EXIT INT TERM

# start NAME BINARY ARGS...: starts a service, waits until its port file appears.
start() {
  local name=$1 binary=$2
  shift 2
  local port_file="$data_dir/$name.port"
  rm -f "$port_file"
  "$binary" --port_file="$port_file" "$@" >>"$data_dir/logs/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    if [ -s "$port_file" ]; then
      echo "$name listening on 127.0.0.1:$(cat "$port_file") (log: $data_dir/logs/$name.log)"
      return 0
    fi
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then
      echo "$name failed to start; last lines of its log:" >&2
      tail -n 20 "$data_dir/logs/$name.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$name did not start within 30 s" >&2
  exit 1
}

# Development mode (docs/SECURITY.md): local callers need no token. Never in a deployment.
start registry "$build_dir/services/registry/registry_server" \
  --host=127.0.0.1 --port="$registry_port" --db_path="$data_dir/registry" \
  --insecure_development_mode

for seed in seeds/*.txt; do
  echo
  echo "== importing $seed"
  "${ctl[@]}" plan import "$seed"
done

echo
echo "== plans"
"${ctl[@]}" plan list
echo
echo "== featured (★) measures of the newest plan"
"${ctl[@]}" measures list --featured

if [ "${ECOPLAN_RUN_ONCE:-0}" = "1" ]; then
  exit 0
fi
echo
echo "ecoplan is running. Try: ${ctl[*]} measures list --org 区交通局 --role lead"
echo "Press Ctrl-C to stop."
wait "${pids[@]}"
