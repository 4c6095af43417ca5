extends Node
# The server SDK against a real local mode's POST /room_heartbeat: it plays the server of a room
# local mode started (a Godot 3 process, which does not heartbeat itself), with the room's real
# one-time secret. Prints `STEP <json>` lines; the jest test judges them.
# User args: --room=<name> --secret=<ROOM_SECRET> --owner=<owner token> (API: godot_rooms/api_url)

const FakeServerPeer := preload("res://t/fake_server_peer.gd")

var _args := {}


func _ready() -> void:
	for argument in OS.get_cmdline_user_args():
		var parts := argument.trim_prefix("--").split("=", true, 1)
		_args[parts[0]] = parts[1]
	var peer := FakeServerPeer.new()
	multiplayer.multiplayer_peer = peer
	peer.add_player(2)
	peer.add_player(3)
	var rooms := Rooms.create_client()
	await _refused(rooms.base_url)
	var sdk := Rooms.create_server_sdk()
	sdk.drain_quit_delay = 0.2
	var statuses := []
	var drains := []
	sdk.heartbeat_sent.connect(func(result: Dictionary) -> void: statuses.append(result.status))
	sdk.drain_requested.connect(func(reason: String) -> void: drains.append(reason))
	sdk.start({
		"ROOMS_API_URL": rooms.base_url, "ROOM_NAME": _args.room, "ROOM_SECRET": _args.secret,
		"ROOM_HEARTBEAT_SECONDS": "1", "ROOM_DRAIN_FILE": "user://drain",
	})
	sdk.mark_ready(8)
	await _until(func() -> bool: return statuses.size() >= 3, 10.0)
	var room := await rooms.get_room(_args.room)
	_step("heartbeats", {"statuses": statuses.duplicate(), "room": room.data})
	var stopped := await rooms.stop_room(_args.room, _args.owner)
	_step("stopped", {"status": stopped.status})
	await _until(func() -> bool: return not drains.is_empty(), 10.0)
	_step("drain", {"drains": drains, "statuses": statuses})
	await get_tree().create_timer(5.0).timeout  # the SDK quits before this ends
	_step("did not quit", {})
	get_tree().quit(3)


## A wrong secret (403) and an unknown room (404), each on its own SDK.
func _refused(api_url: String) -> void:
	var results := {}
	for case in [["wrong secret", _args.room, "not-the-secret"], ["unknown room", "Nope", _args.secret]]:
		var sdk := Rooms.create_server_sdk()
		sdk.quit_on_drain = false
		sdk.heartbeat_sent.connect(func(result: Dictionary) -> void: results[case[0]] = result)
		sdk.start({"ROOMS_API_URL": api_url, "ROOM_NAME": case[1], "ROOM_SECRET": case[2]})
		sdk.mark_ready(8)
		await _until(func() -> bool: return results.has(case[0]), 10.0)
		results[case[0]]["state"] = sdk.state
		sdk.queue_free()
	_step("refused", results)


func _until(done: Callable, seconds: float) -> void:
	var deadline := Time.get_ticks_msec() + int(seconds * 1000.0)
	while not done.call() and Time.get_ticks_msec() < deadline:
		await get_tree().process_frame


func _step(name: String, result: Dictionary) -> void:
	print("STEP " + JSON.stringify({"step": name, "result": result}))
