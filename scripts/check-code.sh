#!/usr/bin/env bash
# Guard rails (fast, no compiler):
#  1. domain purity, run by scripts/test.sh: nothing under services/*/domain/
#     includes gRPC, protobuf or RocksDB headers (the domain is pure logic,
#     unit-tested with fakes);
#  2. with --format (scripts/test.sh passes it): every tracked C++ file is as
#     clang-format-14 writes it (.clang-format: Google style, 100 columns).
#     Fix with `git ls-files '*.cc' '*.h' | xargs clang-format-14 -i`.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

impure=$(git ls-files 'services/*/domain/*.h' 'services/*/domain/*.cc' |
  xargs grep -nE '#include [<"](grpcpp/|grpc/|google/protobuf/|rocksdb/)|#include [<"][^>"]*\.pb\.h[>"]' || true)
if [ -n "$impure" ]; then
  echo "check-code: domain code includes gRPC, protobuf or RocksDB headers:" >&2
  echo "$impure" >&2
  status=1
fi

if [ "${1:-}" != "--format" ]; then
  [ "$status" -eq 0 ] && echo "check-code: domain code includes no gRPC, protobuf or RocksDB header"
  exit "$status"
fi

formatter=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$formatter" ]; then
  echo "check-code: clang-format-14 is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
unformatted=$(git ls-files '*.cc' '*.h' | xargs "$formatter" --dry-run 2>&1 |
  grep -oE '^[^:]+\.(cc|h):' | sort -u || true)
if [ -n "$unformatted" ]; then
  echo "check-code: not formatted with clang-format (run: git ls-files '*.cc' '*.h' | xargs $formatter -i):" >&2
  echo "$unformatted" >&2
  status=1
fi

[ "$status" -eq 0 ] && echo "check-code: domain code is pure; every C++ file is clang-formatted"
exit "$status"
