#!/usr/bin/env bash
# Installs every Debian package TinyOps needs. Idempotent: safe to run again.
# The package list lives here and only here (see docs/dependencies.md).
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  # host platform libraries
  libflatbuffers-dev flatbuffers-compiler
  nlohmann-json3-dev libcli11-dev libfmt-dev libsodium-dev libcbor-dev libyaml-cpp-dev
  # workspace metadata and sample formats (wav, resampling, png, jpeg)
  libsqlite3-dev libpq-dev libcpp-httplib-dev libsndfile1-dev libsamplerate0-dev libpng-dev libturbojpeg0-dev
  # training (LibTorch on OpenBLAS) and the bundled examples' data (speech, digits)
  libtorch-dev libopenblas0-pthread espeak-ng python3-sklearn zlib1g-dev
  # the fleet's transport: MQTT broker, client library and tools
  mosquitto libmosquitto-dev mosquitto-clients
  # device toolchain and emulator: generated code is built and run for Cortex-M
  gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
  # tests, benchmarks (wrk: the REST API's load test, bench/api_load.sh), fuzzing
  libgtest-dev libgmock-dev libbenchmark-dev wrk
  # the store suite and the worker test start a private PostgreSQL server
  postgresql
  # fuzzing with sanitizers
  clang libclang-rt-14-dev
  # formatting
  clang-format
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "setup: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
