#!/bin/sh
# Starts the room's Godot server with the flags its major version wants, and execs it, so that
# SIGTERM from ECS reaches Godot directly. Arguments (e.g. --empty-server-timeout=300) pass through.
set -eu
godot="${GODOT_BIN:-/usr/local/bin/godot}"
pack="${GAME_PACK_PATH:-/opt/game/game.pck}"
port="${GAME_PORT:-7777}"
case "${GODOT_MAJOR:-3}" in
  3|3.*) set -- --main-pack "$pack" "--port=$port" "$@" ;;
  *)     set -- --headless --main-pack "$pack" "--port=$port" "$@" ;;
esac
exec "$godot" "$@"
