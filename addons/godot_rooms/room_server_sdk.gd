class_name RoomServerSdk
extends Node
## The dedicated-server side of godot-rooms for Godot 4: tells the room API when the server is
## ready, heartbeats with the player count, and drains when the room is stopped.
##
##   var sdk := Rooms.create_server_sdk()
##   sdk.start()                        # reads the environment; off (says so once) outside a room
##   peer.create_server(port, 16)       # ...your server starts listening...
##   sdk.mark_ready(16)                 # the room becomes joinable (RUNNING)
##   sdk.drain_requested.connect(func(reason): warn_players())   # then the SDK quits the game
##
## Environment (set for every room server, in AWS and in local mode): ROOMS_API_URL, ROOM_NAME,
## ROOM_SECRET, ROOM_HEARTBEAT_SECONDS, and ROOM_DRAIN_FILE (default /tmp/godot-rooms-drain).
## GDScript cannot catch SIGTERM, so the container's entrypoint traps it and creates the drain
## file, which this polls; the API can also ask for a drain in a heartbeat's answer (`drain`).
## The secret is a one-time bootstrap: a heartbeat's answer may carry `data.roomKey`, which is
## used from then on, and `data.heartbeatSeconds`, the period from then on. Neither is ever printed. The player count is the multiplayer API's peers
## unless the game sets it (set_players). Network failures are retried with backoff, never fatal.
##
## Warm servers: the service may start a server before any room needs it (ROOM_WARM=1, under a
## placeholder ROOM_NAME starting with "~"). It is ready but serves no room until a player's
## create takes it; a heartbeat's answer then says `assigned: true` and the room's name (`room`).
## The SDK emits `assigned` once, and `room_name` (and the heartbeats' `server`) is that name from
## then on; the key stays the same. Until then is_assigned() is false: do not run an
## empty-server timeout while warm. A server not started warm is assigned from the start and
## never emits `assigned`.
##
## Join tickets: with ROOM_REQUIRE_TICKETS=1 only players holding a join ticket from the room API
## play. The SDK sets the multiplayer API's `auth_callback` (a SceneMultiplayer's) and its
## `auth_timeout` to ROOM_AUTH_SECONDS (default 5): a connecting client sends its ticket with
## `send_auth(1, ticket.to_utf8_buffer())` then `complete_auth(1)` (RoomsClient.connect_to_room
## does it when given a ticket; see RoomsMultiplayerBridge.present_ticket). The SDK checks it
## with the ticket key and room id from the heartbeat answer that gave the room key, and the
## clock (Time.get_unix_time_from_system()): a valid one emits `player_admitted(peer_id, seat)` and
## completes the authentication (the peer then connects: peer_connected); a malformed, forged,
## expired one, one for another room, or one whose seat was admitted already (each seat plays
## once while the server runs) emits `player_refused(peer_id, reason)` and disconnects the peer,
## as does no ticket within the timeout. Only admitted peers are the multiplayer API's peers, so
## only they count as players. Heartbeats then carry `seatsUsed` (seats admitted) and
## `seatsReleased` (seats whose player left) since the last heartbeat the API answered. Without
## ROOM_REQUIRE_TICKETS the SDK leaves `auth_callback` alone and heartbeats are unchanged.

# preload, not the global class names: a project run without the editor (--path, or an
# export made without a class cache) does not know class_name globals.
const _Adapter := preload("rooms_http_adapter.gd")
const _Result := preload("rooms_result.gd")

## The room is being stopped: warn players, save. `reason` is "api", "signal" or "removed".
signal drain_requested(reason: String)
## After each heartbeat, with its result (RoomsResult envelope).
signal heartbeat_sent(result: Dictionary)
## A warm server now serves a room: `room_name` is the room's name as players know it.
signal assigned(room_name: String)
## ROOM_REQUIRE_TICKETS: the peer's ticket holds for `seat`; it connects (peer_connected) as soon
## as its client completes the authentication too.
signal player_admitted(peer_id: int, seat: String)
## ROOM_REQUIRE_TICKETS: the peer is disconnected. `reason`: "no ticket" (none in time),
## "malformed", "forged", "other room", "expired", "replayed" (its seat was admitted already),
## "no ticket key" (the API had not given the key in time).
signal player_refused(peer_id: int, reason: String)

