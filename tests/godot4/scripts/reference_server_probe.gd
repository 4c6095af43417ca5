extends "res://room_server.gd"
# The Godot 4 reference server as it is, but for what a browser cannot do: it listens with a
# stand-in peer (no server sockets in a browser) and takes the SDK's settings from the user args
# (no environment in a browser). Its log lines carry `ticks` (ms since start) for the test's timing.
# User args: the reference server's options, and --stub=<url> --warm=<0|1>

const FakeServerPeer := preload("res://t/fake_server_peer.gd")


func _init() -> void:
	var args := {}
	for argument in OS.get_cmdline_user_args():
		var parts := argument.trim_prefix("--").split("=", true, 1)
		if parts.size() == 2:
			args[parts[0]] = parts[1]
	sdk_settings = {
		"ROOMS_API_URL": args.get("stub", ""), "ROOM_NAME": args.get("room-name", ""),
		"ROOM_SECRET": "bootstrap-secret", "ROOM_HEARTBEAT_SECONDS": "1",
		"ROOM_WARM": args.get("warm", ""),
	}


func _listen() -> int:
	_peer = FakeServerPeer.new()
	return OK


func _log(event: String, fields: Dictionary = {}) -> void:
	var timed := fields.duplicate()
	timed["ticks"] = Time.get_ticks_msec()
	super._log(event, timed)
