extends Node
# For the runner's own test: a project that never quits must end at the runner's timeout.


func _ready() -> void:
	print("running, and never quitting")
