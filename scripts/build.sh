#!/usr/bin/env bash
# Configures and builds everything into build/ (override with ECOPLAN_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${ECOPLAN_BUILD_DIR:-build}"
jobs="${ECOPLAN_JOBS:-$(nproc)}"
source scripts/ccache-env.sh
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${ECOPLAN_BUILD_TYPE:-RelWithDebInfo}" \
  -DECOPLAN_WERROR=ON "${ccache_launcher[@]}" >/dev/null
ninja -C "$build_dir" -j "$jobs"
