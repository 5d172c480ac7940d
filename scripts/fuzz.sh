#!/usr/bin/env bash
# Builds the libFuzzer targets with clang + address/undefined sanitizers and runs each for
# a bounded time. Usage: scripts/fuzz.sh [seconds per target, default 600] [target...]
# Seeds: the shared models, and .npy files, sample files and HTTP requests made here.
# Findings land in fuzz/artifacts/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_tflite_import fuzz_npy fuzz_sample_readers fuzz_api_requests fuzz_agent_manifest
                                  fuzz_agent_frames)
models="${TINYOPS_SHARED_MODELS:-$root/../shared/models}"

bash "$root/scripts/sanitize_build.sh" --target "${targets[@]}"

mkdir -p "$root/fuzz/artifacts"
for target in "${targets[@]}"; do
  corpus="$root/fuzz/corpus-run/$target"
  mkdir -p "$corpus"
  extra=()
  [ -f "$root/fuzz/$target.dict" ] && extra+=(-dict="$root/fuzz/$target.dict")
  case "$target" in
    fuzz_tflite_import)
      # Small models seed the corpus whole; libFuzzer caps input length below.
      find "$models" -name '*.tflite' -size -400k -exec cp -n {} "$corpus/" \; ;;
    fuzz_npy)
      printf '\x93NUMPY\x01\x00\x76\x00{'"'"'descr'"'"': '"'"'|i1'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (2, 3), }' > "$corpus/seed.npy"
      printf '%*s\n' 58 '' >> "$corpus/seed.npy"; printf 'abcdef' >> "$corpus/seed.npy" ;;
    fuzz_sample_readers)
      # The first byte picks the reader: 0 WAV, 1 CSV, 2 JSON, 3 image.
      printf '\x01timestamp,accX (m/s2),accY\n0,1,2\n10,3,4\n' > "$corpus/csv"
      printf '\x02{"payload":{"interval_ms":10,"sensors":[{"name":"x","units":"g"}],"values":[[1],[2]]}}' > "$corpus/json"
      { printf '\x00RIFF\x2c\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x08\x00\x00\x00'; printf '\x01\x00\x02\x00\x03\x00\x04\x00'; } > "$corpus/wav"
      # Cut after two samples, and a data chunk that claims 64 kB: both must be refused.
      head -c 49 "$corpus/wav" > "$corpus/wav-cut"
      { printf '\x00RIFF\x2c\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x00\x00\x01\x00'; printf '\x01\x00\x02\x00'; } > "$corpus/wav-lying"
      { printf '\x03'; head -c 2000 "$root/docs/"*.png 2>/dev/null || printf '\x89PNG\r\n\x1a\n'; } > "$corpus/png" ;;
    fuzz_agent_manifest)
      # A manifest as the host writes it (keys 1-11; smoke test 3 bytes in, 3 out).
      printf '\xab\x01\x01\x02\x02\x03\x67tinyops\x04\x69nano33ble\x05\x58\x20%s\x06\x19\x08\x34\x07\x61m\x08\x61l\x09\x61f\x0a\xa2\x01\x43\x09\x08\x07\x02\x43\x09\x08\x07\x0b\x61t' \
        "$(printf '\\x%02x' $(seq 1 32))" > "$corpus/manifest" ;;
    fuzz_agent_frames)
      # Edits to a recorded install: none, a flipped byte, a dropped and a duplicated frame.
      printf '' > "$corpus/none"; printf '\x00\x03\x05' > "$corpus/flip"
      printf '\x01\x02\x00\x02\x04\x01' > "$corpus/drop-dup"
      printf '\x22\x00\x00\x00\x00\xff' > "$corpus/cut-then-flip" ;;  # once crashed the harness
    fuzz_api_requests)
      # Raw HTTP requests, one per endpoint. The target's workspace holds an int8 model whose
      # content is "model" (so its id is known) and a dataset version "v1"; @TOKEN@ stands for
      # a valid bearer token.
      m="$(printf model | sha256sum | cut -c1-12)"
      for path in /api/v1/health "/api/v1/models?limit=1&offset=0" /api/v1/runs /api/v1/runs/1 \
                  "/api/v1/datasets?limit=2" /api/v1/datasets/v1 "/api/v1/artifacts/$m" "/api/v1/lineage/$m" \
                  "/api/v1/farm-reports?model=$m" "/api/v1/farm-reports/$m"; do
        printf 'GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n' "$path" > "$corpus/get-$(printf %s "$path" | sha256sum | cut -c1-8)"
      done
      body='{"stage": "staging"}'
      printf 'POST /api/v1/models/%s/promote HTTP/1.1\r\nAuthorization: Bearer @TOKEN@\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
        "$m" "${#body}" "$body" > "$corpus/promote"
      body='{"stage": "production"}'
      printf 'POST /api/v1/models/%s/promote HTTP/1.1\r\nAuthorization: Bearer @TOKEN@\r\nContent-Length: %d\r\n\r\n%s' \
        "$m" "${#body}" "$body" > "$corpus/promote-production"
      body='{"pipeline": "pipelines/p.yaml"}'
      printf 'POST /api/v1/runs HTTP/1.1\r\nAuthorization: Bearer @TOKEN@\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
        "${#body}" "$body" > "$corpus/trigger"
      printf 'POST /api/v1/models/%s/promote HTTP/1.1\r\nAuthorization: Bearer @TOKEN@\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"sta\r\n0\r\n\r\n' \
        "$m" > "$corpus/promote-chunked" ;;
  esac
  echo "fuzz: $target for ${seconds}s"
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    "$root/build-sanitize/fuzz/$target" "$corpus" -max_total_time="$seconds" -max_len=400000 \
    -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 -artifact_prefix="$root/fuzz/artifacts/$target-" "${extra[@]}" \
    2>&1 | grep -E "^#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|ERROR|SUMMARY|Test unit written" || true
done
if ls "$root/fuzz/artifacts/"* >/dev/null 2>&1; then
  echo "fuzz: findings in fuzz/artifacts/"; exit 1
fi
echo "fuzz: no findings"
