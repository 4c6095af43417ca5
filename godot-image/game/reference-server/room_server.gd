extends Node
# The reference room server. It serves one game room:
# - listens on --port (ENet over UDP, or WebSocket over TCP with --protocol=tcp), on every
#   interface, or on --bind-address only (local mode keeps rooms on 127.0.0.1 this way);
# - accepts up to --max-players, refusing more;
# - quits with exit code 0 after --empty-server-timeout seconds with nobody connected
#   (the timer restarts whenever the last player leaves), so the ECS task stops and costs nothing;
#   a warm server (ROOM_WARM=1, started before any room needs it) does not count while it waits:
#   the timer starts when the SDK says it was assigned a room;
# - logs one JSON object per line to stdout.
# Every option may also come from the environment (GAME_PORT, GAME_PROTOCOL, MAX_PLAYERS,
# EMPTY_SERVER_TIMEOUT, ROOM_NAME, BIND_ADDRESS), so ECS container overrides work.
# It uses the server SDK (room_sdk.gd): ready once it listens, heartbeats with its player count,
# and drains when the room is stopped.
# With ROOM_REQUIRE_TICKETS=1 a peer is a player only once the SDK admitted its join ticket
# (sent within ROOM_AUTH_SECONDS to /root/RoomsSdk, see room_sdk.gd): it logs "peer connected",
# then "player admitted" (seat) and "player joined", or "player refused" (reason) as the SDK
# disconnects it. The SDK runs at /root/RoomsSdk, where clients send their tickets.

var port := 7777
var protocol := "udp"
var max_players := 16
var empty_timeout := 300.0
var room_name := ""
var bind_address := "*"

var _peer = null
var _players := {}
var _empty_for := 0.0
var _sdk = preload("res://room_sdk.gd").new()


func _ready() -> void:
	_read_options()
	_sdk.max_players = max_players
	# Nothing to save here: quit soon after the drain signal.
	_sdk.drain_seconds = 0.5
	# At a path clients know, for their tickets; the root is busy until this frame ends.
	_sdk.name = "RoomsSdk"
	get_tree().root.call_deferred("add_child", _sdk)
	_sdk.connect("assigned", self, "_on_assigned")
	_sdk.connect("player_admitted", self, "_on_player_admitted")
	_sdk.connect("player_refused", self, "_on_player_refused")
	_log("starting", {"room": room_name, "maxPlayers": max_players, "emptyServerTimeout": empty_timeout})
	var error := _listen()
	if error != OK:
		_log("error", {"reason": "could not listen", "port": port, "protocol": protocol, "code": error})
		get_tree().quit(1)
		return
	get_tree().network_peer = _peer
	get_tree().connect("network_peer_connected", self, "_on_player_joined")
	get_tree().connect("network_peer_disconnected", self, "_on_player_left")
	_log("listening", {"port": port, "protocol": protocol})
	_sdk.mark_ready()


func _listen() -> int:
	if protocol == "tcp":
		_peer = WebSocketServer.new()
		_peer.bind_ip = bind_address
		return _peer.listen(port, PoolStringArray(), true)
	_peer = NetworkedMultiplayerENet.new()
	_peer.set_bind_ip(bind_address)
	return _peer.create_server(port, max_players)


func _process(delta: float) -> void:
	if _peer == null:
		return
	if protocol == "tcp" and _peer.is_listening():
		_peer.poll()
	if _players.empty() and _sdk.is_assigned():
		_empty_for += delta
		if _empty_for >= empty_timeout:
			_log("idle shutdown", {"emptyForSeconds": stepify(_empty_for, 0.1)})
			set_process(false)
			get_tree().quit(0)


func _on_player_joined(id: int) -> void:
	if _tickets_required():
		# A player once its ticket is admitted (_on_player_admitted), or refused.
		_log("peer connected", {"id": id})
		return
	_admit(id)


func _on_player_admitted(id: int, seat: String) -> void:
	_log("player admitted", {"id": id, "seat": seat})
	_admit(id)


func _on_player_refused(id: int, reason: String) -> void:
	# The SDK disconnects it.
	_log("player refused", {"id": id, "reason": reason, "players": _players.size()})


func _admit(id: int) -> void:
	if _players.size() >= max_players:
		_log("player refused", {"id": id, "reason": "room full", "players": _players.size()})
		if protocol == "tcp":
			_peer.disconnect_peer(id)
		else:
			_peer.disconnect_peer(id, true)
		return
	_players[id] = true
	_sdk.set_players(_players.size())
	_log("player joined", {"id": id, "players": _players.size()})


func _on_player_left(id: int) -> void:
	if not _players.erase(id):
		return
	_sdk.set_players(_players.size())
	if _players.empty():
		_empty_for = 0.0
	_log("player left", {"id": id, "players": _players.size()})


func _on_assigned(room: String) -> void:
	# The empty-server timeout starts now: it did not count while the server was warm.
	room_name = room
	_log("assigned", {"room": room_name})


func _tickets_required() -> bool:
	return OS.get_environment("ROOM_REQUIRE_TICKETS").to_lower() in ["1", "true"]


func _read_options() -> void:
	var options := {}
	for argument in OS.get_cmdline_args():
		if argument.begins_with("--") and argument.find("=") > 2:
			var parts = argument.substr(2).split("=", true, 1)
			options[parts[0]] = parts[1]
	port = int(_option(options, "port", "GAME_PORT", str(port)))
	protocol = _option(options, "protocol", "GAME_PROTOCOL", protocol).to_lower()
	max_players = int(_option(options, "max-players", "MAX_PLAYERS", str(max_players)))
	empty_timeout = float(_option(options, "empty-server-timeout", "EMPTY_SERVER_TIMEOUT", str(empty_timeout)))
	room_name = _option(options, "room-name", "ROOM_NAME", room_name)
	bind_address = _option(options, "bind-address", "BIND_ADDRESS", bind_address)


func _option(options: Dictionary, name: String, env: String, fallback: String) -> String:
	if options.has(name):
		return options[name]
	if OS.has_environment(env) and OS.get_environment(env) != "":
		return OS.get_environment(env)
	return fallback


func _log(event: String, fields: Dictionary = {}) -> void:
	# ticks: the engine's monotonic milliseconds, for intervals that must not depend on when a
	# reader happens to see the line.
	var line := {"event": event, "time": OS.get_unix_time(), "ticks": OS.get_ticks_msec()}
	for key in fields:
		line[key] = fields[key]
	print(JSON.print(line))
