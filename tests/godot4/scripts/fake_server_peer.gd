extends MultiplayerPeerExtension
# A stand-in for a listening server's peer: a browser cannot host ENet or WebSocket servers, so
# the SDK's default player count (the multiplayer API's peers) is shown with peers this reports
# as connected. It carries no packets.

var _closed := false


func add_player(id: int) -> void:
	peer_connected.emit(id)


func _get_connection_status() -> MultiplayerPeer.ConnectionStatus:
	return MultiplayerPeer.CONNECTION_DISCONNECTED if _closed else MultiplayerPeer.CONNECTION_CONNECTED


func _get_unique_id() -> int:
	return 1


func _is_server() -> bool:
	return true


func _poll() -> void:
	pass


func _close() -> void:
	_closed = true


func _disconnect_peer(_peer: int, _force: bool) -> void:
	pass


func _get_available_packet_count() -> int:
	return 0


func _get_packet_script() -> PackedByteArray:
	return PackedByteArray()


func _put_packet_script(_buffer: PackedByteArray) -> Error:
	return OK


func _get_max_packet_size() -> int:
	return 1200


func _get_packet_peer() -> int:
	return 0


func _get_packet_channel() -> int:
	return 0


func _get_packet_mode() -> MultiplayerPeer.TransferMode:
	return MultiplayerPeer.TRANSFER_MODE_RELIABLE


func _set_target_peer(_peer: int) -> void:
	pass


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
