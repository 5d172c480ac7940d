#!/usr/bin/env bash
# Runs the test suite under address + undefined sanitizers, then each fuzz target for a
# short bounded time (FUZZ_SECONDS, default 60) on the seed corpus. The end-to-end tests
# whose time goes into external tools (gcc and QEMU building and running firmware, espeak)
# are left to the plain pass: under ASan they only slow the suite down.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/sanitize_build.sh"
cd "$root/build-sanitize"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure --parallel "$(nproc)" --timeout 900 \
    -E 'GeneratedCode|FarmTest\.|FarmProfile|SharedModelOnCortexM4F|DspOnDevice|FeaturesParity|QuickExample' 
bash "$root/scripts/fuzz.sh" "${FUZZ_SECONDS:-60}"
