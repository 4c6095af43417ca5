extends Node
# godot-rooms client for Godot 3.x: the room API over HTTPRequest, as coroutines.
# Godot 4 games use the addon in addons/godot_rooms/ instead (same method names and results).
#
#   var rooms = preload("res://rooms_client.gd").new()
#   rooms.base_url = "https://abc123.execute-api.eu-west-1.amazonaws.com"   # or http://127.0.0.1:8080
#   add_child(rooms)
#   var created = yield(rooms.create_room("My Room"), "completed")
#   if created.success:
#       var room = yield(rooms.wait_until_running(created.message, 60.0), "completed")
#       if room.success:
#           var peer = NetworkedMultiplayerENet.new()
#           peer.create_client(room.data.ip, int(room.data.port))
#           get_tree().network_peer = peer
#
# Every method returns the parsed envelope {success, message, data, status}, or on a network or
# HTTP failure {success: false, message: <why>, data: [], status: <HTTP status or 0>, error: <kind>}.
# Keep created.data.ownerToken: only it can stop the room (stop_room).
#
# Join tickets (servers started with ROOM_REQUIRE_TICKETS=1 admit only players holding one):
#
#   var joined = yield(rooms.join_room("My Room"), "completed")   # join_room() alone: quick play
#   if joined.success:   # joined.data: {name, ip, port, ticket, expiresAt}
#       var connected = yield(rooms.connect_to_room(joined.data), "completed")
#       if not connected.success:
#           print(connected.message)   # could not connect, or the server refused the ticket
#
# join_room reserves a seat: 409 when the room is full or not running, 404 when there is no such
# room. Quick play (no name; `version` optional) joins the fullest room with a free seat; when
# none has one, the service starts a room for this player (answering 202 while it starts): the
# call waits until it is RUNNING (up to `timeout` seconds), then joins it, so the result is a
# seat either way, or the service's refusal (429 over the client's limits, 503 at the cap). connect_to_room sets get_tree().network_peer (ENet, or WebSocket for rooms
# whose data says protocol "tcp"), and when the room data carries a `ticket` (or one is passed)
# it presents it once connected: the RPC _rooms_auth(ticket) to the server (id 1) from a node
# at /root/RoomsSdk, which it adds (with a stub of that RPC) unless the scene has one. The server
# gives no answer to a good ticket, and disconnects a refused one: so with a ticket the call
# succeeds only after ticket_wait_seconds (6: ROOM_AUTH_SECONDS, 5, and a second of network)
# have passed with the peer still connected, and fails if the server disconnected it before.
# Without a ticket it connects as before, and succeeds as soon as the server answered (a server
# that requires tickets then disconnects the peer within ROOM_AUTH_SECONDS). A server that does
# not require them ignores a ticket, but the call still waits ticket_wait_seconds.

const DEFAULT_CONNECT_TIMEOUT := 10.0
## The node path (under the scene root) servers that require tickets take them at.
const TICKET_NODE_NAME := "RoomsSdk"

var base_url := "http://127.0.0.1:8080"
var request_timeout := 10.0
## The game protocol of rooms whose data has no `protocol` field (join_room's data has none):
## "udp" (ENet) or "tcp" (WebSocket), as the stack's gameProtocol.
var default_protocol := "udp"
## With a ticket, connect_to_room succeeds once the peer has stayed connected this long after
## presenting it: the server's ROOM_AUTH_SECONDS (5) and a second of network. Lower it to start
## sooner at the risk of learning of a refusal later (from the tree's server_disconnected).
var ticket_wait_seconds := 6.0


func create_room(name := "", version := "") -> Dictionary:
	var query := ""
	if name != "":
		query = "?server=" + name.percent_encode()
	var body := {}
	if version != "":
		body["version"] = version
	return yield(_call(HTTPClient.METHOD_POST, "/create_server" + query, [], JSON.print(body)), "completed")


