#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs
# each for a bounded time on a copy of its committed corpus. A crash fails the
# run; the input that crashed is left in build-fuzz/crashes/ — add it to the
# corpus, where the corpus replay tests keep it as a regression test.
#   ECOPLAN_FUZZ_SECONDS  seconds per target (default 20)
#   ECOPLAN_FUZZ_JOBS     fuzzers run at once (default: the number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${ECOPLAN_FUZZ_SECONDS:-20}"
build_dir=build-fuzz

if ! command -v clang++-14 >/dev/null 2>&1 ||
   ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    clang-14 libclang-rt-14-dev >/dev/null
fi

source scripts/ccache-env.sh
CXX=clang++-14 cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DECOPLAN_FUZZ=ON "${ccache_launcher[@]}" >/dev/null
targets=(
  "services/registry/domain/plan_parser_fuzzer:services/registry/domain/testdata/plan_parser_corpus"
  "common/calendar/deadline_fuzzer:common/calendar/testdata/deadline_corpus"
  "common/auth/token_verifier_fuzzer:common/auth/testdata/token_verifier_corpus"
  "common/auth/jwks_fuzzer:common/auth/testdata/jwks_corpus"
  "services/indicator/domain/target_text_fuzzer:services/indicator/domain/testdata/target_text_corpus"
  "services/notification/webhook_signature_fuzzer:services/notification/domain/testdata/webhook_signature_corpus"
  "services/progress/domain/problem_csv_fuzzer:services/progress/domain/testdata/problem_csv_corpus"
  "services/progress/domain/problem_xlsx_fuzzer:services/progress/domain/testdata/problem_xlsx_corpus"
  "common/docx/docx_reader_fuzzer:common/docx/testdata/docx_reader_corpus"
  "common/http/proto_json_fuzzer:common/http/testdata/proto_json_corpus"
  "common/http/http_rule_router_fuzzer:common/http/testdata/http_rule_router_corpus"
)
names=()
for t in "${targets[@]}"; do names+=("$(basename "${t%%:*}")"); done
fuzz_build_started=$SECONDS
ninja -C "$build_dir" "${names[@]}"
echo "fuzz build: $((SECONDS - fuzz_build_started)) s"

mkdir -p "$build_dir/crashes"
# fuzz_one TARGET: runs one fuzzer on a fresh copy of its corpus; on a crash, prints the end of
# its log and fails.
fuzz_one() {
  local t=$1
  local binary="$build_dir/${t%%:*}"
  local corpus="${t#*:}"
  local name
  name=$(basename "$binary")
  local work="$build_dir/corpus/$name"
  rm -rf "$work" && mkdir -p "$work" && cp "$corpus"/* "$work"/
  if ! "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$build_dir/crashes/$name-" "$work" 2>"$build_dir/$name.log"; then
    echo "fuzzing $name: FAILED"
    tail -n 40 "$build_dir/$name.log"
    return 1
  fi
  echo "fuzzing $name for ${seconds}s: $(grep -E "^Done|stat::number_of_executed_units" \
    "$build_dir/$name.log" | tail -n 1)"
}

# The fuzzers are single-threaded: as many run at once as there are cores
# (ECOPLAN_FUZZ_JOBS), each still for its full time.
fuzz_jobs="${ECOPLAN_FUZZ_JOBS:-$(nproc)}"
failed=0
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$fuzz_jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
if [ "$failed" -ne 0 ]; then
  echo "fuzzing: a fuzzer crashed (inputs in $build_dir/crashes/)"
  exit 1
fi
echo "fuzzing: no crash"
