extends Node
# Joins a new game room: creates it, waits until its server runs, and connects (ENet or
# WebSocket, per the room's protocol). Every failure comes back readable, the room cap included.


func join_new_room() -> void:
	var rooms := Rooms.create_client()  # URL: the project setting godot_rooms/api_url
	var joined := await rooms.create_and_connect()
	if not joined.success:
		if joined.status == 503:
			print("No free room right now, try again later: ", joined.message)  # cap reached
		else:
			print("Could not join: ", joined.message)
		return
	print("Playing in ", joined.data.name, " over ", joined.protocol)
	# joined.owner_token stops the room: await rooms.stop_room(joined.data.name, joined.owner_token)
