#!/bin/sh
# Starts the room's Godot server with the flags its major version wants. Arguments (e.g.
# --empty-server-timeout=300) pass through. SIGTERM from ECS must reach Godot (see the end).
# It runs the game's pack (GAME_PACK_PATH) if there is one, else the reference server project
# (GAME_PROJECT_PATH): exporting a .pck needs export templates, which the image does not carry.
set -eu
godot="${GODOT_BIN:-/usr/local/bin/godot}"
pack="${GAME_PACK_PATH:-/opt/game/game.pck}"
project="${GAME_PROJECT_PATH:-/opt/game/reference-server}"
port="${GAME_PORT:-7777}"
if [ -f "$pack" ]; then
  set -- --main-pack "$pack" "--port=$port" "$@"
else
  set -- --path "$project" "--port=$port" "$@"
fi
case "${GODOT_MAJOR:-3}" in
  3|3.*) ;;
  *) set -- --headless "$@" ;;
esac
# Linux drops a signal sent to a PID namespace's init (PID 1) unless it has a handler, and Godot
# sets none for SIGTERM: exec'd as PID 1, it would ignore ECS's SIGTERM and be SIGKILLed after
# stopTimeout. The task definition runs an init process (initProcessEnabled), so Godot is not
# PID 1 there and is exec'd. Where nothing else is PID 1 (docker run without --init), this script
# stays PID 1, with handlers, runs Godot as its child and passes SIGTERM and SIGINT on to it.
#
# Drain: GDScript cannot catch SIGTERM, so with ROOM_DRAIN_SECONDS > 0 (heartbeat rooms; the
# task definition sets it) this script stays Godot's parent, and on SIGTERM first creates
# ROOM_DRAIN_FILE, which the server SDK polls: the game warns players, reports "draining" and
# quits. A game still running after ROOM_DRAIN_SECONDS then gets the SIGTERM itself.
drain_seconds="${ROOM_DRAIN_SECONDS:-0}"
drain_file="${ROOM_DRAIN_FILE:-/tmp/godot-rooms-drain}"
if [ "$$" != 1 ] && [ "$drain_seconds" = 0 ]; then
  exec "$godot" "$@"
fi
child=""
# Handlers first, so no signal falls in a gap; one before Godot has started just ends the script.
forward() {
  if [ -z "$child" ]; then exit 143; fi
  if [ "$1" = TERM ] && [ "$drain_seconds" != 0 ]; then
    : > "$drain_file" 2>/dev/null || true
    waited=0
    while [ "$waited" -lt "$drain_seconds" ] && kill -0 "$child" 2>/dev/null; do
      sleep 1
      waited=$((waited + 1))
    done
  fi
  kill "-$1" "$child" 2>/dev/null || true
}
trap 'forward TERM' TERM
trap 'forward INT' INT
"$godot" "$@" &
child=$!
# `wait` returns early when a trapped signal arrives; wait on until Godot itself has exited.
# (A signal's handler may outlast Godot itself, as a drain does: wait once more for its status.)
status=0
wait "$child" || status=$?
while :; do
  status=0
  wait "$child" || status=$?
  kill -0 "$child" 2>/dev/null || break
done
exit "$status"
