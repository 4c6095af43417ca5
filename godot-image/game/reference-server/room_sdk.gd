extends Node
# godot-rooms server SDK for Godot 3. Add it to your dedicated server (as an autoload, or with
# add_child), then call mark_ready() once the game listens. It then heartbeats to the room API
# every ROOM_HEARTBEAT_SECONDS with the player count (the multiplayer API's connected peers, or
# set_players(n)), and drains when the room is stopped: it emits drain_requested, reports
# "draining", and quits after drain_seconds (or when the game calls finish_drain()).
#
# It reads what the service gives every room server: ROOMS_API_URL, ROOM_NAME, ROOM_SECRET,
# ROOM_HEARTBEAT_SECONDS, and ROOM_DRAIN_FILE (the container entrypoint, or local mode, creates
# that file on SIGTERM: GDScript cannot catch signals). Without them (the game started by hand
# or in the editor) it does nothing, and says so once. Network failures are retried with
# backoff and never stop the game. The secret is never printed.
#
# Warm servers: the service may start a server before any room needs it (ROOM_WARM=1, under a
# placeholder ROOM_NAME starting with "~"). It is ready but serves no room until a player's create
# takes it; a heartbeat's answer then says `assigned: true` and the room's name (`room`). The SDK
# emits assigned(room_name) once and heartbeats under that name from then on. Until then
# is_assigned() is false: a game should not run its empty-server timeout while warm. A server not
# started warm is assigned from the start and never emits the signal.
#
# Join tickets: with ROOM_REQUIRE_TICKETS=1 only players holding a join ticket from the room API
# play. Each connecting peer must send its ticket within ROOM_AUTH_SECONDS (default 5) by calling
# the RPC `_rooms_auth(ticket)` on this node, which must then be at /root/RoomsSdk on the server
# (an autoload named RoomsSdk, or `sdk.name = "RoomsSdk"` and added to the root as
# room_server.gd does). The client needs a node at the same path to send it from:
#     var auth := Node.new()
#     auth.name = "RoomsSdk"
#     get_tree().root.add_child(auth)
#     # once connected_to_server:
#     auth.rpc_id(1, "_rooms_auth", ticket)
# The SDK checks the ticket with room_ticket.gd against the ticket key and room id the first
# heartbeat's answer gave (the time is OS.get_unix_time()), and refuses a ticket that is
# malformed, forged, for another room, expired, or replayed (each seat is admitted once while
# the server runs), and peers that send none in time: it emits player_refused(peer_id, reason)
# and disconnects them. A valid ticket emits player_admitted(peer_id, seat). Only admitted peers
# count as players, and heartbeats then carry `seatsUsed` (seats admitted) and `seatsReleased`
# (seats whose player left) since the last heartbeat the API answered. Godot 3 has no
# authentication step of its own: until a peer is admitted, the game should ignore its RPCs
# (is_admitted(peer_id)). Without ROOM_REQUIRE_TICKETS nothing of this runs and heartbeats are
# unchanged.
# The Godot 4 SDK (addons/godot_rooms/room_server_sdk.gd) has the same design.

signal drain_requested
signal heartbeat_failed(status)
## A warm server now serves a room: its name as players know it (room_name() from now on).
signal assigned(room_name)
## ROOM_REQUIRE_TICKETS: the peer presented a valid ticket for `seat`; it is a player now.
signal player_admitted(peer_id, seat)
## ROOM_REQUIRE_TICKETS: the peer is being disconnected. `reason`: "no ticket" (none in time),
## "malformed", "forged", "other room", "expired", "replayed" (its seat was admitted already),
## "no ticket key" (the API has not given the key yet).
signal player_refused(peer_id, reason)

const DEFAULT_DRAIN_FILE := "/tmp/godot-rooms-drain"
const MAX_BACKOFF := 30.0
const DEFAULT_AUTH_SECONDS := 5.0
## The API takes at most this many seats of each list per heartbeat; more wait for the next.
const MAX_SEAT_REPORTS := 64
## The node path clients send their ticket to.
const NODE_NAME := "RoomsSdk"
# Beside this script (relative: the SDK may live anywhere in a game).
const RoomTicket = preload("room_ticket.gd")

