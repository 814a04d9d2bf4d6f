#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test
# (unit, integration, e2e). Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

# Layering: domain code includes no gRPC, protobuf or RocksDB header; every C++
# file is clang-formatted (scripts/check-code.sh).
scripts/check-code.sh --format

# Contracts first: a proto that breaks the API style fails fast.
npm ci --no-audit --no-fund --loglevel=error
npx --no-install buf lint
echo "buf lint: proto/ is clean"
# Contracts change only backward-compatibly: nothing removed, renamed or renumbered
# since the commit in proto/BASELINE (the contracts as last shipped; docs/OPERATIONS.md).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  npx --no-install buf breaking --against ".git#ref=$(cat proto/BASELINE)"
  echo "buf breaking: compatible with $(cut -c1-12 proto/BASELINE)"
else
  echo "buf breaking: skipped (not a git checkout)"
fi

# Deployment manifests: every kustomization renders (kubectl kustomize) and
# validates offline (schemas, unknown fields, project rules), and the validator
# rejects the broken fixtures (deploy/k8s/validate, docs/OPERATIONS.md).
node deploy/k8s/validate/validate.mjs
node --test deploy/k8s/validate/

scripts/build.sh
build_dir="${ECOPLAN_BUILD_DIR:-build}"

# The runtime image's packages provide every library the built binaries load.
deploy/docker/check-runtime-deps_test.sh "$build_dir"
# Interop: a JavaScript gRPC client (tests/interop) against the real servers: the registry
# alone, and the four wired together (progress, indicator and notification through it).
ECOPLAN_REGISTRY_SERVER="$build_dir/services/registry/registry_server" \
  ECOPLAN_PROGRESS_SERVER="$build_dir/services/progress/progress_server" \
  ECOPLAN_INDICATOR_SERVER="$build_dir/services/indicator/indicator_server" \
  ECOPLAN_NOTIFICATION_SERVER="$build_dir/services/notification/notification_server" \
  node --test tests/interop/
# The OpenAPI documents (common/openapi, built from proto/): valid OpenAPI 3.1 by an npm
# validator, every schema valid JSON Schema, every RPC's HTTP routes present (tests/openapi).
ECOPLAN_OPENAPI_DIR="$build_dir/common/openapi" \
  ECOPLAN_PROTO_DESCRIPTOR_SET="$build_dir/proto_gen/ecoplan_descriptor_set.binpb" \
  node --test tests/openapi/
# The 台账 (.xlsx) read back with a real reader (exceljs, from the npm install above),
# cell by cell against the facts it was drawn from (tests/documents).
ECOPLAN_LEDGER_SAMPLE="$build_dir/services/indicator/documents/ledger_sample_xlsx" \
  node --test tests/documents/

# Fuzzing, bounded: the plan-document, deadline, token and target-text parsers, the
# webhook signature check and the problem-ledger CSV reader (scripts/fuzz.sh).
ECOPLAN_FUZZ_SECONDS="${ECOPLAN_FUZZ_SECONDS:-20}" scripts/fuzz.sh

cd "$build_dir"
ctest --output-on-failure --timeout 600 -j "${ECOPLAN_TEST_JOBS:-2}"
