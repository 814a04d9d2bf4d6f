#!/usr/bin/env bash
# Checks the runtime image recipe against the built binaries, without a
# container engine:
#   1. the Dockerfile installs deploy/docker/runtime-packages.txt;
#   2. every package listed there exists in apt (apt-cache show);
#   3. every shared library that `ldd` resolves for each built binary
#      (build/services/*/*_server, build/tools/ecoplanctl/ecoplanctl) belongs,
#      according to `dpkg -S`, to a listed package.
# So adding a library dependency without adding its runtime package fails CI.
#
#   deploy/docker/check-runtime-deps.sh [BUILD_DIR]      (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir="${1:-${ECOPLAN_BUILD_DIR:-build}}"
dockerfile=deploy/docker/Dockerfile
if ! grep -q "COPY deploy/docker/runtime-packages.txt " "$dockerfile"; then
  echo "runtime deps: $dockerfile does not install deploy/docker/runtime-packages.txt" >&2
  exit 1
fi
# ECOPLAN_RUNTIME_PACKAGES_FILE: another list, for the script's own test.
list="${ECOPLAN_RUNTIME_PACKAGES_FILE:-deploy/docker/runtime-packages.txt}"
fail=0

mapfile -t packages < <(grep -v '^[[:space:]]*\(#\|$\)' "$list" | tr -d '[:blank:]')
declare -A listed=()
for p in "${packages[@]}"; do
  listed[$p]=1
  if ! apt-cache show --no-all-versions "$p" >/dev/null 2>&1; then
    echo "runtime deps: package $p (in $list) is unknown to apt (apt-cache show $p)" >&2
    fail=1
  fi
done

# owner PATH: the packages owning PATH (dpkg -S), trying the merged-/usr twin too.
owners() {
  local path=$1 candidates=("$1")
  candidates+=("$(readlink -f "$path")")
  case "$path" in
    /usr/*) candidates+=("${path#/usr}") ;;
    *) candidates+=("/usr$path") ;;
  esac
  local c out
  for c in "${candidates[@]}"; do
    if out=$(dpkg -S "$c" 2>/dev/null | grep -v '^diversion by'); then
      # "libfoo1:amd64, libfoo1-dev:amd64: /path" → one package per line
      sed -E 's/: \/.*$//; s/, /\n/g' <<<"$out" | sed -E 's/:[a-z0-9_]+$//' | sort -u
      return 0
    fi
  done
  return 1
}

binaries=()
for b in "$build_dir"/services/*/*_server "$build_dir"/tools/ecoplanctl/ecoplanctl; do
  [ -x "$b" ] && binaries+=("$b")
done
for required in "$build_dir/services/registry/registry_server" "$build_dir/tools/ecoplanctl/ecoplanctl"; do
  if [ ! -x "$required" ]; then
    echo "runtime deps: $required is not built (run scripts/build.sh first)" >&2
    exit 1
  fi
done

declare -A used=()
declare -A owner_cache=()
for b in "${binaries[@]}"; do
  if ldd "$b" | grep -q 'not found'; then
    echo "runtime deps: $b has unresolved libraries:" >&2
    ldd "$b" | grep 'not found' >&2
    fail=1
  fi
  while read -r lib; do
    # Each library is looked up once (dpkg -S is slow and the binaries share most of them).
    if [ -z "${owner_cache[$lib]+set}" ]; then
      owner_cache[$lib]=$(owners "$lib" || echo "?")
    fi
    pkgs=${owner_cache[$lib]}
    if [ "$pkgs" = "?" ]; then
      echo "runtime deps: $b loads $lib, which no Debian package owns" >&2
      fail=1
      continue
    fi
    ok=0
    for p in $pkgs; do
      if [ -n "${listed[$p]:-}" ]; then ok=1; used[$p]=1; fi
    done
    if [ $ok -eq 0 ]; then
      echo "runtime deps: $b loads $lib from package $(tr '\n' ' ' <<<"$pkgs")which is not in $list" >&2
      fail=1
    fi
  done < <(ldd "$b" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u)
done

if [ $fail -ne 0 ]; then
  echo "runtime deps: FAILED (add the package to $list, or remove the dependency)" >&2
  exit 1
fi
unused=()
for p in "${packages[@]}"; do
  case "$p" in tzdata|ca-certificates) continue ;; esac
  [ -z "${used[$p]:-}" ] && unused+=("$p")
done
echo "runtime deps: ${#binaries[@]} binaries ($(for b in "${binaries[@]}"; do basename "$b"; done | tr '\n' ' ' | sed 's/ $//')) load only libraries of the ${#packages[@]} packages in $list${unused:+; listed but not loaded: ${unused[*]}}"
