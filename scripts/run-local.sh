#!/usr/bin/env bash
# The local run: installs what is missing, builds, starts the services as
# plain processes with their data under one folder, imports the shipped seed
# plans and prints a summary. Ctrl-C (or SIGTERM) stops every service
# gracefully; running it again reuses the data.
#
#   ECOPLAN_DATA_DIR       data folder (default: var)
#   ECOPLAN_REGISTRY_PORT  registry gRPC port (default: 50051); progress, indicator and
#                          notification listen on the next three ports (50052, 50053, 50054)
#   ECOPLAN_RUN_ONCE=1     import, print the summary and stop (for scripted checks)
#   ECOPLAN_LOCAL_KEYS=1   run with tokens as in production instead of development mode: ES256
#                          keys generated once under <data>/keys (a JWKS, each service its own
#                          key), and an administrator token for the summary's ecoplanctl calls
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/install-deps.sh
scripts/build.sh
build_dir="${ECOPLAN_BUILD_DIR:-build}"
data_dir="${ECOPLAN_DATA_DIR:-var}"
registry_port="${ECOPLAN_REGISTRY_PORT:-50051}"
progress_port=$((registry_port + 1))
indicator_port=$((registry_port + 2))
notification_port=$((registry_port + 3))
# The same APIs over HTTP (Connect, Server-Sent Events, /openapi.json).
registry_http_port="${ECOPLAN_REGISTRY_HTTP_PORT:-8081}"
progress_http_port=$((registry_http_port + 1))
indicator_http_port=$((registry_http_port + 2))
notification_http_port=$((registry_http_port + 3))
mkdir -p "$data_dir/logs"
ctl=("$root/$build_dir/tools/ecoplanctl/ecoplanctl" --registry "127.0.0.1:$registry_port"
     --progress "127.0.0.1:$progress_port" --indicator "127.0.0.1:$indicator_port")

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
# The local run is a development setup: no tokens (--insecure_development_mode,
# logged loudly by every service), and server reflection on for grpcurl (off by default).
# The Kubernetes manifests keep both off.
common_flags=(--host=127.0.0.1 --insecure_development_mode --grpc_reflection)
progress_key=() indicator_key=() notification_key=()
if [ "${ECOPLAN_LOCAL_KEYS:-0}" = "1" ]; then
  # Keys as docs/OPERATIONS.md "Token keys" makes them: an issuer key for people's tokens and
  # one key per calling service, bound to its subject in the JWKS (docs/SECURITY.md "Keys").
  keys="$data_dir/keys"
  ctl_bin="$root/$build_dir/tools/ecoplanctl/ecoplanctl"
  if [ ! -s "$keys/jwks.json" ]; then
    mkdir -p "$keys" && chmod 700 "$keys"
    for k in issuer progress indicator notification; do
      openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$keys/$k.pem"
    done
    {
      echo '{"keys":['
      "$ctl_bin" token jwk --key-file "$keys/issuer.pem" --kid local-issuer
      for s in progress indicator notification; do
        echo ','
        "$ctl_bin" token jwk --key-file "$keys/$s.pem" --service "$s"
      done
      echo ']}'
    } >"$keys/jwks.json"
  fi
  "$ctl_bin" token mint --key-file "$keys/issuer.pem" --kid local-issuer --subject local-admin \
    --role administrator --ttl 12h --out "$keys/admin.token"
  common_flags=(--host=127.0.0.1 --grpc_reflection --auth_jwks_file="$keys/jwks.json")
  progress_key=(--service_signing_key_file="$keys/progress.pem")
  indicator_key=(--service_signing_key_file="$keys/indicator.pem")
  notification_key=(--service_signing_key_file="$keys/notification.pem")
  ctl+=(--token-file "$keys/admin.token")
  echo "tokens: ES256 keys in $keys; ecoplanctl --token-file $keys/admin.token (12 h)"
fi
start registry "$build_dir/services/registry/registry_server" "${common_flags[@]}" \
  --port="$registry_port" --http_port="$registry_http_port" --db_path="$data_dir/registry" --backup_dir="$data_dir/registry-backups"
start progress "$build_dir/services/progress/progress_server" "${common_flags[@]}" "${progress_key[@]}" \
  --port="$progress_port" --http_port="$progress_http_port" --db_path="$data_dir/progress" --backup_dir="$data_dir/progress-backups" \
  --registry_address="127.0.0.1:$registry_port" --indicator_address="127.0.0.1:$indicator_port"
start indicator "$build_dir/services/indicator/indicator_server" "${common_flags[@]}" "${indicator_key[@]}" \
  --port="$indicator_port" --http_port="$indicator_http_port" --db_path="$data_dir/indicator" \
  --backup_dir="$data_dir/indicator-backups" --registry_address="127.0.0.1:$registry_port" \
  --progress_address="127.0.0.1:$progress_port"
# Webhooks: local receivers are on loopback, which only an explicit allow-list admits (the
# production default is public addresses only); the signing secrets are sealed at rest with a
# key made once for this data directory (in production: a Kubernetes Secret).
webhook_key_file="$data_dir/webhook-secret.key"
if [[ ! -s "$webhook_key_file" ]]; then
  (umask 077 && printf 'local-1 %s\n' "$(head -c 32 /dev/urandom | base64 -w0)" >"$webhook_key_file")
fi
start notification "$build_dir/services/notification/notification_server" "${common_flags[@]}" \
  "${notification_key[@]}" \
  --port="$notification_port" --http_port="$notification_http_port" --db_path="$data_dir/notification" \
  --backup_dir="$data_dir/notification-backups" --registry_address="127.0.0.1:$registry_port" \
  --progress_address="127.0.0.1:$progress_port" --indicator_address="127.0.0.1:$indicator_port" \
  --webhook_allowed_networks=127.0.0.1/32 --webhook_secret_key_file="$webhook_key_file"

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

# The other services build their view of the plan from the registry's events.
for _ in $(seq 1 100); do
  "${ctl[@]}" report status --period "$(date +%Y-%m)" >/dev/null 2>&1 && break
  sleep 0.2
done
echo
echo "== this month's reporting status (progress)"
"${ctl[@]}" report status --period "$(date +%Y-%m)" || true
echo
echo "== indicators built from the plan (indicator)"
"${ctl[@]}" indicator list || true
echo
echo "== the bureau's inbox (notification)"
"${ctl[@]}" notify inbox 区生态环境局 --notification "127.0.0.1:$notification_port" || true

if [ "${ECOPLAN_RUN_ONCE:-0}" = "1" ]; then
  exit 0
fi
echo
echo "ecoplan is running. Try: ${ctl[*]} measures list --org 区交通局 --role lead"
echo "Over HTTP: http://127.0.0.1:$registry_http_port (registry), :$progress_http_port (progress),"
echo "  :$indicator_http_port (indicator), :$notification_http_port (notification); each serves /openapi.json"
echo "Press Ctrl-C to stop."
wait "${pids[@]}"
