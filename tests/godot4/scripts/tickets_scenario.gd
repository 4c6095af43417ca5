extends Node
# Join tickets on the Godot 4 addon, judged by tickets.test.ts:
# - RoomServerSdk.verify_ticket and hmac_sha256 on the cases in res://t/cases.json (tickets made by
#   the service's signTicket, HMAC inputs from Node);
# - the whole SceneMultiplayer authentication, in one process: the tree's multiplayer is the
#   server (the SDK on it, ROOM_REQUIRE_TICKETS=1, ROOM_AUTH_SECONDS=3), and each client is its own
#   SceneMultiplayer presenting its ticket with RoomsMultiplayerBridge.present_ticket, linked to
#   the server by a stand-in transport (auth_link_peer.gd) that carries the engine's own packets.
#   The heartbeat stub's first answer fails, so the first ticket arrives before the ticket key.
# Prints `STEP <json>` lines, then quits with 0.
# User args: --stub=<url>

const AuthLinkPeer := preload("res://t/auth_link_peer.gd")
const Sdk := preload("res://addons/godot_rooms/room_server_sdk.gd")
const Bridge := preload("res://addons/godot_rooms/rooms_multiplayer_bridge.gd")

var _stub := ""
var _server: MultiplayerPeerExtension
var _sdk: Node
var _clients := {}
var _admitted: Array[Dictionary] = []
var _refused: Array[Dictionary] = []
var _heartbeats := 0
var _started_at := 0


func _ready() -> void:
	for argument in OS.get_cmdline_user_args():
		if argument.begins_with("--stub="):
			_stub = argument.trim_prefix("--stub=")
	var cases: Dictionary = JSON.parse_string(FileAccess.get_file_as_string("res://t/cases.json"))
	_step("verify", {"results": cases.verify.map(func(c: Dictionary) -> Dictionary:
		return Sdk.verify_ticket(c.ticket, c.key, c.room, int(c.now)))})
	_step("hmac", {"results": cases.hmac.map(func(c: Dictionary) -> Dictionary:
		var digest: PackedByteArray = Sdk.hmac_sha256(Marshalls.base64_to_raw(c.key), Marshalls.base64_to_raw(c.message))
		return {"hex": digest.hex_encode(), "b64url": Sdk.base64url_encode(digest)})})
	_step("bridge", _bridge())
	await _authentication(cases.flow)
	# The clients' signal handlers hold what holds them: let go, so nothing leaks at exit.
	for seen in _clients.values():
		seen.api.multiplayer_peer = null
		seen.peer.release()
		seen.erase("api")
		seen.erase("peer")
	_clients.clear()
	_server.release()
	get_tree().quit(0)


## present_ticket sets SceneMultiplayer's auth_callback, undoes it with "", refuses other APIs.
func _bridge() -> Dictionary:
	var api := SceneMultiplayer.new()
	var presented := Bridge.present_ticket(api, "a.b")
	var callback_set := api.auth_callback.is_valid()
	var again := Bridge.present_ticket(api, "c.d")
	var connections_after_again := api.peer_authenticating.get_connections().size()
	var undone := Bridge.present_ticket(api, "")
	var game_callback := func(_id: int, _data: PackedByteArray) -> void: pass
	api.auth_callback = game_callback
	Bridge.present_ticket(api, "")
	return {
		"presented": presented, "callback_set": callback_set, "again": again,
		"connections_after_again": connections_after_again, "undone": undone,
		"callback_after_undo": api.peer_authenticating.get_connections().size(),
		"game_callback_kept": api.auth_callback == game_callback,
		"other_api": Bridge.present_ticket(MultiplayerAPIExtension.new(), "a.b"),
	}


