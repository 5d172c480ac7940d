#!/usr/bin/env bash
# The main job: installs dependencies, builds, then imports every shared model, runs the
# TFLite Micro reference vectors where they exist, and ends with one pass/fail table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="${TINYOPS_SHARED_MODELS:-$root/../shared/models}"
bash "$root/scripts/build.sh"
paths=("$models")
[ -d "$models/extra" ] && paths+=("$models/extra")
"$root/build/src/cli/tinyops" model check "${paths[@]}"
