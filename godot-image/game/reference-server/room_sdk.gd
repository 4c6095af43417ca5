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
# The Godot 4 SDK (addons/godot_rooms/room_server_sdk.gd) has the same design.

signal drain_requested
signal heartbeat_failed(status)
## A warm server now serves a room: its name as players know it (room_name() from now on).
signal assigned(room_name)

const DEFAULT_DRAIN_FILE := "/tmp/godot-rooms-drain"
const MAX_BACKOFF := 30.0

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


func _ready() -> void:
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


## Quit now instead of waiting drain_seconds.
func finish_drain() -> void:
	get_tree().quit(0)


func _process(delta: float) -> void:
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
	var headers := ["Content-Type: application/json", "Authorization: Bearer " + _token]
	var error := _http.request(_api_url + "/room_heartbeat", headers, true, HTTPClient.METHOD_POST, JSON.print(body))
	if error != OK:
		_retry_later(0)
		return
	_in_flight = true


func _on_answer(result: int, status: int, _headers: PoolStringArray, raw: PoolByteArray) -> void:
	_in_flight = false
	if result != HTTPRequest.RESULT_SUCCESS or status >= 500 or status == 429:
		_retry_later(status)
		return
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
	if get_tree().network_peer == null:
		return 0
	return get_tree().get_network_connected_peers().size()


func _log(event: String, fields: Dictionary = {}) -> void:
	var line := {"event": event, "time": OS.get_unix_time()}
	for key in fields:
		line[key] = fields[key]
	print(JSON.print(line))
