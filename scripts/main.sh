#!/usr/bin/env bash
# The main job: installs dependencies, builds, then
#  1. imports every shared model and runs the TFLite Micro reference vectors on the host
#     (one pass/fail table), and
#  2. compiles every model for a Cortex-M4F board (Arduino Nano 33 BLE Sense: 1 MB flash,
#     256 kB RAM), runs it in QEMU on the device farm, and prints one table: model, board,
#     fits, flash, RAM, instructions per inference, estimated ms, bit-exact;
#  3. runs the bundled gesture example end to end with `tinyops run` on its tinyops.yaml
#     (synthetic accelerometer data -> workspace -> spectral features -> training ->
#     pruning -> int8 -> nano33ble in QEMU) and ends with its report: accuracy, confusion
#     matrix, flash, RAM, instructions.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="${TINYOPS_SHARED_MODELS:-$root/../shared/models}"
bash "$root/scripts/build.sh"
paths=("$models")
[ -d "$models/extra" ] && paths+=("$models/extra")
"$root/build/src/cli/tinyops" model check "${paths[@]}"
echo
echo "== Device farm: every model compiled for nano33ble and run in QEMU (mps2-an386) =="
# A model too big for the board is reported in the table, not treated as a failure; a
# model that is not bit-exact is, and so is one with an operator that has no kernel (every
# shared model has all its kernels since UNIDIRECTIONAL_SEQUENCE_LSTM landed).
"$root/build/src/cli/tinyops" farm test "${paths[@]}" --board "${TINYOPS_BOARD:-nano33ble}" --allow-no-fit
echo
echo "== Example: magic-wand gestures, from generated data to the emulated board =="
examples="${TINYOPS_EXAMPLES_DIR:-$root/build/examples}"
# The example writes its data, workspace and tinyops.yaml; `tinyops run` runs the pipeline
# (stages unchanged since an earlier main job are skipped and say so).
"$root/build/src/cli/tinyops" example gestures --setup-only --dir "$examples" --board "${TINYOPS_BOARD:-nano33ble}"
cd "$examples/gestures"
"$root/build/src/cli/tinyops" run -f tinyops.yaml
echo
echo "== Fleet: the gesture model released, rolled out in stages to 100 simulated devices =="
bash "$root/scripts/fleet_demo.sh" "$examples/gestures"
