#!/usr/bin/env bash
# The main job's fleet demo, in the gesture example's workspace: release its int8 model for
# the board, start the fleet's broker and server, enroll and run 100 simulated devices (the
# real device agent and bootloader, file-backed flash) and one emulated board (QEMU, the
# release image with the agent behind its bootloader, bridged by a gateway; it starts on
# the previous release), roll the new release out in stages 1, 10, 50, 100 % and print the
# rollout table. Usage: scripts/fleet_demo.sh WORKSPACE_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tinyops="$root/build/src/cli/tinyops"
board="${TINYOPS_BOARD:-nano33ble}"
cd "$1"
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

"$tinyops" key list --json | field "'yes' if any(k['name']=='default' for k in d) else ''" | grep -q yes ||
  "$tinyops" key create default
model="$("$tinyops" model list --json | field "[m['id'] for m in d if m['kind']=='int8_model'][-1]")"
# two releases: the emulated board's factory image, and the one rolled out
factory="$("$tinyops" release create "$model" --board "$board" --json | field "d['id']")"
release="$("$tinyops" release create "$model" --board "$board" --json | field "d['id']")"
port=$(( 20000 + RANDOM % 20000 ))
"$tinyops" fleet serve --port "$port" > .tinyops/fleet-serve.log 2>&1 &
serve=$!
"$tinyops" fleet simulate --devices 100 --board "$board" --port "$port" --seconds 180 \
  > .tinyops/fleet-simulate.log 2>&1 &
simulate=$!
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
"$tinyops" fleet emulate --board "$board" --release "$factory" --port "$port" --seconds 180 \
  > .tinyops/fleet-emulate.log 2>&1 &
emulate=$!
trap 'kill $serve $simulate $emulate 2>/dev/null || true' EXIT
# wait until the emulated board has reported since it started (its bootloader and factory
# flash are built first)
heartbeat=""
for _ in $(seq 1 120); do
  heartbeat="$("$tinyops" fleet show "emu-$board-1" --json 2>/dev/null | field "d.get('last_heartbeat', '')" || true)"
  [[ -n "$heartbeat" && ! "$heartbeat" < "$started" ]] && break
  heartbeat=""
  sleep 1
done
[ -n "$heartbeat" ] || { echo "the emulated board did not report:"; cat .tinyops/fleet-emulate.log; exit 1; }
rollout="$("$tinyops" rollout start "$release" --devices all --stages 1,10,50,100 --bake 0 --json | field "d['id']")"
for _ in $(seq 1 120); do
  state="$("$tinyops" rollout status "$rollout" --json | field "d['state']")"
  [ "$state" = running ] || break
  sleep 1
done
"$tinyops" rollout status "$rollout"
[ "$state" = done ]
