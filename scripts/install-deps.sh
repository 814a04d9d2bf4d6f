#!/usr/bin/env bash
# Installs the Debian 12 packages ecoplan builds and runs with, if any is missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates tzdata
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev
  libabsl-dev librocksdb-dev libicu-dev libssl-dev nlohmann-json3-dev libcpp-httplib-dev libh2o-evloop-dev libjwt-dev libcurl4-openssl-dev
  libjemalloc-dev prometheus-cpp-dev libcli11-dev libcsv-dev libzip-dev libpugixml-dev
  libxlsxwriter-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk poppler-utils
  zlib1g-dev libgtest-dev libgmock-dev libbenchmark-dev
  ccache lld clang-format-14
  curl jq
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js and npm run the tooling from the npm registry (buf for proto lint);
# a machine that has them from elsewhere keeps its own.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
