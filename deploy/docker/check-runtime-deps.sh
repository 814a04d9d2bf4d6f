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
for p in "${packages[@]}"; do listed[$p]=1; done
# One apt-cache call for the whole list (each call loads apt's cache, about a second): a package
# it does not print is unknown to apt (or purely virtual).
declare -A known=()
if [ ${#packages[@]} -gt 0 ]; then
  while read -r p; do known[$p]=1; done < <(apt-cache show --no-all-versions "${packages[@]}" \
    2>/dev/null | sed -n 's/^Package: //p')
fi
for p in "${packages[@]}"; do
  if [ -z "${known[$p]:-}" ]; then
    echo "runtime deps: package $p (in $list) is unknown to apt (apt-cache show $p)" >&2
    fail=1
  fi
done

# The paths dpkg may know a library by, in the order tried: the path ldd gave, where it resolves
# to, and its merged-/usr twin.
declare -A candidates_of=()
note_candidates() {
  local path=$1 twin
  case "$path" in
    /usr/*) twin=${path#/usr} ;;
    *) twin=/usr$path ;;
  esac
  candidates_of[$path]="$path $(readlink -f "$path") $twin"
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

# Each binary's libraries (ldd), and every library's owners, asked of dpkg in one call (dpkg -S
# reads its whole database each time: one call per library took minutes).
declare -A libs_of=()
for b in "${binaries[@]}"; do
  if ldd "$b" | grep -q 'not found'; then
    echo "runtime deps: $b has unresolved libraries:" >&2
    ldd "$b" | grep 'not found' >&2
    fail=1
  fi
  libs_of[$b]=$(ldd "$b" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u)
  for lib in ${libs_of[$b]}; do
    [ -n "${candidates_of[$lib]+set}" ] || note_candidates "$lib"
  done
done
# "libfoo1:amd64, libfoo1-dev:amd64: /path" → owners_of[/path] = "libfoo1 libfoo1-dev"
declare -A owners_of=()
if [ ${#candidates_of[@]} -gt 0 ]; then
  # shellcheck disable=SC2046  # one argument per candidate path
  while IFS=$'\t' read -r path pkgs; do
    owners_of[$path]="${owners_of[$path]:-}$pkgs"
  done < <(dpkg -S $(printf '%s\n' "${candidates_of[@]}" | tr ' ' '\n' | sort -u) 2>/dev/null |
    awk '/^diversion by/ {next}
         { i = index($0, ": /"); path = substr($0, i + 2); n = split(substr($0, 1, i - 1), p, ", ")
           out = ""; for (k = 1; k <= n; k++) { sub(/:[a-z0-9_]+$/, "", p[k]); out = out p[k] " " }
           print path "\t" out }')
fi

declare -A used=()
for b in "${binaries[@]}"; do
  for lib in ${libs_of[$b]}; do
    pkgs=""
    for c in ${candidates_of[$lib]}; do
      if [ -n "${owners_of[$c]:-}" ]; then pkgs=${owners_of[$c]}; break; fi
    done
    if [ -z "$pkgs" ]; then
      echo "runtime deps: $b loads $lib, which no Debian package owns" >&2
      fail=1
      continue
    fi
    ok=0
    for p in $pkgs; do
      if [ -n "${listed[$p]:-}" ]; then ok=1; used[$p]=1; fi
    done
    if [ $ok -eq 0 ]; then
      echo "runtime deps: $b loads $lib from package ${pkgs}which is not in $list" >&2
      fail=1
    fi
  done
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