var max_players := 16
## Seconds between the drain signal and quitting, for the game to warn players and save.
var drain_seconds := 5.0

var _api_url := ""
var _room := ""
var _token := ""
var _period := 30.0
var _drain_file := DEFAULT_DRAIN_FILE
var _enabled := false
var _is_ready := false
var _draining := false
var _players := -1
var _failures := 0
var _next_beat := 0.0
var _http: HTTPRequest
var _in_flight := false
var _warm := false
var _assigned := true
var _require_tickets := false
var _auth_seconds := DEFAULT_AUTH_SECONDS
var _ticket_key := ""
var _room_id := ""
# Peers that have not presented a valid ticket yet: id -> {deadline (ticks ms), ticket}.
var _pending := {}
# Admitted peers: id -> seat. Seats admitted while the server runs: seat -> true.
var _admitted := {}
var _used_seats := {}
# Refused peers being disconnected: id -> ticks ms when to force it (-1: forced already).
var _refused := {}
var _seats_used := []
var _seats_released := []
var _reporting_used := []
var _reporting_released := []


func _ready() -> void:
	_read_ticket_settings()
	_api_url = OS.get_environment("ROOMS_API_URL").rstrip("/")
	_room = OS.get_environment("ROOM_NAME")
	_token = OS.get_environment("ROOM_SECRET")
	var period := OS.get_environment("ROOM_HEARTBEAT_SECONDS")
	if period.is_valid_integer() and int(period) > 0:
		_period = float(period)
	if OS.get_environment("ROOM_DRAIN_FILE") != "":
		_drain_file = OS.get_environment("ROOM_DRAIN_FILE")
	_enabled = _api_url != "" and _room != "" and _token != ""
	if not _enabled:
		_log("rooms sdk off", {"reason": "ROOMS_API_URL, ROOM_NAME or ROOM_SECRET is not set"})
		if _require_tickets:
			_log("rooms sdk: no ticket key will come", {"reason": "tickets are required but the SDK is off: every player is refused"})
		return
	_warm = OS.get_environment("ROOM_WARM").to_lower() in ["1", "true"]
	_assigned = not _warm
	_http = HTTPRequest.new()
	_http.timeout = 10
	add_child(_http)
	_http.connect("request_completed", self, "_on_answer")


## Call once the game accepts players: the room becomes joinable.
func mark_ready() -> void:
	_is_ready = true
	_next_beat = 0.0


## Whether this server was started warm (ROOM_WARM=1): ready before any room needed it.
func is_warm() -> bool:
	return _warm


## Whether the server serves a room: true from the start unless warm, then from assigned.
func is_assigned() -> bool:
	return _assigned


## The room's name: ROOM_NAME, or, once a warm server is assigned, the room it serves.
func room_name() -> String:
	return _room


## Report the player count yourself (default: the multiplayer API's connected peers).
func set_players(count: int) -> void:
	_players = count


## Whether players need a join ticket (ROOM_REQUIRE_TICKETS=1).
func requires_tickets() -> bool:
	return _require_tickets


## Whether the peer presented a valid ticket (always true without ROOM_REQUIRE_TICKETS).
func is_admitted(peer_id: int) -> bool:
	return _admitted.has(peer_id) if _require_tickets else true


## The seat the peer's ticket named; "" if it has none.
func seat_of(peer_id: int) -> String:
	return _admitted.get(peer_id, "")


## Quit now instead of waiting drain_seconds.
func finish_drain() -> void:
	get_tree().quit(0)


func _process(delta: float) -> void:
	if _require_tickets:
		_check_deadlines()
	if not _enabled:
		return
	if not _draining and Directory.new().file_exists(_drain_file):
		_begin_drain("SIGTERM")
	if not _is_ready or _in_flight:
		return
	_next_beat -= delta
	if _next_beat <= 0.0:
		_send()