# A seat and its join ticket: data is {name, ip, port, ticket, expiresAt}; pass it to
# connect_to_room. Without a name, quick play: a seat in the fullest RUNNING room of `version`
# that has one, or in the room the service starts for it (waited for up to `timeout` seconds).
func join_room(name := "", version := "", timeout := 60.0) -> Dictionary:
	var query := ""
	if name != "":
		query = "?server=" + name.percent_encode()
	elif version != "":
		query = "?version=" + version.percent_encode()
	var joined: Dictionary = yield(_call(HTTPClient.METHOD_POST, "/join_room" + query, [], "{}"), "completed")
	if name != "" or joined.status != 202:
		return joined
	# Quick play started a room (`message` is its name): once it runs, take a seat in it.
	var running: Dictionary = yield(wait_until_running(joined.message, timeout), "completed")
	if not running.success:
		return running
	return yield(join_room(joined.message), "completed")


func get_room(name: String) -> Dictionary:
	return yield(_call(HTTPClient.METHOD_GET, "/get_servers?server=" + name.percent_encode()), "completed")


func list_rooms(page := 0) -> Dictionary:
	return yield(_call(HTTPClient.METHOD_GET, "/get_servers?page=" + str(page)), "completed")


func stop_room(name: String, owner_token: String) -> Dictionary:
	var headers := ["Authorization: Bearer " + owner_token]
	return yield(_call(HTTPClient.METHOD_POST, "/stop_server?server=" + name.percent_encode(), headers), "completed")


# Polls get_room with backoff (0.5 s, growing to 5 s) until the room is RUNNING, gone, or time is up.
func wait_until_running(name: String, timeout := 60.0) -> Dictionary:
	var deadline := OS.get_ticks_msec() + int(timeout * 1000.0)
	var delay := 0.5
	while true:
		var room: Dictionary = yield(get_room(name), "completed")
		if not room.success:
			return room
		if room.data.get("status", "") == "RUNNING":
			return room
		if OS.get_ticks_msec() + int(delay * 1000.0) > deadline:
			return _failure("The room did not start in time.", room.status, "timeout")
		yield(get_tree().create_timer(delay), "timeout")
		delay = min(delay * 1.5, 5.0)
	return _failure("unreachable", 0, "internal")


# Connects to a room (the data of a RUNNING room, or of join_room) and sets the peer as
# get_tree().network_peer. `ticket` (default: the data's `ticket`, if any) is presented once
# connected, and then the call waits ticket_wait_seconds for a refusal (see the top of the file).
# On success: {success: true, message: "Connected", data: room, status: 200, peer, protocol};
# on failure the usual failure with error "invalid" (no address), "connect" (no connection in
# `timeout` seconds, or disconnected within the auth window after presenting the ticket), and
# peer null; the tree's network_peer is then cleared if it was this call's.
func connect_to_room(room: Dictionary, timeout := DEFAULT_CONNECT_TIMEOUT, ticket := "") -> Dictionary:
	if ticket == "":
		ticket = str(room.get("ticket", ""))
	var ip := str(room.get("ip", ""))
	var port := int(room.get("port", 0))
	if ip == "" or port <= 0:
		yield(get_tree(), "idle_frame")
		return _no_peer(_failure("The room has no address yet: wait until it is RUNNING.", 0, "invalid"))
	var protocol := "tcp" if str(room.get("protocol", default_protocol)).to_lower() == "tcp" else "udp"
	var peer
	var error := OK
	if protocol == "tcp":
		peer = WebSocketClient.new()
		var host := ("[%s]" % ip) if ip.find(":") >= 0 else ip
		error = peer.connect_to_url("ws://%s:%d" % [host, port], PoolStringArray(), true)
	else:
		peer = NetworkedMultiplayerENet.new()
		error = peer.create_client(ip, port)
	if error != OK:
		yield(get_tree(), "idle_frame")
		var why := "Could not start a %s client for %s:%d (error %d)." % [protocol, ip, port, error]
		return _no_peer(_failure(why, 0, "connect"))
	get_tree().network_peer = peer
	var deadline := OS.get_ticks_msec() + int(timeout * 1000.0)
	while true:
		yield(get_tree(), "idle_frame")
		if _is_connected(peer):
			break
		if _is_closed(peer) or OS.get_ticks_msec() > deadline:
			_drop(peer)
			return _no_peer(_failure("Could not connect to the room at %s:%d." % [ip, port], 0, "connect"))
	if ticket != "":
		_ticket_node().rpc_id(1, "_rooms_auth", ticket)
		var admitted_by := OS.get_ticks_msec() + int(ticket_wait_seconds * 1000.0)
		while OS.get_ticks_msec() < admitted_by:
			yield(get_tree(), "idle_frame")
			if not _is_connected(peer):
				_drop(peer)
				var refused := "The room's server refused the join ticket"
				refused += " (it disconnected us within the auth window)."
				return _no_peer(_failure(refused, 0, "connect"))
	return {"success": true, "message": "Connected", "data": room, "status": 200, "peer": peer, "protocol": protocol}