const ENV_API_URL := "ROOMS_API_URL"
const ENV_ROOM_NAME := "ROOM_NAME"
const ENV_SECRET := "ROOM_SECRET"
const ENV_HEARTBEAT_SECONDS := "ROOM_HEARTBEAT_SECONDS"
const ENV_DRAIN_FILE := "ROOM_DRAIN_FILE"
const ENV_WARM := "ROOM_WARM"
const ENV_REQUIRE_TICKETS := "ROOM_REQUIRE_TICKETS"
const ENV_AUTH_SECONDS := "ROOM_AUTH_SECONDS"
const DEFAULT_AUTH_SECONDS := 5.0
## The API takes at most this many seats of each list per heartbeat; more wait for the next.
const MAX_SEAT_REPORTS := 64
const TICKET_VERSION := 1
## Longer than any ticket the API makes: anything longer is refused before any work.
const MAX_TICKET_LENGTH := 2048
const _BASE64URL := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
const DEFAULT_DRAIN_FILE := "/tmp/godot-rooms-drain"
const DEFAULT_HEARTBEAT_SECONDS := 30.0
const DRAIN_POLL_SECONDS := 0.5
const FIRST_RETRY_DELAY := 1.0
const REQUEST_TIMEOUT := 10.0

## Quit (exit code 0) this many seconds after a drain starts, leaving time to warn players.
## Set quit_on_drain to false to quit yourself.
var drain_quit_delay := 2.0
var quit_on_drain := true
## Whose peers are counted; default: the scene tree's multiplayer.
var multiplayer_api: MultiplayerAPI = null
## The transport: a RoomsHttpAdapter, or any node with the same `send()`.
var adapter: Node

var enabled := false
var state := ""
var api_url := ""
var room_name := ""
var heartbeat_seconds := DEFAULT_HEARTBEAT_SECONDS
var drain_file := DEFAULT_DRAIN_FILE
var max_players := 0
## Whether players need a join ticket (ROOM_REQUIRE_TICKETS), and how long they have to send it.
var require_tickets := false
var auth_seconds := DEFAULT_AUTH_SECONDS

var _key := ""
var _players_override := -1
var _sending := false
var _retry_delay := FIRST_RETRY_DELAY
var _heartbeat_timer := Timer.new()
var _drain_timer := Timer.new()
var _reported := {}
var _warm := false
var _assigned := true
var _ticket_key := ""
var _room_id := ""
var _auth_api: SceneMultiplayer = null
# Tickets received before the ticket key: peer -> ticket.
var _waiting := {}
# Peers whose ticket was checked (admitted or refused): peer -> true.
var _checked := {}
# Admitted peers: peer -> seat; every seat admitted while the server runs: seat -> true.
var _seat_of := {}
var _used_seats := {}
var _seats_used: Array[String] = []
var _seats_released: Array[String] = []


func _init() -> void:
	adapter = _Adapter.new()
	add_child(adapter)
	_heartbeat_timer.one_shot = true
	_heartbeat_timer.timeout.connect(_heartbeat)
	add_child(_heartbeat_timer)
	_drain_timer.wait_time = DRAIN_POLL_SECONDS
	_drain_timer.timeout.connect(_poll_drain_file)
	add_child(_drain_timer)


## Reads the settings from `settings` (keys as the environment variables) or, when it is empty,
## from the environment. Returns whether the SDK is on.
func start(settings := {}) -> bool:
	var read := func(key: String) -> String:
		return str(settings.get(key, "")) if not settings.is_empty() else OS.get_environment(key)
	api_url = read.call(ENV_API_URL).trim_suffix("/")
	room_name = read.call(ENV_ROOM_NAME)
	_key = read.call(ENV_SECRET)
	var period: String = read.call(ENV_HEARTBEAT_SECONDS)
	heartbeat_seconds = float(period) if period.is_valid_float() and float(period) > 0.0 else DEFAULT_HEARTBEAT_SECONDS
	var file: String = read.call(ENV_DRAIN_FILE)
	drain_file = file if file != "" else DEFAULT_DRAIN_FILE
	enabled = api_url != "" and room_name != "" and _key != ""
	# Outside a room nothing can assign the server: it is never warm.
	var warm: String = read.call(ENV_WARM)
	_warm = enabled and warm.to_lower() in ["1", "true"]
	_assigned = not _warm
	var tickets: String = read.call(ENV_REQUIRE_TICKETS)
	require_tickets = tickets.to_lower() in ["1", "true"]
	var auth: String = read.call(ENV_AUTH_SECONDS)
	auth_seconds = float(auth) if auth.is_valid_float() and float(auth) > 0.0 else DEFAULT_AUTH_SECONDS
	if require_tickets:
		_use_tickets()
	if not enabled:
		_log_once("sdk off", {"reason": "%s, %s or %s is not set: not running in a room" % [ENV_API_URL, ENV_ROOM_NAME, ENV_SECRET]})
		if require_tickets:
			_log_once("no ticket key", {"reason": "tickets are required but the SDK is off: every player is refused"})
		return false
	_drain_timer.start()
	return true


