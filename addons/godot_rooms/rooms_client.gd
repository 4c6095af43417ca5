class_name RoomsClient
extends Node
## godot-rooms client for Godot 4: every route of the room API, awaitable. Same method names and
## result dictionaries as the Godot 3 client (godot-client/rooms_client.gd), so code carries over.
##
##   var rooms := Rooms.create_client()        # base_url from the project setting godot_rooms/api_url
##   var created := await rooms.create_room("My Room")
##   if not created.success:
##       show_error(created.message)           # cap reached, name taken, network down: all readable
##
## Every call returns {success, message, data, status} (see RoomsResult), never null, never throws.
## Keep created.data.ownerToken: only it can stop the room.

# preload, not the global class names: a project run without the editor (--path, or an
# export made without a class cache) does not know class_name globals.
const _Adapter := preload("rooms_http_adapter.gd")
const _Result := preload("rooms_result.gd")
const _Bridge := preload("rooms_multiplayer_bridge.gd")

## Emitted by wait_until_running when the room is RUNNING, with the room's `data`.
signal room_ready(room: Dictionary)
## Emitted before each retry, with the HTTP status (0: no answer) and the wait in seconds.
signal request_retried(status: int, wait_seconds: float)

const API_URL_SETTING := "godot_rooms/api_url"
const DEFAULT_API_URL := "http://127.0.0.1:8080"
const DEFAULT_REQUEST_TIMEOUT := 10.0
const DEFAULT_MAX_ATTEMPTS := 4
const FIRST_RETRY_DELAY := 0.5
const MAX_RETRY_WAIT := 30.0
const DEFAULT_CONNECT_TIMEOUT := 10.0

var base_url: String = ProjectSettings.get_setting(API_URL_SETTING, DEFAULT_API_URL)
var request_timeout := DEFAULT_REQUEST_TIMEOUT
## Attempts per call, counting the first. Retried: 429, and 503 when the service says when
## (Retry-After) or the answer is not the room API's own (a gateway's). Our own 503 without
## Retry-After (the room cap) will not clear in seconds, so it returns at once for the player
## to read. A GET is also retried when no answer came; a POST is not (it may have been applied).
var max_attempts := DEFAULT_MAX_ATTEMPTS
var max_retry_wait := MAX_RETRY_WAIT
## The game protocol of rooms whose data has no `protocol` field (a service older than that
## field): "udp" (ENet) or "tcp" (WebSocket), as the stack's gameProtocol.
var default_protocol := "udp"
## The transport: a RoomsHttpAdapter, or any node with the same `send()` (see set_adapter).
var adapter: Node


func _init() -> void:
	set_adapter(_Adapter.new())


func set_adapter(new_adapter: Node) -> void:
	if adapter != null:
		adapter.queue_free()
	adapter = new_adapter
	add_child(adapter)


func create_room(name := "", version := "") -> Dictionary:
	var query := {}
	if name != "":
		query["server"] = name
	var body := {}
	if version != "":
		body["version"] = version
	return await _call(HTTPClient.METHOD_POST, "/create_server", query, JSON.stringify(body))


## A seat and its join ticket: `data` is {name, ip, port, ticket, expiresAt}; pass it to
## connect_to_room, which presents the ticket. Without a name, quick play: a seat in the fullest
## room of `version` that has one; when none has, the service starts a room for this player
## (answering 202 while it starts), and this call waits until it runs (up to `timeout` seconds),
## then takes a seat in it. A refusal (429 over the client's limits, 503 at the cap) is returned.
func join_room(name := "", version := "", timeout := 60.0) -> Dictionary:
	var query := {}
	if name != "":
		query["server"] = name
	elif version != "":
		query["version"] = version
	var joined := await _call(HTTPClient.METHOD_POST, "/join_room", query)
	if name != "" or joined.status != 202:
		return joined
	# Quick play started a room (`message` is its name): once it runs, take a seat in it.
	var running := await wait_until_running(str(joined.message), timeout)
	if not running.success:
		return running
	return await join_room(str(joined.message))


func get_room(name: String) -> Dictionary:
	if name == "":
		return _Result.failure("Give the name of a room.", 0, _Result.INVALID)
	return await _call(HTTPClient.METHOD_GET, "/get_servers", {"server": name})


## A page of RUNNING rooms. Pass the previous result's `nextCursor` as `cursor` to page on.
func list_rooms(page := 0, cursor := "", version := "") -> Dictionary:
	var query := {"cursor": cursor} if cursor != "" else {"page": str(page)}
	if version != "":
		query["version"] = version
	return await _call(HTTPClient.METHOD_GET, "/get_servers", query)


func stop_room(name: String, owner_token: String) -> Dictionary:
	if name == "" or owner_token == "":
		return _Result.failure("Give the room's name and owner token.", 0, _Result.INVALID)
	var headers := PackedStringArray(["Authorization: Bearer " + owner_token])
	return await _call(HTTPClient.METHOD_POST, "/stop_server", {"server": name}, "", headers)


