#!/usr/bin/env bash
# Test of check-runtime-deps.sh: it accepts the shipped list, and rejects a
# list missing a package the binaries need, and a package apt does not know.
#   deploy/docker/check-runtime-deps_test.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir="${1:-${ECOPLAN_BUILD_DIR:-build}}"
check=deploy/docker/check-runtime-deps.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$check" "$build_dir" >/dev/null

grep -v '^libicu72$' deploy/docker/runtime-packages.txt >"$tmp/missing.txt"
if ECOPLAN_RUNTIME_PACKAGES_FILE="$tmp/missing.txt" "$check" "$build_dir" 2>"$tmp/err"; then
  echo "FAIL: a list without libicu72 was accepted" >&2; exit 1
fi
grep -q 'libicu.*from package libicu72 which is not in' "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }

{ cat deploy/docker/runtime-packages.txt; echo libecoplan-does-not-exist9; } >"$tmp/unknown.txt"
if ECOPLAN_RUNTIME_PACKAGES_FILE="$tmp/unknown.txt" "$check" "$build_dir" 2>"$tmp/err"; then
  echo "FAIL: an unknown package was accepted" >&2; exit 1
fi
grep -q 'package libecoplan-does-not-exist9 .* is unknown to apt' "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
echo "check-runtime-deps_test: ok (accepts the list; rejects a missing and an unknown package)"
