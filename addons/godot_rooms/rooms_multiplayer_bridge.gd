class_name RoomsMultiplayerBridge
extends RefCounted
## Turns a room (the `data` of a RUNNING room) into a Godot multiplayer peer: ENet for `udp`
## rooms, WebSocket for `tcp` rooms, as the stack's `gameProtocol` says. A room without a
## `protocol` field (a service older than that field) is taken as `fallback`: udp, the service's
## default, unless the caller says otherwise (RoomsClient.default_protocol).

# preload, not the global class names: a project run without the editor (--path, or an
# export made without a class cache) does not know class_name globals.
const _Result := preload("rooms_result.gd")

const UDP := "udp"
const TCP := "tcp"
## Where present_ticket keeps what it connected, on the multiplayer API.
const TICKET_META := &"godot_rooms_ticket"


static func protocol_of(room: Dictionary, fallback := UDP) -> String:
	return TCP if str(room.get("protocol", fallback)).to_lower() == TCP else UDP


## The WebSocket URL of a tcp room. Plain ws://: room servers have no TLS certificate, so a game
## page served over https cannot reach them (browsers block mixed content).
static func websocket_url(room: Dictionary) -> String:
	var ip := str(room.get("ip", ""))
	if ip.contains(":"):
		ip = "[%s]" % ip
	return "ws://%s:%d" % [ip, int(room.get("port", 0))]


## A peer that starts connecting to the room, in {success, message, data, status, peer}; on
## failure `peer` is null and `error` is "invalid" (no address) or "connect".
static func create_peer(room: Dictionary, fallback := UDP) -> Dictionary:
	var protocol := protocol_of(room, fallback)
	if str(room.get("ip", "")) == "" or int(room.get("port", 0)) <= 0:
		var no_address := _Result.failure(
			"The room has no address yet: wait until it is RUNNING.", 0, _Result.INVALID
		)
		no_address["peer"] = null
		return no_address
	if protocol == UDP and OS.has_feature("web"):
		# A browser can send no UDP: ENetMultiplayerPeer.create_client succeeds there but never
		# connects, so say why now rather than time out.
		var no_udp := _Result.failure(
			"ENet (UDP) is not available in web exports: browser games need rooms served over "
			+ "WebSocket (the stack's gameProtocol: tcp).",
			0,
			_Result.CONNECT
		)
		no_udp["peer"] = null
		return no_udp
	var peer: MultiplayerPeer
	var error := OK
	if protocol == TCP:
		var websocket := WebSocketMultiplayerPeer.new()
		error = websocket.create_client(websocket_url(room))
		peer = websocket
	else:
		var enet := ENetMultiplayerPeer.new()
		error = enet.create_client(str(room.ip), int(room.port))
		peer = enet
	if error != OK:
		var failed := _Result.failure(_cannot_start(room, protocol, error), 0, _Result.CONNECT)
		failed["peer"] = null
		return failed
	return {
		"success": true,
		"message": "Connecting",
		"data": room,
		"status": 200,
		"peer": peer,
		"protocol": protocol,
	}


## Makes `api` (a SceneMultiplayer) present a join ticket to the room's server when its peer
## connects: `send_auth(1, ticket.to_utf8_buffer())`, then `complete_auth(1)`. A server that
## requires tickets (ROOM_REQUIRE_TICKETS) admits the connection only then, and disconnects it if
## the ticket does not hold; one that does not require them never authenticates (leave the
## ticket out: the connection would wait for its answer). Call it before setting the peer. An
## empty ticket undoes a previous call (and leaves any auth_callback of the game's own alone).
## False if `api` is not a SceneMultiplayer.
static func present_ticket(api: MultiplayerAPI, ticket: String) -> bool:
	var scene := api as SceneMultiplayer
	if scene == null:
		return false
	if scene.has_meta(TICKET_META):
		var previous: Callable = scene.get_meta(TICKET_META)
		if scene.peer_authenticating.is_connected(previous):
			scene.peer_authenticating.disconnect(previous)
		scene.auth_callback = Callable()
		scene.remove_meta(TICKET_META)
	if ticket == "":
		return true
	var weak := weakref(scene)
	var send := func(peer_id: int) -> void:
		var owner: SceneMultiplayer = weak.get_ref()
		if owner == null or peer_id != 1:
			return
		owner.send_auth(1, ticket.to_utf8_buffer())
		owner.complete_auth(1)
	# The server sends nothing back but its completion: there is nothing to read.
	scene.auth_callback = func(_peer_id: int, _data: PackedByteArray) -> void: pass
	scene.peer_authenticating.connect(send)
	scene.set_meta(TICKET_META, send)
	return true


static func _cannot_start(room: Dictionary, protocol: String, error: int) -> String:
	return "Could not start a %s client for %s:%d (error %d)." % [
		protocol, room.get("ip", ""), int(room.get("port", 0)), error
	]
