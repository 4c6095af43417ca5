extends Node
# Joins --host:--port over ENet (or WebSocket with --protocol=tcp), stays --stay seconds, leaves,
# and quits 0; quits 2 if it cannot connect. Logs JSON lines like the server.
# --ticket=<join ticket>: once connected, sends it to a server that requires tickets
# (ROOM_REQUIRE_TICKETS=1), as a game client does: the RPC _rooms_auth(ticket) on /root/RoomsSdk.
# Then it logs "stayed connected" before leaving, or "disconnected" (and quits 3) if the server
# disconnects it first, as it does for a bad ticket or none in time.

var _peer = null
var _protocol := "udp"
var _stay := 1.0
var _connected_for := -1.0
var _ticket := ""
var _auth: Node = null


func _ready() -> void:
	var options := {}
	for argument in OS.get_cmdline_args():
		if argument.begins_with("--") and argument.find("=") > 2:
			var parts = argument.substr(2).split("=", true, 1)
			options[parts[0]] = parts[1]
	var host: String = options.get("host", "127.0.0.1")
	var port := int(options.get("port", "7777"))
	_protocol = options.get("protocol", "udp")
	_stay = float(options.get("stay", "1"))
	_ticket = options.get("ticket", "")
	if _ticket != "":
		# The server's SDK listens at /root/RoomsSdk: the RPC is sent from a node at that path.
		_auth = Node.new()
		_auth.name = "RoomsSdk"
		get_tree().root.call_deferred("add_child", _auth)
	get_tree().connect("connected_to_server", self, "_on_connected")
	get_tree().connect("connection_failed", self, "_on_failed")
	get_tree().connect("server_disconnected", self, "_on_disconnected")
	if _protocol == "tcp":
		_peer = WebSocketClient.new()
		_peer.connect_to_url("ws://%s:%d" % [host, port], PoolStringArray(), true)
	else:
		_peer = NetworkedMultiplayerENet.new()
		_peer.create_client(host, port)
	get_tree().network_peer = _peer


func _process(delta: float) -> void:
	if _protocol == "tcp" and _peer != null:
		_peer.poll()
	if _connected_for >= 0.0:
		_connected_for += delta
		if _connected_for >= _stay:
			_connected_for = -1.0
			print(JSON.print({"event": "stayed connected", "seconds": _stay}))
			_leave()


func _on_connected() -> void:
	print(JSON.print({"event": "connected", "id": get_tree().get_network_unique_id()}))
	_connected_for = 0.0
	if _ticket != "":
		_auth.rpc_id(1, "_rooms_auth", _ticket)
		print(JSON.print({"event": "ticket sent"}))


func _on_disconnected() -> void:
	print(JSON.print({"event": "disconnected", "afterSeconds": stepify(_connected_for, 0.01)}))
	_connected_for = -1.0
	get_tree().network_peer = null
	get_tree().quit(3)


func _on_failed() -> void:
	if _connected_for >= 0.0:
		# A WebSocket closed by the server after connecting reports this, not server_disconnected.
		_on_disconnected()
		return
	print(JSON.print({"event": "connection failed"}))
	get_tree().quit(2)


func _leave() -> void:
	if _protocol == "tcp":
		_peer.disconnect_from_host()
	else:
		# Send the disconnect, then give it a quarter second before the host is destroyed.
		_peer.close_connection(250000)
	get_tree().network_peer = null
	print(JSON.print({"event": "left"}))
	# Give the goodbye packet a moment to leave before the process ends.
	yield(get_tree().create_timer(0.3), "timeout")
	get_tree().quit(0)
