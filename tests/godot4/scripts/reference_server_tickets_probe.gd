extends "res://room_server.gd"
# The Godot 4 reference server with ROOM_REQUIRE_TICKETS=1 and ROOM_AUTH_SECONDS=2, as it is but
# for what a browser cannot do: it listens with a stand-in transport (auth_link_peer.gd) and takes
# the SDK's settings from the user args. Once the first heartbeat's answer came, three clients
# connect through that transport, each its own SceneMultiplayer presenting its ticket with
# RoomsMultiplayerBridge.present_ticket: --valid (id 30), --forged (id 31), and one without a
# ticket (id 32). Its log lines carry `ticks`. Quits with 0 after the auth window.
# User args: --stub=<url> --valid=<ticket> --forged=<ticket>

const AuthLinkPeer := preload("res://t/auth_link_peer.gd")
const Bridge := preload("res://addons/godot_rooms/rooms_multiplayer_bridge.gd")

var _args := {}
var _clients: Array = []


func _init() -> void:
	for argument in OS.get_cmdline_user_args():
		var parts := argument.trim_prefix("--").split("=", true, 1)
		if parts.size() == 2:
			_args[parts[0]] = parts[1]
	room_name = "Arena"
	sdk_settings = {
		"ROOMS_API_URL": _args.get("stub", ""), "ROOM_NAME": "Arena",
		"ROOM_SECRET": "bootstrap-secret", "ROOM_HEARTBEAT_SECONDS": "1",
		"ROOM_REQUIRE_TICKETS": "1", "ROOM_AUTH_SECONDS": "2",
	}


func _ready() -> void:
	super._ready()
	var answered := [false]
	_sdk.heartbeat_sent.connect(func(_result: Dictionary) -> void: answered[0] = true)
	while not answered[0]:
		await get_tree().process_frame
	_client(30, _args.get("valid", ""))
	_client(31, _args.get("forged", ""))
	_client(32, "")
	await get_tree().create_timer(3.0).timeout
	for client in _clients:
		client.api.multiplayer_peer = null
		client.peer.release()
	_clients.clear()
	(_peer as AuthLinkPeer).release()
	get_tree().quit(0)


func _listen() -> int:
	_peer = AuthLinkPeer.new()
	return OK


func _client(id: int, ticket: String) -> void:
	var api := SceneMultiplayer.new()
	var peer := AuthLinkPeer.new()
	peer.id = id
	if ticket != "":
		Bridge.present_ticket(api, ticket)
	api.multiplayer_peer = peer
	_clients.append({"api": api, "peer": peer})
	AuthLinkPeer.linked(_peer, peer)


func _process(delta: float) -> void:
	super._process(delta)
	for client in _clients:
		var api: SceneMultiplayer = client.api
		if api.multiplayer_peer != null and not api.multiplayer_peer is OfflineMultiplayerPeer:
			api.poll()


func _log(event: String, fields: Dictionary = {}) -> void:
	var timed := fields.duplicate()
	timed["ticks"] = Time.get_ticks_msec()
	super._log(event, timed)
