#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: ctest + GoogleTest (gcc build),
# then the same suite under address + undefined sanitizers (clang) and a short bounded
# run of each fuzz target (scripts/sanitize.sh; FUZZ_SECONDS, here 20 per target:
# scripts/fuzz.sh runs them longer).
# TINYOPS_SKIP_SANITIZE=1 skips the sanitizer pass for quick local runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/build.sh"
(cd "$root/build" && ctest --output-on-failure --parallel "$(nproc)" --timeout 900)
if [ "${TINYOPS_SKIP_SANITIZE:-0}" != "1" ]; then
  FUZZ_SECONDS="${FUZZ_SECONDS:-20}" bash "$root/scripts/sanitize.sh"
fi
