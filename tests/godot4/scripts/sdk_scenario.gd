extends Node
# Drives the addon's RoomServerSdk against a loopback heartbeat stub (the jest test records and
# judges every request) and prints `STEP <json>` lines. Three SDKs: one with no settings (off),
# one that heartbeats, meets a 503, gets a new key and is told to drain by the API, and one that
# drains because its drain file appears, and quits the game with exit code 0.
# User args: --stub=<url>

const FakeServerPeer := preload("res://t/fake_server_peer.gd")

var _stub := ""


func _ready() -> void:
	for argument in OS.get_cmdline_user_args():
		if argument.begins_with("--stub="):
			_stub = argument.trim_prefix("--stub=")
	var peer := FakeServerPeer.new()
	multiplayer.multiplayer_peer = peer
	peer.add_player(2)
	peer.add_player(3)
	_off()
	await _heartbeats_and_api_drain()
	await _drain_file()
	_step("did not quit", {})
	get_tree().quit(3)


func _off() -> void:
	var sdk := Rooms.create_server_sdk()
	var first := sdk.start()  # a browser has no environment: nothing is set
	var second := sdk.start({})
	sdk.mark_ready(4)
	_step("off", {"first": first, "second": second, "enabled": sdk.enabled, "state": sdk.state})


func _heartbeats_and_api_drain() -> void:
	var gone := Rooms.create_server_sdk()  # its room was removed: the stub answers 404
	gone.quit_on_drain = false
	var gone_drains := []
	gone.drain_requested.connect(func(reason: String) -> void: gone_drains.append(reason))
	gone.start({"ROOMS_API_URL": _stub, "ROOM_NAME": "Gone", "ROOM_SECRET": "gone-secret"})
	gone.mark_ready(2)
	var sdk := Rooms.create_server_sdk()
	sdk.quit_on_drain = false
	var drains := []
	var results := []
	sdk.drain_requested.connect(func(reason: String) -> void: drains.append(reason))
	sdk.heartbeat_sent.connect(func(result: Dictionary) -> void: results.append(result.status))
	var on := sdk.start({
		"ROOMS_API_URL": _stub + "/", "ROOM_NAME": "Alpha", "ROOM_SECRET": "bootstrap-secret",
		"ROOM_HEARTBEAT_SECONDS": "2", "ROOM_DRAIN_FILE": "user://drain-alpha",
	})
	var body_before_ready := sdk.heartbeat_body()
	sdk.mark_ready(8)
	var deadline := Time.get_ticks_msec() + 15000
	while Time.get_ticks_msec() < deadline and (drains.is_empty() or results.size() < 5):
		await get_tree().process_frame
	_step("gone", {"drains": gone_drains, "state": gone.state})
	_step("heartbeats", {
		"on": on, "drains": drains, "statuses": results, "state": sdk.state,
		"players": sdk.player_count(), "body_before_ready": body_before_ready,
	})


func _drain_file() -> void:
	var sdk := Rooms.create_server_sdk()
	sdk.drain_quit_delay = 0.2
	var drains := []
	sdk.drain_requested.connect(func(reason: String) -> void: drains.append(reason))
	sdk.start({
		"ROOMS_API_URL": _stub, "ROOM_NAME": "Beta", "ROOM_SECRET": "beta-secret",
		"ROOM_HEARTBEAT_SECONDS": "30", "ROOM_DRAIN_FILE": "user://drain-beta",
	})
	sdk.set_players(3)
	sdk.mark_ready(4)
	await get_tree().create_timer(0.6).timeout
	_step("before drain file", {"drains": drains.duplicate(), "state": sdk.state})
	# What the container's entrypoint does on SIGTERM.
	FileAccess.open("user://drain-beta", FileAccess.WRITE).store_string("SIGTERM")
	await get_tree().create_timer(10.0).timeout


func _step(name: String, result: Dictionary) -> void:
	print("STEP " + JSON.stringify({"step": name, "result": result}))
