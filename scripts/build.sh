#!/usr/bin/env bash
# Configures and builds everything into build/ (override with ECOPLAN_BUILD_DIR), then says how
# long the build took and how much of it ccache answered (docs/PERFORMANCE.md, "Build time").
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${ECOPLAN_BUILD_DIR:-build}"
jobs="${ECOPLAN_JOBS:-$(nproc)}"
source scripts/ccache-env.sh
# ccache_counts: "hits misses" so far on this machine (empty without ccache).
ccache_counts() {
  [ ${#ccache_launcher[@]} -gt 0 ] || return 0
  ccache --print-stats 2>/dev/null | awk -F'\t' '
    $1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit" { hits += $2 }
    $1 == "cache_miss" { misses += $2 }
    END { print hits + 0, misses + 0 }'
}
read -r hits_before misses_before <<<"$(ccache_counts)" || true
started=$SECONDS
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${ECOPLAN_BUILD_TYPE:-RelWithDebInfo}" \
  -DECOPLAN_WERROR=ON "${ccache_launcher[@]}" >/dev/null
ninja -C "$build_dir" -j "$jobs"
report="build: $((SECONDS - started)) s with $jobs jobs"
if [ -n "${hits_before:-}" ]; then
  read -r hits_after misses_after <<<"$(ccache_counts)"
  report+=", ccache $((hits_after - hits_before)) hits / $((misses_after - misses_before)) compiled"
fi
echo "$report"
