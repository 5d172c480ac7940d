#!/usr/bin/env bash
# Configures and builds the clang + address/undefined-sanitizer tree (build-sanitize/):
# all libraries, tests and the libFuzzer targets, instrumented for fuzzing coverage.
# Used by scripts/sanitize.sh and scripts/fuzz.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
CC=clang CXX=clang++ cmake -S "$root" -B "$root/build-sanitize" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTINYOPS_SANITIZE=ON -DTINYOPS_BUILD_FUZZ=ON \
  -DTINYOPS_FUZZ_INSTRUMENT=ON -DTINYOPS_BUILD_BENCH=OFF >/dev/null
cmake --build "$root/build-sanitize" --parallel "$(nproc)" "$@"
