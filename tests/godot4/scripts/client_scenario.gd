extends Node
# Drives the addon's RoomsClient through one scenario against a real local mode (and a stub for
# Retry-After), printing each step's result as `STEP <json>`. The jest test makes every
# assertion: this engine build ignores assert(), so nothing is judged here.
# User args: --stub=<url> --closed=<url of a closed port>

var _args := {}
var _ready_rooms: Array = []
var _retries: Array = []


func _ready() -> void:
	for argument in OS.get_cmdline_user_args():
		var parts := argument.trim_prefix("--").split("=", true, 1)
		_args[parts[0]] = parts[1] if parts.size() > 1 else ""
	await _run()
	get_tree().quit(0)


func _run() -> void:
	var rooms := Rooms.create_client()  # base_url from the project setting godot_rooms/api_url
	rooms.room_ready.connect(func(room: Dictionary) -> void: _ready_rooms.append(room))
	rooms.request_retried.connect(func(status: int, wait: float) -> void: _retries.append([status, wait]))
	_step("base_url", {"base_url": rooms.base_url})
	_step("list empty", await rooms.list_rooms())
	var created := await rooms.create_room("Alpha")
	_step("create", created)
	_step("create same name", await rooms.create_room("Alpha"))
	var started := Time.get_ticks_msec()
	var cap := await rooms.create_room("Beta")
	cap["elapsed_ms"] = Time.get_ticks_msec() - started
	cap["retries"] = _retries.duplicate()
	_step("create at cap", cap)
	# The README's snippet, run as it is, while the cap is reached.
	var snippet: Node = load("res://quickstart/join_room.gd").new()
	add_child(snippet)
	print("SNIPPET START")
	await snippet.join_new_room()
	print("SNIPPET END")
	_step("get unknown", await rooms.get_room("Nope"))
	_step("get no name", await rooms.get_room(""))
	var running := await rooms.wait_until_running("Alpha", 30.0)
	running["ready_signals"] = _ready_rooms.size()
	_step("wait until running", running)
	_step("list", await rooms.list_rooms())
	_step("join", await rooms.join_room("Alpha"))
	_step("quick play", await rooms.join_room())
	_step("quick play other version", await rooms.join_room("", "9.9"))
	_step("list bad cursor", await rooms.list_rooms(0, "not-a-cursor"))
	_step("udp peer on web", _peer_free(RoomsMultiplayerBridge.create_peer({"ip": "127.0.0.1", "port": 9, "protocol": "udp"})))
	await _websocket_handshake(rooms, running.data)
	_step("stop wrong token", await rooms.stop_room("Alpha", "not-the-token"))
	_step("stop", await rooms.stop_room("Alpha", created.data.ownerToken))
	_step("get after stop", await rooms.get_room("Alpha"))
	await _network_down()
	await _retry_after()


# Local mode's rooms run Godot 3, whose high-level multiplayer does not interoperate with
# Godot 4's: what this shows is the WebSocket connection (the handshake) to a tcp room. The
# bridge's WebSocketMultiplayerPeer is made and watched; a plain WebSocketPeer to the same URL
# shows the handshake completing on the Godot 4 side.
func _websocket_handshake(rooms: RoomsClient, room: Dictionary) -> void:
	rooms.default_protocol = "tcp"  # local mode's rooms carry no protocol field yet
	var made := RoomsMultiplayerBridge.create_peer(room, rooms.default_protocol)
	var multiplayer_states := []
	if made.peer != null:
		var peer: WebSocketMultiplayerPeer = made.peer
		multiplayer_states = await _watch(peer, peer.get_peer(1))
		peer.close()
	var socket := WebSocketPeer.new()
	var error := socket.connect_to_url(RoomsMultiplayerBridge.websocket_url(room))
	var states := await _watch(socket, socket)
	socket.close()
	_step("websocket handshake", {
		"success": made.success, "protocol": made.get("protocol", ""),
		"url": RoomsMultiplayerBridge.websocket_url(room), "connect_error": error,
		"states": states, "multiplayer_states": multiplayer_states,
		"open": WebSocketPeer.STATE_OPEN,
	})


## The ready states `socket` goes through while `polled` is polled, until it opens or closes.
func _watch(polled: Object, socket: WebSocketPeer) -> Array:
	var states := []
	var deadline := Time.get_ticks_msec() + 5000
	while socket != null and Time.get_ticks_msec() < deadline:
		polled.poll()
		var state := socket.get_ready_state()
		if states.is_empty() or states[-1] != state:
			states.append(state)
		if state == WebSocketPeer.STATE_OPEN or state == WebSocketPeer.STATE_CLOSED:
			break
		await get_tree().process_frame
	return states


func _network_down() -> void:
	var down := Rooms.create_client(_args.get("closed", ""))
	down.max_attempts = 2
	var retried := []
	down.request_retried.connect(func(status: int, wait: float) -> void: retried.append([status, wait]))
	var got := await down.get_room("Alpha")
	got["retries"] = retried
	_step("network down get", got)
	var created := await down.create_room("Gamma")
	created["retries"] = retried.size()
	_step("network down create", created)


func _retry_after() -> void:
	var stub := Rooms.create_client(_args.get("stub", ""))
	var retried := []
	stub.request_retried.connect(func(status: int, wait: float) -> void: retried.append([status, wait]))
	var started := Time.get_ticks_msec()
	var busy := await stub.get_room("busy")
	busy["retries"] = retried.duplicate()
	busy["elapsed_ms"] = Time.get_ticks_msec() - started
	_step("retry after 503", busy)
	retried.clear()
	stub.max_attempts = 2
	var throttled := await stub.get_room("throttled-always")
	throttled["retries"] = retried.duplicate()
	_step("429 gives up", throttled)
	stub.max_attempts = 4
	_step("quick play starts a room", await stub.join_room("", "", 10.0))


func _peer_free(result: Dictionary) -> Dictionary:
	result["peer"] = str(result.get("peer"))
	return result


func _step(name: String, result: Dictionary) -> void:
	var shown := result.duplicate()
	if shown.has("peer"):
		shown["peer"] = str(shown.peer)
	print("STEP " + JSON.stringify({"step": name, "result": shown}))