## Polls get_room with backoff (0.5 s growing to 5 s) until the room is RUNNING (emits room_ready),
## gone, stopping, or `timeout` seconds have passed.
func wait_until_running(name: String, timeout := 60.0) -> Dictionary:
	var deadline := Time.get_ticks_msec() + int(timeout * 1000.0)
	var delay := 0.5
	while true:
		var room := await get_room(name)
		if not room.success:
			return room
		var status := str(room.data.get("status", ""))
		if status == "RUNNING":
			room_ready.emit(room.data)
			return room
		if status in ["STOPPING", "DEPROVISIONING", "STOPPED"]:
			return _Result.failure("The room stopped before it was ready.", 200, _Result.STOPPED)
		if Time.get_ticks_msec() + int(delay * 1000.0) > deadline:
			return _Result.failure("The room did not start in time.", room.status, _Result.TIMEOUT)
		await get_tree().create_timer(delay).timeout
		delay = minf(delay * 1.5, 5.0)
	return _Result.failure("unreachable", 0, _Result.TIMEOUT)


## Creates a room, waits until it runs and connects to it, in one call. On success the result's
## `peer` is connected and set on `api` (default: the scene tree's multiplayer) and `owner_token`
## stops the room; on failure `peer` is null and `message` says why.
func create_and_connect(
	name := "", version := "", timeout := 60.0, api: MultiplayerAPI = null
) -> Dictionary:
	var created := await create_room(name, version)
	if not created.success:
		created["peer"] = null
		return created
	var token := str(created.data.get("ownerToken", ""))
	var room := await wait_until_running(created.message, timeout)
	var joined := room
	if room.success:
		joined = await connect_to_room(room.data, DEFAULT_CONNECT_TIMEOUT, api)
	joined["owner_token"] = token
	joined["peer"] = joined.get("peer")
	return joined


## Connects to a RUNNING room's `data`: sets the peer on `api` and waits until it is connected.
## `ticket` (default: the room data's `ticket`, if any) is a join ticket, for servers that require
## them (ROOM_REQUIRE_TICKETS): it is sent when the peer connects (send_auth), and the connection
## succeeds only once the server admitted it; a server that refuses it disconnects at once.
func connect_to_room(
	room: Dictionary, timeout := DEFAULT_CONNECT_TIMEOUT, api: MultiplayerAPI = null, ticket := ""
) -> Dictionary:
	if ticket == "":
		ticket = str(room.get("ticket", ""))
	var made := _Bridge.create_peer(room, default_protocol)
	if not made.success:
		return made
	var peer: MultiplayerPeer = made.peer
	var target := api if api != null else get_tree().get_multiplayer()
	if not _Bridge.present_ticket(target, ticket) and ticket != "":
		peer.close()
		var unsupported := _Result.failure(
			"Join tickets need the multiplayer API to be a SceneMultiplayer.", 0, _Result.INVALID
		)
		unsupported["peer"] = null
		return unsupported
	target.multiplayer_peer = peer
	var deadline := Time.get_ticks_msec() + int(timeout * 1000.0)
	var reached := false
	while true:
		var status := peer.get_connection_status()
		if status == MultiplayerPeer.CONNECTION_CONNECTED:
			reached = true
			# With a ticket, connected means admitted: the server completed the authentication.
			if ticket == "" or target.get_peers().has(1):
				made["message"] = "Connected"
				return made
		if status == MultiplayerPeer.CONNECTION_DISCONNECTED or Time.get_ticks_msec() > deadline:
			break
		await get_tree().process_frame
	peer.close()
	if target.multiplayer_peer == peer:
		target.multiplayer_peer = null
	var why := "Could not connect to the room at %s:%d." % [room.get("ip", ""), int(room.get("port", 0))]
	if ticket != "" and reached:
		why = "The room's server did not admit the join ticket (refused, or no answer in time)."
	var failed := _Result.failure(why, 0, _Result.CONNECT)
	failed["peer"] = null
	return failed


func _call(
	method: HTTPClient.Method,
	path: String,
	query: Dictionary,
	body := "",
	headers := PackedStringArray()
) -> Dictionary:
	var url := base_url.trim_suffix("/") + path + _query_string(query)
	var all_headers := PackedStringArray(["Content-Type: application/json"]) + headers
	var delay := FIRST_RETRY_DELAY
	var attempt := 1
	while true:
		var response: Dictionary = await adapter.send(method, url, all_headers, body, request_timeout)
		var result := _Result.from_response(response)
		var wait := _retry_wait(method, response, result, delay)
		if wait < 0.0 or attempt >= max_attempts:
			return result
		request_retried.emit(int(result.status), wait)
		await get_tree().create_timer(wait).timeout
		attempt += 1
		delay = minf(delay * 2.0, max_retry_wait)
	return _Result.failure("unreachable", 0, _Result.NETWORK)


## Seconds to wait before retrying, or -1 for "do not retry" (see max_attempts).
func _retry_wait(method: int, response: Dictionary, result: Dictionary, delay: float) -> float:
	if not response.get("ok", false):
		return delay if method == HTTPClient.METHOD_GET else -1.0
	var status := int(result.status)
	var retry_after := float(result.get("retry_after", -1.0))
	# The room API always answers its envelope; a gateway's own 503 does not.
	var ours := str(response.get("body", "")).contains("\"success\"")
	if status == 429 or (status == 503 and (retry_after >= 0.0 or not ours)):
		return minf(retry_after if retry_after >= 0.0 else delay, max_retry_wait)
	return -1.0


static func _query_string(query: Dictionary) -> String:
	var parts := PackedStringArray()
	for key in query:
		parts.append("%s=%s" % [key, str(query[key]).uri_encode()])
	return "" if parts.is_empty() else "?" + "&".join(parts)
