extends VBoxContainer
## A small lobby on godot-rooms, using only the addon: lists rooms with their player counts,
## creates one, joins one, shows who is connected, and leaves. The API URL comes from the project
## setting godot_rooms/api_url. The controls are built here so the scene stays a single node.

const REFRESH_SECONDS := 5.0

var rooms := Rooms.create_client()
var _listed: Array = []
var _owner_token := ""
var _room_name := ""

var _status := Label.new()
var _room_list := ItemList.new()
var _name_edit := LineEdit.new()
var _players := ItemList.new()
var _refresh_button := Button.new()
var _create_button := Button.new()
var _join_button := Button.new()
var _leave_button := Button.new()


func _ready() -> void:
	_build_ui()
	multiplayer.peer_connected.connect(_show_players.unbind(1))
	multiplayer.peer_disconnected.connect(_show_players.unbind(1))
	multiplayer.server_disconnected.connect(_on_left.bind("The room closed."))
	var timer := Timer.new()
	timer.wait_time = REFRESH_SECONDS
	timer.autostart = true
	timer.timeout.connect(refresh)
	add_child(timer)
	refresh()


func refresh() -> void:
	var listed := await rooms.list_rooms()
	if not listed.success:
		_status.text = listed.message
		return
	_listed = listed.data
	_room_list.clear()
	for room in _listed:
		# JSON numbers arrive as floats: show whole seats ("3/16"), or "?" before the first heartbeat.
		var seats := "%s/%s players" % [_count(room.get("players")), _count(room.get("maxPlayers"))]
		_room_list.add_item("%s   %s" % [room.get("name", ""), seats])


func create_room() -> void:
	_set_busy("Creating a room…")
	var joined := await rooms.create_and_connect(_name_edit.text.strip_edges())
	if not joined.success:
		# Cap reached, name taken, network down, or the room did not start: all readable.
		_set_idle(joined.message)
		return
	_owner_token = joined.owner_token
	_on_joined(joined.data)


func join_selected() -> void:
	var selected := _room_list.get_selected_items()
	if selected.is_empty():
		_status.text = "Pick a room first."
		return
	_set_busy("Joining…")
	var joined := await rooms.connect_to_room(_listed[selected[0]])
	if not joined.success:
		_set_idle(joined.message)
		return
	_owner_token = ""
	_on_joined(joined.data)


func leave() -> void:
	var owned := _owner_token != "" and multiplayer.get_peers().size() <= 1
	multiplayer.multiplayer_peer.close()
	multiplayer.multiplayer_peer = null
	if owned:
		# Nobody else is in our room: stop it now rather than wait for it to idle out.
		await rooms.stop_room(_room_name, _owner_token)
	_on_left("You left %s." % _room_name)


func _on_joined(room: Dictionary) -> void:
	_room_name = str(room.get("name", ""))
	_set_idle("In room %s (%s)." % [_room_name, room.get("protocol", "udp")])
	_leave_button.disabled = false
	_show_players()


func _on_left(message: String) -> void:
	_owner_token = ""
	_leave_button.disabled = true
	_players.clear()
	_set_idle(message)
	refresh()


func _show_players() -> void:
	_players.clear()
	if multiplayer.multiplayer_peer == null or multiplayer.multiplayer_peer is OfflineMultiplayerPeer:
		return
	_players.add_item("you (%d)" % multiplayer.get_unique_id())
	for peer_id in multiplayer.get_peers():
		_players.add_item("player %d" % peer_id)


func _set_busy(message: String) -> void:
	_status.text = message
	for button in [_create_button, _join_button, _refresh_button]:
		button.disabled = true


func _set_idle(message: String) -> void:
	_status.text = message
	for button in [_create_button, _join_button, _refresh_button]:
		button.disabled = false


func _build_ui() -> void:
	_name_edit.placeholder_text = "Room name (empty: one is chosen)"
	_room_list.size_flags_vertical = Control.SIZE_EXPAND_FILL
	_players.size_flags_vertical = Control.SIZE_EXPAND_FILL
	var buttons := HBoxContainer.new()
	for pair in [
		[_refresh_button, "Refresh", refresh],
		[_create_button, "Create", create_room],
		[_join_button, "Join", join_selected],
		[_leave_button, "Leave", leave],
	]:
		pair[0].text = pair[1]
		pair[0].pressed.connect(pair[2])
		buttons.add_child(pair[0])
	_leave_button.disabled = true
	var players_title := Label.new()
	players_title.text = "Connected players:"
	for child in [_status, _name_edit, buttons, _room_list, players_title, _players]:
		add_child(child)


func _count(value) -> String:
	return str(int(value)) if value is float or value is int else "?"
