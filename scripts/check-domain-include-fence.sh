#!/usr/bin/env bash
# Domain purity, checked by the compiler (CTest tests DomainIncludeFence*, set up
# by cmake/DomainPurity.cmake, which passes the compiler and the fence's flags):
# the fence is the compiler's own include path with /usr/include replaced by a
# folder of links to every entry of /usr/include except grpc/, grpcpp/, grpc++/,
# google/ and rocksdb/ (and without the generated protos of the build), behind
# -nostdinc. Every file under services/*/domain/ is preprocessed behind it, so
# one that includes a gRPC, protobuf or RocksDB header fails with "No such file
# or directory".
#   check-domain-include-fence.sh COMPILER FLAGS...          every domain file
#   check-domain-include-fence.sh --probe HEADER COMPILER FLAGS...
#       HEADER is installed, and the fence hides it (the test of the fence)
set -euo pipefail
cd "$(dirname "$0")/.."
probe=""
if [ "${1:-}" = "--probe" ]; then
  probe=$2
  shift 2
fi
compiler=$1
shift

if [ -n "$probe" ]; then
  if ! printf '#include <%s>\n' "$probe" | "$compiler" -std=c++17 -x c++ -E -o /dev/null -; then
    echo "check-domain-include-fence: $probe is not installed, so hiding it proves nothing" >&2
    exit 1
  fi
  if out=$(printf '#include <%s>\n' "$probe" | "$compiler" "$@" -E -o /dev/null - 2>&1); then
    echo "check-domain-include-fence: the fence lets <$probe> through" >&2
    exit 1
  fi
  if ! grep -q "No such file or directory" <<<"$out"; then
    echo "check-domain-include-fence: <$probe> failed behind the fence, but not as missing:" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "check-domain-include-fence: the fence hides <$probe>"
  exit 0
fi

files=($(git ls-files 'services/*/domain/*.cc' 'services/*/domain/*.h'))
# One translation unit that includes every domain file, preprocessed once (under a second,
# against about 50 s for 225 compiler runs): every #include of every file is resolved behind the
# fence. That holds while no domain file has a conditional (#if…), by which what one file
# defines could hide another's include; with one, or when the unit fails, the files are
# preprocessed one by one, which also names each that does not pass.
all=$(mktemp --suffix=.cc)
trap 'rm -f "$all"' EXIT
for f in "${files[@]}"; do printf '#include "%s"\n' "$PWD/$f"; done >"$all"
if ! grep -q '^[[:space:]]*#[[:space:]]*if' "${files[@]}" &&
  "$compiler" "$@" -E -o /dev/null "$all" 2>/dev/null; then
  echo "check-domain-include-fence: ${#files[@]} domain files preprocess behind the fence"
  exit 0
fi
status=0
for f in "${files[@]}"; do
  if ! out=$("$compiler" "$@" -E -o /dev/null "$f" 2>&1); then
    echo "check-domain-include-fence: $f does not preprocess without gRPC, protobuf and RocksDB:" >&2
    echo "$out" | head -5 >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "check-domain-include-fence: ${#files[@]} domain files preprocess behind the fence, one by one"
exit "$status"
