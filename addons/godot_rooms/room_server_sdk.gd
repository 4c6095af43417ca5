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

const ENV_API_URL := "ROOMS_API_URL"
const ENV_ROOM_NAME := "ROOM_NAME"
const ENV_SECRET := "ROOM_SECRET"
const ENV_HEARTBEAT_SECONDS := "ROOM_HEARTBEAT_SECONDS"
const ENV_DRAIN_FILE := "ROOM_DRAIN_FILE"
const ENV_WARM := "ROOM_WARM"
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

var _key := ""
var _players_override := -1
var _sending := false
var _retry_delay := FIRST_RETRY_DELAY
var _heartbeat_timer := Timer.new()
var _drain_timer := Timer.new()
var _reported := {}
var _warm := false
var _assigned := true


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
	if not enabled:
		_log_once("sdk off", {"reason": "%s, %s or %s is not set: not running in a room" % [ENV_API_URL, ENV_ROOM_NAME, ENV_SECRET]})
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
	return {
		"server": room_name,
		"state": state,
		"players": players,
		"maxPlayers": maxi(max_players, players),
	}


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
	var response: Dictionary = await adapter.send(
		HTTPClient.METHOD_POST, api_url + "/room_heartbeat", headers, JSON.stringify(heartbeat_body()), REQUEST_TIMEOUT
	)
	_sending = false
	var result := _Result.from_response(response)
	heartbeat_sent.emit(result)
	_after_heartbeat(result)


func _after_heartbeat(result: Dictionary) -> void:
	var data: Variant = result.get("data")
	var answer: Dictionary = data if data is Dictionary else {}
	var key := str(answer.get("roomKey", ""))
	if key != "":
		_key = key
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