func _authentication(flow: Dictionary) -> void:
	_started_at = Time.get_ticks_msec()
	_server = AuthLinkPeer.new()
	multiplayer.multiplayer_peer = _server
	_sdk = Sdk.new()
	add_child(_sdk)
	_sdk.quit_on_drain = false
	_sdk.player_admitted.connect(func(id: int, seat: String) -> void:
		_admitted.append({"id": id, "seat": seat, "ms": _since(id), "players_then": _sdk.player_count()}))
	_sdk.player_refused.connect(func(id: int, reason: String) -> void:
		_refused.append({"id": id, "reason": reason, "ms": _since(id)}))
	_sdk.heartbeat_sent.connect(func(_result: Dictionary) -> void: _heartbeats += 1)
	_sdk.start({
		"ROOMS_API_URL": _stub, "ROOM_NAME": "Arena", "ROOM_SECRET": "bootstrap-secret",
		"ROOM_HEARTBEAT_SECONDS": "1", "ROOM_REQUIRE_TICKETS": "1", "ROOM_AUTH_SECONDS": "3",
	})
	_sdk.mark_ready(8)
	var api := multiplayer as SceneMultiplayer
	_step("settings", {
		"require_tickets": _sdk.require_tickets, "auth_seconds": _sdk.auth_seconds,
		"auth_timeout": api.auth_timeout, "auth_callback": api.auth_callback.is_valid(),
	})
	# Before the key: the stub's first answer fails, the SDK retries 1 s later.
	_client("early", 11, flow.early)
	await _until(func() -> bool: return _decided(["early"]), 6.0)
	var names := ["valid", "other room", "expired", "forged", "malformed", "replayed", "none"]
	var id := 20
	for name in names:
		_client(name, id, flow.get(name, ""))
		id += 1
	await _until(func() -> bool: return _decided(names), 8.0)
	_step("clients", _outcomes())
	_step("signals", {"admitted": _admitted, "refused": _refused})
	_step("players", {
		"count": _sdk.player_count(), "peers": Array(multiplayer.get_peers()),
		"seats": {"early": _sdk.seat_of(11), "valid": _sdk.seat_of(20), "forged": _sdk.seat_of(23)},
		"authenticating": Array(api.get_authenticating_peers()),
	})
	# Two heartbeats, then the valid player leaves; two more.
	var seen := _heartbeats
	await _until(func() -> bool: return _heartbeats >= seen + 2, 5.0)
	_clients["valid"].api.multiplayer_peer.close()
	seen = _heartbeats
	await _until(func() -> bool: return _heartbeats >= seen + 2, 5.0)
	_step("after leaving", {
		"count": _sdk.player_count(), "peers": Array(multiplayer.get_peers()),
		"seat_valid": _sdk.seat_of(20), "seat_early": _sdk.seat_of(11),
	})


func _client(name: String, id: int, ticket: String) -> void:
	var api := SceneMultiplayer.new()
	var peer := AuthLinkPeer.new()
	peer.id = id
	if ticket != "":
		Bridge.present_ticket(api, ticket)
	api.multiplayer_peer = peer
	var seen := {"api": api, "peer": peer, "id": id, "connected": false, "disconnected": false, "linked_at": Time.get_ticks_msec()}
	api.connected_to_server.connect(func() -> void: seen.connected = true)
	api.server_disconnected.connect(func() -> void: seen.disconnected = true)
	_clients[name] = seen
	AuthLinkPeer.linked(_server, peer)


func _process(_delta: float) -> void:
	# The tree polls its own multiplayer (the server); the clients' are polled here.
	for seen in _clients.values():
		var api: SceneMultiplayer = seen.api
		if api.multiplayer_peer != null and not api.multiplayer_peer is OfflineMultiplayerPeer:
			api.poll()


## Each client decided: admitted (its server connected, and the server's peer) or cut off.
func _decided(names: Array) -> bool:
	for name in names:
		var seen: Dictionary = _clients[name]
		var admitted: bool = seen.connected and multiplayer.get_peers().has(seen.id)
		if not admitted and not seen.disconnected:
			return false
	return true


func _outcomes() -> Dictionary:
	var outcomes := {}
	for name in _clients:
		var seen: Dictionary = _clients[name]
		outcomes[name] = {
			"id": seen.id, "connected": seen.connected, "disconnected": seen.disconnected,
			"server_peer": multiplayer.get_peers().has(seen.id),
			"disconnected_by_server": _server.disconnected.has(seen.id),
		}
	return outcomes


func _since(id: int) -> int:
	for seen in _clients.values():
		if seen.id == id:
			return Time.get_ticks_msec() - seen.linked_at
	return -1


func _until(done: Callable, seconds: float) -> void:
	var deadline := Time.get_ticks_msec() + int(seconds * 1000.0)
	while not done.call() and Time.get_ticks_msec() < deadline:
		await get_tree().process_frame


func _step(name: String, result: Dictionary) -> void:
	print("STEP " + JSON.stringify({"step": name, "result": result}))