## The server listens: the room becomes joinable with the first heartbeat.
func mark_ready(max_player_count := 0) -> void:
	if max_player_count > 0:
		max_players = max_player_count
	if not enabled or state != "":
		return
	state = "ready"
	_heartbeat()


## Whether this server was started warm (ROOM_WARM=1): ready before any room needed it.
func is_warm() -> bool:
	return _warm


## Whether the server serves a room: true from the start unless warm, then from `assigned`.
func is_assigned() -> bool:
	return _assigned


## Reports `count` players instead of counting the multiplayer API's peers; -1 counts them again.
func set_players(count: int) -> void:
	_players_override = count


## The seat the peer's ticket named; "" if it has none.
func seat_of(peer_id: int) -> String:
	return _seat_of.get(peer_id, "")


func player_count() -> int:
	if _players_override >= 0:
		return _players_override
	var api := multiplayer_api if multiplayer_api != null else get_tree().get_multiplayer()
	if api.multiplayer_peer == null or api.multiplayer_peer is OfflineMultiplayerPeer:
		return 0
	return api.get_peers().size()


## The body of the next heartbeat (what the API's POST /room_heartbeat reads).
func heartbeat_body() -> Dictionary:
	var players := player_count()
	var body := {
		"server": room_name,
		"state": state,
		"players": players,
		"maxPlayers": maxi(max_players, players),
	}
	if require_tickets:
		body["seatsUsed"] = _seats_used.slice(0, MAX_SEAT_REPORTS)
		body["seatsReleased"] = _seats_released.slice(0, MAX_SEAT_REPORTS)
	return body


## Starts draining, as if the room were stopped: emits drain_requested, tells the API, quits.
func drain(reason := "signal") -> void:
	if not enabled or state == "draining":
		return
	state = "draining"
	_drain_timer.stop()
	_log_once("drain", {"reason": reason})
	drain_requested.emit(reason)
	if reason != "removed":  # the API said the room is gone: nobody to tell
		while _sending:
			await get_tree().process_frame
		await _heartbeat()
	if quit_on_drain:
		await get_tree().create_timer(drain_quit_delay).timeout
		get_tree().quit(0)


func _heartbeat() -> void:
	if _sending or state == "":
		return
	_sending = true
	_heartbeat_timer.stop()
	var headers := PackedStringArray(["Content-Type: application/json", "Authorization: Bearer " + _key])
	var body := heartbeat_body()
	var response: Dictionary = await adapter.send(
		HTTPClient.METHOD_POST, api_url + "/room_heartbeat", headers, JSON.stringify(body), REQUEST_TIMEOUT
	)
	_sending = false
	var result := _Result.from_response(response)
	var status := int(result.status)
	# Read (or refused as a bad request, which repeating cannot mend): reported. Otherwise the
	# seats go again with the next heartbeat.
	if status > 0 and status < 500 and status != 429:
		_forget_reported(body)
	heartbeat_sent.emit(result)
	_after_heartbeat(result)