# Connected: the handshake is done and the server (peer 1) is known to the multiplayer API.
func _is_connected(peer) -> bool:
	if get_tree().network_peer != peer:
		return false
	if peer.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_CONNECTED:
		return false
	return 1 in get_tree().get_network_connected_peers()


func _is_closed(peer) -> bool:
	return get_tree().network_peer != peer or peer.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_DISCONNECTED


func _drop(peer) -> void:
	if peer.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_DISCONNECTED:
		if peer is WebSocketClient:
			peer.disconnect_from_host()
		else:
			peer.close_connection()
	if get_tree().network_peer == peer:
		get_tree().network_peer = null


# The node tickets are sent from: the server takes them at /root/RoomsSdk, and an RPC goes to the
# node at the sender's own path. The game's own node there is used if it has one.
func _ticket_node() -> Node:
	var root := get_tree().root
	var node := root.get_node_or_null(TICKET_NODE_NAME)
	if node == null:
		node = _TicketSender.new()
		node.name = TICKET_NODE_NAME
		root.add_child(node)
	return node


func _no_peer(result: Dictionary) -> Dictionary:
	result["peer"] = null
	return result


func _call(method: int, path: String, headers := [], body := "") -> Dictionary:
	var http := HTTPRequest.new()
	http.timeout = request_timeout
	add_child(http)
	var all_headers := ["Content-Type: application/json"] + headers
	var error := http.request(base_url.trim_suffix("/") + path, PoolStringArray(all_headers), base_url.begins_with("https"), method, body)
	if error != OK:
		http.queue_free()
		yield(get_tree(), "idle_frame")
		return _failure("Could not send the request (error %d)." % error, 0, "network")
	var completed: Array = yield(http, "request_completed")
	http.queue_free()
	var result: int = completed[0]
	var status: int = completed[1]
	var text: String = completed[3].get_string_from_utf8()
	if result != HTTPRequest.RESULT_SUCCESS:
		return _failure("The room service could not be reached (result %d)." % result, 0, "network")
	var parsed := JSON.parse(text)
	if parsed.error != OK or typeof(parsed.result) != TYPE_DICTIONARY:
		return _failure("The room service answered HTTP %d without a readable body." % status, status, "http")
	var envelope: Dictionary = parsed.result
	envelope["status"] = status
	# 2xx is success: 202 (quick play's room is starting) too.
	var ok := status >= 200 and status < 300
	if not envelope.has("success"):
		envelope["success"] = ok
	if not envelope.has("message"):
		envelope["message"] = "HTTP %d" % status
	if not envelope.has("data"):
		envelope["data"] = []
	if not ok:
		envelope["success"] = false
		envelope["error"] = "http"
	return envelope


func _failure(message: String, status: int, kind: String) -> Dictionary:
	return {"success": false, "message": message, "data": [], "status": status, "error": kind}


# /root/RoomsSdk on the client: the stub of the RPC servers that require tickets take them with.
class _TicketSender extends Node:
	remote func _rooms_auth(_ticket) -> void:
		pass
