#!/usr/bin/env bash
# The REST API under load (docs/performance.md, "REST API under load"): makes a workspace
# with the quick digits example (samples, dataset versions, features, models, a bundle, a
# farm report, a run), starts `tinyops serve` on a free loopback port, and runs wrk with
# 64 connections for 30 s against each read endpoint. Prints one table row per endpoint:
# requests/s, p50 and p99 latency, and errors (socket errors and timeouts, and answers
# other than 2xx); exits 1 when an endpoint had errors.
#
# Usage: bench/api_load.sh [WORKSPACE]   (an existing workspace instead of a new example)
# Environment: TINYOPS (default build/src/cli/tinyops), DURATION (30s), CONNECTIONS (64),
# THREADS (wrk threads, 2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tinyops="${TINYOPS:-$root/build/src/cli/tinyops}"
duration="${DURATION:-30s}"
connections="${CONNECTIONS:-64}"
threads="${THREADS:-2}"

command -v wrk >/dev/null || { echo "api_load: wrk is missing: bash scripts/setup.sh (Debian package wrk)" >&2; exit 2; }
[ -x "$tinyops" ] || { echo "api_load: $tinyops is not built: bash scripts/build.sh (or set TINYOPS)" >&2; exit 2; }

work="$(mktemp -d /tmp/tinyops-api-load.XXXXXX)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ $# -ge 1 ]; then
  ws="$1"
else
  echo "api_load: making a workspace with \`tinyops example digits --quick\` (a few seconds)" >&2
  # Its exit code says whether the device run was bit-exact: not this benchmark's concern.
  "$tinyops" example digits --quick --dir "$work" >"$work/example.log" 2>&1 || true
  ws="$work/digits"
fi
model="$("$tinyops" model list --json --workspace "$ws" | grep -o '"id": "[0-9a-f]\{64\}"' | head -1 | grep -o '[0-9a-f]\{64\}' || true)"
[ -n "$model" ] || { echo "api_load: no model in $ws (see $work/example.log)" >&2; cat "$work/example.log" >&2 || true; exit 2; }

"$tinyops" serve --workspace "$ws" --host 127.0.0.1 --port 0 2>"$work/serve.log" &
server=$!
port=""
for _ in $(seq 100); do
  port="$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/serve.log")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "api_load: the server did not start:" >&2; cat "$work/serve.log" >&2; exit 2; }

endpoints=(/api/v1/health /api/v1/models /api/v1/runs /api/v1/datasets "/api/v1/artifacts/${model:0:12}"
           "/api/v1/lineage/${model:0:12}" /api/v1/farm-reports)
echo "wrk -t$threads -c$connections -d$duration --latency, $(nproc) CPUs, workspace $ws"
echo
echo "| endpoint | requests/s | p50 | p99 | errors |"
echo "| --- | ---: | ---: | ---: | ---: |"
failed=0
for path in "${endpoints[@]}"; do
  out="$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port$path")"
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  # "Socket errors: connect 0, read 0, write 0, timeout 0" and "Non-2xx or 3xx responses: N"
  socket="$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' <<<"$out")"
  non2xx="$(sed -n 's/.*Non-2xx or 3xx responses: \([0-9]*\).*/\1/p' <<<"$out")"
  errors=$(( ${non2xx:-0} ))
  for n in $socket; do errors=$(( errors + n )); done
  [ "$errors" -eq 0 ] || failed=1
  echo "| \`GET $path\` | $rps | $p50 | $p99 | $errors |"
done
kill "$server"
wait "$server" 2>/dev/null || true
server=""
exit $failed