func _after_heartbeat(result: Dictionary) -> void:
	var data: Variant = result.get("data")
	var answer: Dictionary = data if data is Dictionary else {}
	var key := str(answer.get("roomKey", ""))
	if key != "":
		_key = key
	# Given with the room key: what join tickets are checked with. Never printed.
	var ticket_key: Variant = answer.get("ticketKey")
	if ticket_key is String and ticket_key != "":
		_ticket_key = ticket_key
	var room_id: Variant = answer.get("roomId")
	if room_id is String and room_id != "":
		_room_id = room_id
	if _ticket_key != "" and not _waiting.is_empty():
		_check_waiting()
	# The API may set the period (its heartbeatSeconds setting); it wins over the environment.
	var period: Variant = answer.get("heartbeatSeconds")
	if (period is float or period is int) and float(period) > 0.0:
		heartbeat_seconds = float(period)
	var wait := heartbeat_seconds
	if result.success:
		_retry_delay = FIRST_RETRY_DELAY
		if not _assigned and answer.get("assigned", false) == true:
			_take_room(answer.get("room"))
	elif int(result.status) == 404:
		if state != "draining":
			drain("removed")
		return
	else:
		_log_once("heartbeat failed %d" % int(result.status), {"status": result.status, "message": result.message})
		wait = minf(_retry_delay, heartbeat_seconds)
		_retry_delay = minf(_retry_delay * 2.0, heartbeat_seconds)
	if state == "draining":
		return
	if answer.get("drain", false) == true or result.get("drain", false) == true:
		drain("api")
		return
	_heartbeat_timer.start(wait)


func _take_room(room: Variant) -> void:
	if room is String and room != "":
		room_name = room
	_assigned = true
	_log_once("assigned", {"room": room_name})
	assigned.emit(room_name)


func _ready() -> void:
	# start() ran before the SDK was in the tree: the tree's multiplayer is known only now.
	if require_tickets and _auth_api == null:
		_use_tickets()


func _use_tickets() -> void:
	if _auth_api != null:
		return
	if multiplayer_api == null and not is_inside_tree():
		return  # _ready does it
	var api := multiplayer_api if multiplayer_api != null else get_tree().get_multiplayer()
	if not api is SceneMultiplayer:
		_log_once("tickets off", {"reason": "join tickets need a SceneMultiplayer: every player is let in"})
		return
	_auth_api = api as SceneMultiplayer
	_auth_api.auth_callback = _on_auth
	_auth_api.auth_timeout = auth_seconds
	_auth_api.peer_authentication_failed.connect(_on_auth_failed)
	_auth_api.peer_disconnected.connect(_on_peer_left)


## The auth callback: a connecting peer's ticket.
func _on_auth(peer_id: int, data: PackedByteArray) -> void:
	if _checked.has(peer_id):
		return
	var ticket := data.get_string_from_utf8() if data.size() <= MAX_TICKET_LENGTH else ""
	if _ticket_key == "":
		_waiting[peer_id] = ticket
		return
	_check(peer_id, ticket)


func _check(peer_id: int, ticket: String) -> void:
	_waiting.erase(peer_id)
	_checked[peer_id] = true
	var checked := verify_ticket(ticket, _ticket_key, _room_id, int(Time.get_unix_time_from_system()))
	if checked.ok and _used_seats.has(checked.seat):
		checked = {"ok": false, "reason": "replayed", "seat": ""}
	if not checked.ok:
		player_refused.emit(peer_id, checked.reason)
		_auth_api.disconnect_peer(peer_id)
		return
	var seat: String = checked.seat
	_used_seats[seat] = true
	_seat_of[peer_id] = seat
	_seats_used.append(seat)
	player_admitted.emit(peer_id, seat)
	_auth_api.complete_auth(peer_id)


func _check_waiting() -> void:
	var authenticating := _auth_api.get_authenticating_peers() if _auth_api != null else PackedInt32Array()
	for peer_id in _waiting.keys():
		if _waiting.has(peer_id) and peer_id in authenticating:
			_check(peer_id, _waiting[peer_id])
	_waiting.clear()


## No ticket in time (or the peer left while authenticating).
func _on_auth_failed(peer_id: int) -> void:
	if _waiting.has(peer_id):
		_waiting.erase(peer_id)
		player_refused.emit(peer_id, "no ticket key")
	elif not _checked.has(peer_id):
		player_refused.emit(peer_id, "no ticket")
	# Admitted, but its client never completed the authentication: the seat is free again.
	_on_peer_left(peer_id)


func _on_peer_left(peer_id: int) -> void:
	_checked.erase(peer_id)
	if _seat_of.has(peer_id):
		_seats_released.append(_seat_of[peer_id])
		_seat_of.erase(peer_id)


