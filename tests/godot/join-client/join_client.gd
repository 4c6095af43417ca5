extends Node
# Drives godot-client/rooms_client.gd against a room service (--api=<url>), logging JSON lines.
#   --mode=join:   quick play with no room (the service starts one; the library waits and joins it),
#                  create --room, wait until RUNNING, join an
#                  unknown room (expects 404), join_room(--room), connect_to_room with its data (which
#                  carries the ticket); then stays --stay seconds ("stayed connected"), leaves, quits 0.
#   --mode=plain:  connect_to_room with get_room's data (no ticket), then as above; a server that
#                  requires tickets disconnects it ("disconnected", quit 3).
#   --mode=ticket: connect_to_room with get_room's data and --ticket=<ticket>, logs the result.
# --protocol=tcp: the client's default_protocol (join_room's data names no protocol).
# Quits 2 when a step fails.

var _rooms = null
var _options := {}
var _connected_at := -1


func _ready() -> void:
	for argument in OS.get_cmdline_args():
		if argument.begins_with("--") and argument.find("=") > 2:
			var parts = argument.substr(2).split("=", true, 1)
			_options[parts[0]] = parts[1]
	_rooms = load("res://rooms_client.gd").new()
	_rooms.base_url = _options.get("api", "http://127.0.0.1:8080")
	_rooms.default_protocol = _options.get("protocol", "udp")
	add_child(_rooms)
	get_tree().connect("server_disconnected", self, "_on_disconnected")
	get_tree().connect("connection_failed", self, "_on_disconnected")
	var mode: String = _options.get("mode", "join")
	if mode == "join":
		_join(_options.get("room", "Join Room"))
	else:
		_connect_only(_options.get("room", "Join Room"), _options.get("ticket", ""))


func _join(room_name: String) -> void:
	var quick: Dictionary = yield(_rooms.join_room(), "completed")
	_log("quick play", quick)
	var created: Dictionary = yield(_rooms.create_room(room_name), "completed")
	_log("created", created)
	if not created.success:
		get_tree().quit(2)
		return
	var running: Dictionary = yield(_rooms.wait_until_running(created.message, 30.0), "completed")
	_log("running", running)
	if not running.success:
		get_tree().quit(2)
		return
	var unknown: Dictionary = yield(_rooms.join_room("No Such Room"), "completed")
	_log("unknown", unknown)
	var joined: Dictionary = yield(_rooms.join_room(room_name), "completed")
	_log("joined", joined)
	if not joined.success:
		get_tree().quit(2)
		return
	yield(_connect(joined.data, ""), "completed")


func _connect_only(room_name: String, ticket: String) -> void:
	var room: Dictionary = yield(_rooms.get_room(room_name), "completed")
	if not room.success:
		_log("room", room)
		get_tree().quit(2)
		return
	yield(_connect(room.data, ticket), "completed")


func _connect(room: Dictionary, ticket: String) -> void:
	var started := OS.get_ticks_msec()
	var result: Dictionary = yield(_rooms.connect_to_room(room, 10.0, ticket), "completed")
	var logged := result.duplicate()
	logged["hasPeer"] = logged.get("peer") != null
	logged.erase("peer")
	logged["seconds"] = (OS.get_ticks_msec() - started) / 1000.0
	logged["networkPeer"] = get_tree().network_peer != null
	_log("connect", logged)
	if not result.success:
		get_tree().quit(2)
		return
	_connected_at = OS.get_ticks_msec()
	yield(get_tree().create_timer(float(_options.get("stay", "1"))), "timeout")
	if _connected_at < 0:
		return
	_log("stayed connected", {"id": get_tree().get_network_unique_id()})
	var peer = get_tree().network_peer
	if peer is WebSocketClient:
		peer.disconnect_from_host()
	else:
		peer.close_connection(250000)
	get_tree().network_peer = null
	_log("left", {})
	yield(get_tree().create_timer(0.3), "timeout")
	get_tree().quit(0)


func _on_disconnected() -> void:
	if _connected_at < 0:
		return
	_log("disconnected", {"afterSeconds": (OS.get_ticks_msec() - _connected_at) / 1000.0})
	_connected_at = -1
	get_tree().network_peer = null
	get_tree().quit(3)


func _log(event: String, fields: Dictionary) -> void:
	var line := {"event": event}
	for key in fields:
		line[key] = fields[key]
	print(JSON.print(line))
