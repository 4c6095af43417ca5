extends Node
# Loads every script listed in res://parse_check.json and reports each. A script that fails to
# parse makes the engine print "SCRIPT ERROR" (the runner fails on that); a null load or a script
# that cannot be instantiated is counted here too. Exit code: the number of failures.


func _ready() -> void:
	var paths: Array = JSON.parse_string(FileAccess.get_file_as_string("res://parse_check.json"))
	var failed := 0
	for path in paths:
		var script := load(path) as Script
		if script == null or not script.can_instantiate():
			failed += 1
			print("PARSE FAILED ", path)
		else:
			print("parsed ", path)
	print("%d checked, %d failed" % [paths.size(), failed])
	get_tree().quit(failed)