func _send() -> void:
	var body := {
		"server": _room,
		"state": "draining" if _draining else "ready",
		"players": _player_count(),
		"maxPlayers": max_players,
	}
	if _require_tickets:
		# What this heartbeat reports stays listed until an answer comes (see _on_answer).
		_reporting_used = _first(_seats_used, MAX_SEAT_REPORTS)
		_reporting_released = _first(_seats_released, MAX_SEAT_REPORTS)
		body["seatsUsed"] = _reporting_used
		body["seatsReleased"] = _reporting_released
	var headers := ["Content-Type: application/json", "Authorization: Bearer " + _token]
	var error := _http.request(_api_url + "/room_heartbeat", headers, true, HTTPClient.METHOD_POST, JSON.print(body))
	if error != OK:
		_retry_later(0)
		return
	_in_flight = true


func _on_answer(result: int, status: int, _headers: PoolStringArray, raw: PoolByteArray) -> void:
	_in_flight = false
	if result != HTTPRequest.RESULT_SUCCESS or status >= 500 or status == 429:
		# The seats reported may not have been read: they go again with the next heartbeat.
		_retry_later(status)
		return
	# Read (or refused as a bad request, which repeating cannot mend): reported.
	_forget_reported()
	if status == 404 or status == 403:
		# The room is gone (or this is not its server any more): nothing will let it back.
		_log("room gone", {"status": status})
		_begin_drain("room gone")
		return
	var answer = JSON.parse(raw.get_string_from_utf8()).result
	var data = answer.get("data", {}) if typeof(answer) == TYPE_DICTIONARY else {}
	if typeof(data) != TYPE_DICTIONARY:
		data = {}
	if data.get("roomKey", "") != "":
		_token = data["roomKey"]
	# Given with the room key: what join tickets are checked with. Never printed.
	if typeof(data.get("ticketKey")) == TYPE_STRING and data["ticketKey"] != "":
		_ticket_key = data["ticketKey"]
	if typeof(data.get("roomId")) == TYPE_STRING and data["roomId"] != "":
		_room_id = data["roomId"]
	if _require_tickets and _ticket_key != "":
		_check_waiting_tickets()
	if typeof(data.get("heartbeatSeconds")) == TYPE_REAL and data["heartbeatSeconds"] > 0:
		_period = data["heartbeatSeconds"]
	_failures = 0
	_next_beat = _period
	if not _assigned and typeof(data.get("assigned")) == TYPE_BOOL and data["assigned"]:
		_take_room(data.get("room"))
	if data.get("drain", false) and not _draining:
		_begin_drain("stopped")


func _take_room(room) -> void:
	# The room key stays the same; only the name heartbeats carry changes.
	if typeof(room) == TYPE_STRING and room != "":
		_room = room
	_assigned = true
	emit_signal("assigned", _room)


func _retry_later(status: int) -> void:
	_failures += 1
	emit_signal("heartbeat_failed", status)
	_next_beat = min(MAX_BACKOFF, pow(2, min(_failures, 5)))


func _begin_drain(reason: String) -> void:
	if _draining:
		return
	_draining = true
	_log("draining", {"reason": reason})
	emit_signal("drain_requested")
	_next_beat = 0.0
	var timer := get_tree().create_timer(drain_seconds)
	timer.connect("timeout", self, "finish_drain")


func _player_count() -> int:
	if _players >= 0:
		return _players
	if _require_tickets:
		return _admitted.size()
	if get_tree().network_peer == null:
		return 0
	return get_tree().get_network_connected_peers().size()


func _read_ticket_settings() -> void:
	_require_tickets = OS.get_environment("ROOM_REQUIRE_TICKETS").to_lower() in ["1", "true"]
	var seconds := OS.get_environment("ROOM_AUTH_SECONDS")
	if seconds.is_valid_float() and float(seconds) > 0.0:
		_auth_seconds = float(seconds)
	if not _require_tickets:
		return
	if get_path() != NodePath("/root/" + NODE_NAME):
		_log("rooms sdk: tickets need the SDK at /root/" + NODE_NAME, {"path": str(get_path())})
	get_tree().connect("network_peer_connected", self, "_on_peer_connected")
	get_tree().connect("network_peer_disconnected", self, "_on_peer_disconnected")


