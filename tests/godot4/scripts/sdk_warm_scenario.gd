extends Node
# Warm servers on the addon's RoomServerSdk against a loopback heartbeat stub (the jest test
# judges every request): a warm SDK (ROOM_WARM=1, placeholder name "~abc123") that the stub
# assigns to room "Arena" and then drains, and an SDK not started warm ("Plain"), side by side.
# Prints `STEP <json>` lines, then quits with 0.
# User args: --stub=<url>

const FakeServerPeer := preload("res://t/fake_server_peer.gd")

var _stub := ""


func _ready() -> void:
	for argument in OS.get_cmdline_user_args():
		if argument.begins_with("--stub="):
			_stub = argument.trim_prefix("--stub=")
	multiplayer.multiplayer_peer = FakeServerPeer.new()
	var warm := _watch(Rooms.create_server_sdk())
	var plain := _watch(Rooms.create_server_sdk())
	var sdk: Node = warm.sdk
	_step("warm before start", {"warm": sdk.is_warm(), "assigned": sdk.is_assigned()})
	sdk.start({
		"ROOMS_API_URL": _stub, "ROOM_NAME": "~abc123", "ROOM_SECRET": "bootstrap-secret",
		"ROOM_HEARTBEAT_SECONDS": "1", "ROOM_WARM": "1",
	})
	_step("warm started", {"warm": sdk.is_warm(), "assigned": sdk.is_assigned(), "room": sdk.room_name})
	sdk.mark_ready(8)
	plain.sdk.start({
		"ROOMS_API_URL": _stub, "ROOM_NAME": "Plain", "ROOM_SECRET": "plain-secret",
		"ROOM_HEARTBEAT_SECONDS": "1",
	})
	plain.sdk.mark_ready(8)
	var deadline := Time.get_ticks_msec() + 15000
	# Until both drained and sent their draining heartbeat (7 and 4 heartbeats).
	while Time.get_ticks_msec() < deadline and (warm.after_heartbeats.size() < 7 or plain.after_heartbeats.size() < 4):
		await get_tree().process_frame
	_step("warm", _summary(warm))
	_step("plain", _summary(plain))
	get_tree().quit(0)


## The SDK, and what it did: each `assigned` signal with is_assigned() and room_name at the time,
## is_assigned() as each heartbeat's answer arrives (heartbeat_sent comes before the SDK reads
## the answer), and its drains.
func _watch(sdk: Node) -> Dictionary:
	sdk.quit_on_drain = false
	var seen := {"sdk": sdk, "assigned": [], "after_heartbeats": [], "drains": []}
	sdk.assigned.connect(func(room: String) -> void:
		seen.assigned.append({"room": room, "is_assigned": sdk.is_assigned(), "room_name": sdk.room_name}))
	sdk.heartbeat_sent.connect(func(result: Dictionary) -> void:
		seen.after_heartbeats.append({"status": result.status, "assigned": sdk.is_assigned()}))
	sdk.drain_requested.connect(func(reason: String) -> void: seen.drains.append(reason))
	return seen


func _summary(seen: Dictionary) -> Dictionary:
	var sdk: Node = seen.sdk
	return {
		"signals": seen.assigned, "after_heartbeats": seen.after_heartbeats, "drains": seen.drains,
		"warm": sdk.is_warm(), "assigned": sdk.is_assigned(), "room": sdk.room_name,
	}


func _step(name: String, result: Dictionary) -> void:
	print("STEP " + JSON.stringify({"step": name, "result": result}))
