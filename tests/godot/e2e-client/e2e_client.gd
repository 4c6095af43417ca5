extends Node

var _rooms = null


func _ready() -> void:
	var options := {}
	for argument in OS.get_cmdline_args():
		if argument.begins_with("--") and argument.find("=") > 2:
			var parts = argument.substr(2).split("=", true, 1)
			options[parts[0]] = parts[1]
	_rooms = load("res://rooms_client.gd").new()
	_rooms.base_url = options.get("api", "http://127.0.0.1:8080")
	add_child(_rooms)
	_run(options.get("room", "E2E Room"))


func _run(room_name: String) -> void:
	var created: Dictionary = yield(_rooms.create_room(room_name), "completed")
	_log("created", created)
	if not created.success:
		get_tree().quit(2)
		return
	var room: Dictionary = yield(_rooms.wait_until_running(created.message, 30.0), "completed")
	_log("running", room)
	if not room.success:
		get_tree().quit(3)
		return
	var listed: Dictionary = yield(_rooms.list_rooms(0), "completed")
	_log("listed", listed)
	var peer := NetworkedMultiplayerENet.new()
	peer.create_client(room.data.ip, int(room.data.port))
	get_tree().network_peer = peer
	var outcome = yield(_first_of(["connected_to_server", "connection_failed"]), "completed")
	if outcome != "connected_to_server":
		_log("join failed", {})
		get_tree().quit(4)
		return
	_log("joined", {"id": get_tree().get_network_unique_id()})
	yield(get_tree().create_timer(1.0), "timeout")
	peer.close_connection(250000)
	get_tree().network_peer = null
	_log("left", {})
	get_tree().quit(0)


func _first_of(signals: Array) -> String:
	var fired := [""]
	for name in signals:
		get_tree().connect(name, self, "_on_signal", [name, fired], CONNECT_ONESHOT)
	while fired[0] == "":
		yield(get_tree(), "idle_frame")
	return fired[0]


func _on_signal(name: String, fired: Array) -> void:
	if fired[0] == "":
		fired[0] = name


func _log(event: String, fields: Dictionary) -> void:
	var line := {"event": event}
	for key in fields:
		line[key] = fields[key]
	print(JSON.print(line))
