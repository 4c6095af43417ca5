extends Node
# Joins --host:--port over ENet (or WebSocket with --protocol=tcp), stays --stay seconds, leaves,
# and quits 0; quits 2 if it cannot connect. Logs JSON lines like the server.

var _peer = null
var _protocol := "udp"
var _stay := 1.0
var _connected_for := -1.0


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
	get_tree().connect("connected_to_server", self, "_on_connected")
	get_tree().connect("connection_failed", self, "_on_failed")
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
			_leave()


func _on_connected() -> void:
	print(JSON.print({"event": "connected", "id": get_tree().get_network_unique_id()}))
	_connected_for = 0.0


func _on_failed() -> void:
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
