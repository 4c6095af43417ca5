extends MultiplayerPeerExtension
# A stand-in transport for SceneMultiplayer's authentication, in one process: a browser cannot
# host ENet or WebSocket servers. A server-side peer (id 1) and client-side peers (other ids) are
# linked in pairs; what one side's SceneMultiplayer sends reaches the other side's on its next
# poll, byte for byte, so the auth packets (send_auth, complete_auth) are the engine's own. Events
# (connect, disconnect) are delivered on the next poll, as ENet delivers them.

var id := 1
## Peers this one is linked to: id -> the other side's AuthLinkPeer.
var links := {}
## Peers this side disconnected (disconnect_peer), in order.
var disconnected: Array[int] = []
var _inbox: Array[Dictionary] = []
var _events: Array[Callable] = []
var _target := 0
var _closed := false


static func linked(server, client) -> void:
	server.links[client.id] = client
	client.links[server.id] = server
	server._events.append(func() -> void: server.peer_connected.emit(client.id))
	client._events.append(func() -> void: client.peer_connected.emit(server.id))


## Lets go of the other side and of undelivered events (which hold this peer): call it when done.
func release() -> void:
	links.clear()
	_events.clear()
	_inbox.clear()


func _deliver(from: int, data: PackedByteArray) -> void:
	_inbox.append({"from": from, "data": data})


func _cut(other_id: int) -> void:
	if not links.has(other_id):
		return
	links.erase(other_id)
	_events.append(func() -> void: peer_disconnected.emit(other_id))
	if id != 1:
		_closed = true  # a client cut off from its server is disconnected


func _get_connection_status() -> MultiplayerPeer.ConnectionStatus:
	return MultiplayerPeer.CONNECTION_DISCONNECTED if _closed else MultiplayerPeer.CONNECTION_CONNECTED


func _get_unique_id() -> int:
	return id


func _is_server() -> bool:
	return id == 1


func _poll() -> void:
	var events := _events
	_events = []
	for event in events:
		event.call()


func _close() -> void:
	for other_id in links.keys():
		var other = links[other_id]
		other._cut(id)
	links.clear()
	_closed = true


func _disconnect_peer(peer: int, _force: bool) -> void:
	disconnected.append(peer)
	# A connection that is gone delivers nothing more.
	_inbox = _inbox.filter(func(packet: Dictionary) -> bool: return packet.from != peer)
	if links.has(peer):
		var other = links[peer]
		other._cut(id)
		_cut(peer)


func _get_available_packet_count() -> int:
	return _inbox.size()


func _get_packet_script() -> PackedByteArray:
	return _inbox.pop_front().data


func _put_packet_script(buffer: PackedByteArray) -> Error:
	for other_id in links.keys():
		if _target == 0 or other_id == _target or (_target < 0 and other_id != -_target):
			var other = links[other_id]
			other._deliver(id, buffer)
	return OK


func _get_max_packet_size() -> int:
	return 1200


func _get_packet_peer() -> int:
	return _inbox[0].from if not _inbox.is_empty() else 0


func _get_packet_channel() -> int:
	return 0


func _get_packet_mode() -> MultiplayerPeer.TransferMode:
	return MultiplayerPeer.TRANSFER_MODE_RELIABLE


func _set_target_peer(peer: int) -> void:
	_target = peer


func _set_transfer_channel(_channel: int) -> void:
	pass


func _get_transfer_channel() -> int:
	return 0


func _set_transfer_mode(_mode: MultiplayerPeer.TransferMode) -> void:
	pass


func _get_transfer_mode() -> MultiplayerPeer.TransferMode:
	return MultiplayerPeer.TRANSFER_MODE_RELIABLE


func _is_server_relay_supported() -> bool:
	return false