## Clients call this (rpc_id(1, "_rooms_auth", ticket) on their own /root/RoomsSdk) once
## connected. Ignored without ROOM_REQUIRE_TICKETS, and from peers already admitted or refused.
remote func _rooms_auth(ticket) -> void:
	if not _require_tickets:
		return
	var id := get_tree().get_rpc_sender_id()
	if _admitted.has(id) or _refused.has(id):
		return
	if not _pending.has(id):
		_on_peer_connected(id)
	if typeof(ticket) != TYPE_STRING:
		_refuse(id, "malformed")
		return
	_pending[id]["ticket"] = ticket
	if _ticket_key != "":
		_check_ticket(id)


func _on_peer_connected(id: int) -> void:
	_pending[id] = {"deadline": OS.get_ticks_msec() + int(_auth_seconds * 1000.0), "ticket": null}


func _on_peer_disconnected(id: int) -> void:
	_pending.erase(id)
	_refused.erase(id)
	if _admitted.has(id):
		_seats_released.append(_admitted[id])
		_admitted.erase(id)


func _check_ticket(id: int) -> void:
	var checked: Dictionary = RoomTicket.verify(_pending[id]["ticket"], _ticket_key, _room_id, OS.get_unix_time())
	if checked.ok and _used_seats.has(checked.seat):
		checked = {"ok": false, "reason": "replayed"}
	if not checked.ok:
		_refuse(id, checked.reason)
		return
	_pending.erase(id)
	_used_seats[checked.seat] = true
	_admitted[id] = checked.seat
	_seats_used.append(checked.seat)
	emit_signal("player_admitted", id, checked.seat)


func _check_waiting_tickets() -> void:
	for id in _pending.keys():
		if _pending.has(id) and typeof(_pending[id]["ticket"]) == TYPE_STRING:
			_check_ticket(id)


func _check_deadlines() -> void:
	var now := OS.get_ticks_msec()
	for id in _pending.keys():
		if _pending.has(id) and now >= _pending[id]["deadline"]:
			var got_one: bool = typeof(_pending[id]["ticket"]) == TYPE_STRING
			_refuse(id, "no ticket key" if got_one else "no ticket")
	for id in _refused.keys():
		if _refused.has(id) and _refused[id] >= 0 and now >= _refused[id]:
			# It did not go when asked: cut it off (ENet only; a WebSocket closes on its own).
			# It stays refused until it is gone: nothing it sends is checked again.
			_refused[id] = -1
			var peer = get_tree().network_peer
			if peer is NetworkedMultiplayerENet and id in get_tree().get_network_connected_peers():
				peer.disconnect_peer(id, true)


func _refuse(id: int, reason: String) -> void:
	_pending.erase(id)
	_refused[id] = OS.get_ticks_msec() + 2000
	emit_signal("player_refused", id, reason)
	var peer = get_tree().network_peer
	if peer == null or not id in get_tree().get_network_connected_peers():
		return
	if peer is NetworkedMultiplayerENet:
		# Not at once: the client is told, and its server_disconnected fires.
		peer.disconnect_peer(id, false)
	elif peer is WebSocketServer:
		peer.disconnect_peer(id, 1008, "ticket refused: " + reason)


static func _first(list: Array, count: int) -> Array:
	var first := []
	for item in list:
		if first.size() >= count:
			break
		first.append(item)
	return first


func _forget_reported() -> void:
	for seat in _reporting_used:
		_seats_used.erase(seat)
	for seat in _reporting_released:
		_seats_released.erase(seat)
	_reporting_used = []
	_reporting_released = []


func _log(event: String, fields: Dictionary = {}) -> void:
	var line := {"event": event, "time": OS.get_unix_time()}
	for key in fields:
		line[key] = fields[key]
	print(JSON.print(line))
