#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test
# (unit, integration, e2e). Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

# Contracts first: a proto that breaks the API style fails fast.
npm ci --no-audit --no-fund --loglevel=error
npx --no-install buf lint
echo "buf lint: proto/ is clean"

scripts/build.sh
build_dir="${ECOPLAN_BUILD_DIR:-build}"
cd "$build_dir"
ctest --output-on-failure --timeout 600 -j "${ECOPLAN_TEST_JOBS:-2}"