func _forget_reported(body: Dictionary) -> void:
	for seat in body.get("seatsUsed", []):
		_seats_used.erase(seat)
	for seat in body.get("seatsReleased", []):
		_seats_released.erase(seat)


## Checks a join ticket: {ok, reason, seat, expires}. ok with the seat when its signature holds
## under the ticket key (base64url, as the heartbeat answer gives it), it names `room_id` and it
## has not expired at `now_unix`; otherwise `reason` is "malformed", "no ticket key", "forged",
## "other room" or "expired". That a seat is used once is the caller's to check.
static func verify_ticket(ticket: String, ticket_key: String, room_id: String, now_unix: int) -> Dictionary:
	if ticket.length() > MAX_TICKET_LENGTH:
		return _refusal("malformed")
	var parts := ticket.split(".")
	if parts.size() != 2 or not is_base64url(parts[0]) or not is_base64url(parts[1]):
		return _refusal("malformed")
	var key := base64url_decode(ticket_key)
	if key.is_empty():
		return _refusal("no ticket key")
	var expected := base64url_encode(hmac_sha256(key, parts[0].to_ascii_buffer()))
	if not constant_time_equals(expected.to_ascii_buffer(), parts[1].to_ascii_buffer()):
		return _refusal("forged")
	var json := JSON.new()
	if json.parse(base64url_decode(parts[0]).get_string_from_utf8()) != OK or not json.data is Dictionary:
		return _refusal("malformed")
	var claims: Dictionary = json.data
	var version: Variant = claims.get("v")
	var room: Variant = claims.get("r")
	var seat: Variant = claims.get("s")
	var expires: Variant = claims.get("e")
	if not (version is float or version is int) or float(version) != TICKET_VERSION:
		return _refusal("malformed")
	if not room is String or not seat is String or seat == "" or not (expires is float or expires is int):
		return _refusal("malformed")
	if room != room_id:
		return _refusal("other room")
	if float(now_unix) >= float(expires):
		return _refusal("expired")
	return {"ok": true, "reason": "", "seat": seat, "expires": int(expires)}


## HMAC-SHA256 (Crypto.hmac_digest). The key must not be empty.
static func hmac_sha256(key: PackedByteArray, message: PackedByteArray) -> PackedByteArray:
	return Crypto.new().hmac_digest(HashingContext.HASH_SHA256, key, message)


## Whether a and b hold the same bytes, in a time that depends on their length only.
static func constant_time_equals(a: PackedByteArray, b: PackedByteArray) -> bool:
	if a.size() != b.size():
		return false
	var difference := 0
	for i in a.size():
		difference |= a[i] ^ b[i]
	return difference == 0


## base64url (RFC 4648 §5) without padding.
static func base64url_encode(data: PackedByteArray) -> String:
	if data.is_empty():
		return ""
	return Marshalls.raw_to_base64(data).replace("+", "-").replace("/", "_").trim_suffix("=").trim_suffix("=")


## The bytes of base64url text (padding optional); empty for "" or text that is not base64url.
static func base64url_decode(text: String) -> PackedByteArray:
	text = text.rstrip("=")
	if not is_base64url(text):
		return PackedByteArray()
	var standard := text.replace("-", "+").replace("_", "/")
	while standard.length() % 4 != 0:
		standard += "="
	return Marshalls.base64_to_raw(standard)


## Non-empty, only base64url letters, and a length base64 can have.
static func is_base64url(text: String) -> bool:
	if text.is_empty() or text.length() % 4 == 1:
		return false
	for i in text.length():
		if _BASE64URL.find(text[i]) < 0:
			return false
	return true


static func _refusal(reason: String) -> Dictionary:
	return {"ok": false, "reason": reason, "seat": "", "expires": 0}


func _poll_drain_file() -> void:
	if FileAccess.file_exists(drain_file):
		drain("signal")


## Logs each kind of event once, so a long outage does not flood the server's log.
func _log_once(event: String, fields: Dictionary) -> void:
	if _reported.has(event):
		return
	_reported[event] = true
	var line := {"event": "rooms sdk: " + event, "time": Time.get_unix_time_from_system()}
	line.merge(fields)
	print(JSON.stringify(line))
