#!/usr/bin/env bash
# Runs the suites of the code that reads outside data and computes (core, runtime kernels
# and DSP blocks, formats and sample readers, interpreter, models, the compiler (lowering,
# memory planning, kernel selection, code generation), store, data, the REST
# API's request handling, the device agent)
# under address + undefined sanitizers, then each fuzz target for a short bounded time
# (FUZZ_SECONDS, default 60) on the seed corpus. Training (LibTorch), the examples, the
# CLI and the farm run in the plain pass only: their time goes into LibTorch and external
# tools (gcc, QEMU, espeak-ng), and building them twice would double CI time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
suites=(test_core test_runtime test_formats test_interp test_models test_compiler test_store test_data test_server
        test_agent)
bash "$root/scripts/sanitize_build.sh" --target "${suites[@]}" fuzz_tflite_import fuzz_npy fuzz_sample_readers \
  fuzz_api_requests fuzz_agent_manifest fuzz_agent_frames
cd "$root/build-sanitize"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure --parallel "$(nproc)" --timeout 900 \
    -E 'NOT_BUILT|GeneratedCode|SharedModelOnCortexM4F' # suites not built here; gcc-bound tests
bash "$root/scripts/fuzz.sh" "${FUZZ_SECONDS:-60}"
