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

var base_url := "http://127.0.0.1:8080"
var request_timeout := 10.0


func create_room(name := "", version := "") -> Dictionary:
	var query := ""
	if name != "":
		query = "?server=" + name.percent_encode()
	var body := {}
	if version != "":
		body["version"] = version
	return yield(_call(HTTPClient.METHOD_POST, "/create_server" + query, [], JSON.print(body)), "completed")


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
	if not envelope.has("success"):
		envelope["success"] = status == 200
	if not envelope.has("message"):
		envelope["message"] = "HTTP %d" % status
	if not envelope.has("data"):
		envelope["data"] = []
	if status != 200:
		envelope["success"] = false
		envelope["error"] = "http"
	return envelope


func _failure(message: String, status: int, kind: String) -> Dictionary:
	return {"success": false, "message": message, "data": [], "status": status, "error": kind}
