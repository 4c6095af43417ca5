extends Node
# The Godot 4 reference room server. It serves one game room, as the Godot 3 one does
# (godot-image/game/reference-server/room_server.gd), and uses the godot_rooms server SDK:
# - listens on --port (ENet over UDP, or WebSocket over TCP with --protocol=tcp);
# - accepts up to --max-players, refusing more;
# - tells the room API it is ready once it listens, heartbeats with the player count, and drains
#   (logs, then quits) when the room is stopped; outside a room the SDK stays off;
# - quits with exit code 0 after --empty-server-timeout seconds with nobody connected
#   (the timer restarts whenever the last player leaves), so the ECS task stops and costs nothing;
#   a warm server (ROOM_WARM=1, started before any room needs it) does not count while it waits:
#   the timer starts when the SDK says it was assigned a room;
# - logs one JSON object per line to stdout, with the same events as the Godot 3 server.
# Every option may also come from the environment (GAME_PORT, GAME_PROTOCOL, MAX_PLAYERS,
# EMPTY_SERVER_TIMEOUT, ROOM_NAME), so ECS container overrides work.
# With ROOM_REQUIRE_TICKETS=1 the SDK checks each peer's join ticket before it connects (see
# room_server_sdk.gd): the server logs "peer connected" as a peer starts authenticating, then
# "player admitted" (seat) and "player joined", or "player refused" (reason) as the SDK
# disconnects it.

# preload, not the class_name: a project run with --path has no editor-made class cache.
const RoomServerSdkScript := preload("res://addons/godot_rooms/room_server_sdk.gd")

var port := 7777
var protocol := "udp"
var max_players := 16
var empty_timeout := 300.0
var room_name := ""
## The SDK's settings (keys as the environment variables); empty: the environment, as in a
## container. A browser has no environment: tests set them here.
var sdk_settings := {}

var _peer: MultiplayerPeer = null
var _players := {}
var _empty_for := 0.0
var _sdk: RoomServerSdkScript = null


func _ready() -> void:
	_read_options()
	_log("starting", {"room": room_name, "maxPlayers": max_players, "emptyServerTimeout": empty_timeout})
	var error := _listen()
	if error != OK:
		_log("error", {"reason": "could not listen", "port": port, "protocol": protocol, "code": error})
		_peer = null
		get_tree().quit(1)
		return
	multiplayer.multiplayer_peer = _peer
	multiplayer.peer_connected.connect(_on_player_joined)
	multiplayer.peer_disconnected.connect(_on_player_left)
	_log("listening", {"port": port, "protocol": protocol})
	_sdk = RoomServerSdkScript.new()
	add_child(_sdk)
	_sdk.drain_requested.connect(_on_drain_requested)
	_sdk.assigned.connect(_on_assigned)
	_sdk.player_admitted.connect(_on_player_admitted)
	_sdk.player_refused.connect(_on_player_refused)
	# Only while tickets are required: peers then authenticate before they connect.
	var scene_multiplayer := multiplayer as SceneMultiplayer
	if scene_multiplayer != null:
		scene_multiplayer.peer_authenticating.connect(_on_peer_authenticating)
	if _sdk.start(sdk_settings):
		_sdk.mark_ready(max_players)


func _listen() -> int:
	if protocol == "tcp":
		var websocket := WebSocketMultiplayerPeer.new()
		_peer = websocket
		return websocket.create_server(port)
	var enet := ENetMultiplayerPeer.new()
	_peer = enet
	return enet.create_server(port, max_players)


func _process(delta: float) -> void:
	if _peer == null:
		return
	if _players.is_empty() and _sdk.is_assigned():
		_empty_for += delta
		if _empty_for >= empty_timeout:
			_log("idle shutdown", {"emptyForSeconds": snappedf(_empty_for, 0.1)})
			set_process(false)
			get_tree().quit(0)


func _on_player_joined(id: int) -> void:
	if _players.size() >= max_players:
		_log("player refused", {"id": id, "reason": "room full", "players": _players.size()})
		_peer.disconnect_peer(id)
		return
	_players[id] = true
	_log("player joined", {"id": id, "players": _players.size()})


func _on_peer_authenticating(id: int) -> void:
	_log("peer connected", {"id": id})


func _on_player_admitted(id: int, seat: String) -> void:
	_log("player admitted", {"id": id, "seat": seat})


func _on_player_refused(id: int, reason: String) -> void:
	# The SDK disconnects it.
	_log("player refused", {"id": id, "reason": reason, "players": _players.size()})


func _on_player_left(id: int) -> void:
	if not _players.erase(id):
		return
	if _players.is_empty():
		_empty_for = 0.0
	_log("player left", {"id": id, "players": _players.size()})


func _on_assigned(room: String) -> void:
	# The empty-server timeout starts now: it did not count while the server was warm.
	room_name = room
	_log("assigned", {"room": room_name})


func _on_drain_requested(reason: String) -> void:
	# The SDK quits shortly after this; a real game would warn its players and save here.
	_log("draining", {"reason": reason, "players": _players.size()})


func _read_options() -> void:
	var options := {}
	for argument in OS.get_cmdline_args() + OS.get_cmdline_user_args():
		if argument.begins_with("--") and argument.find("=") > 2:
			var parts := argument.substr(2).split("=", true, 1)
			options[parts[0]] = parts[1]
	port = int(_option(options, "port", "GAME_PORT", str(port)))
	protocol = _option(options, "protocol", "GAME_PROTOCOL", protocol).to_lower()
	max_players = int(_option(options, "max-players", "MAX_PLAYERS", str(max_players)))
	empty_timeout = float(_option(options, "empty-server-timeout", "EMPTY_SERVER_TIMEOUT", str(empty_timeout)))
	room_name = _option(options, "room-name", "ROOM_NAME", room_name)


func _option(options: Dictionary, name: String, env: String, fallback: String) -> String:
	if options.has(name):
		return options[name]
	if OS.has_environment(env) and OS.get_environment(env) != "":
		return OS.get_environment(env)
	return fallback


func _log(event: String, fields: Dictionary = {}) -> void:
	var line := {"event": event, "time": int(Time.get_unix_time_from_system())}
	line.merge(fields)
	print(JSON.stringify(line))
