#!/bin/sh
# Starts the room's Godot server with the flags its major version wants, and execs it, so that
# SIGTERM from ECS reaches Godot directly. Arguments (e.g. --empty-server-timeout=300) pass through.
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
exec "$godot" "$@"
