extends Node
# For the runner's own test: integer division by zero traps this wasm build (GDScript's check is
# compiled out of the release template), so the run must end as a failure, not hang.


func _ready() -> void:
	var zero := int(Time.get_ticks_msec() < 0)
	print("before the trap")
	print(7 / zero)
	print("after the trap")
	get_tree().quit(0)
