extends Node
## The `Rooms` autoload (registered by the plugin): a small factory, so game code never builds
## requests itself. It hands out clients and the server SDK, configured from the project setting
## `godot_rooms/api_url` unless a URL is given, and keeps them in the scene tree (HTTPRequest and
## timers need it).
##
##   var rooms := Rooms.create_client()
##   var listed := await rooms.list_rooms()

# preload, not the global class names: a project run without the editor (--path, or an
# export made without a class cache) does not know class_name globals.
const _Client := preload("rooms_client.gd")
const _Sdk := preload("room_server_sdk.gd")


## A client for the room API. `base_url` defaults to the project setting `godot_rooms/api_url`.
func create_client(base_url := "") -> _Client:
	var client := _Client.new()
	if base_url != "":
		client.base_url = base_url
	add_child(client)
	return client


## The dedicated-server SDK, reading its settings from the environment the room API gives every
## room server (ROOMS_API_URL, ROOM_NAME, ROOM_SECRET, ROOM_HEARTBEAT_SECONDS). Call `ready()` on
## it once the server listens.
func create_server_sdk() -> _Sdk:
	var sdk := _Sdk.new()
	add_child(sdk)
	return sdk
