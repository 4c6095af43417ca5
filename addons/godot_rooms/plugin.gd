@tool
extends EditorPlugin
## Editor only: registers the `Rooms` autoload and the `godot_rooms/api_url` project setting.
## Kept tiny on purpose: export templates have no editor classes, so no test can load this file
## (the parse check excludes it by name); everything else lives in scripts that can be tested.

const AUTOLOAD_NAME := "Rooms"
const AUTOLOAD_PATH := "res://addons/godot_rooms/rooms.gd"
const _Client := preload("rooms_client.gd")


func _enable_plugin() -> void:
	add_autoload_singleton(AUTOLOAD_NAME, AUTOLOAD_PATH)
	var setting := _Client.API_URL_SETTING
	if not ProjectSettings.has_setting(setting):
		ProjectSettings.set_setting(setting, _Client.DEFAULT_API_URL)
	ProjectSettings.set_initial_value(setting, _Client.DEFAULT_API_URL)
	ProjectSettings.add_property_info({"name": setting, "type": TYPE_STRING})
	ProjectSettings.set_as_basic(setting, true)
	ProjectSettings.save()


func _disable_plugin() -> void:
	# The API URL stays: it is the game's configuration, not the plugin's.
	remove_autoload_singleton(AUTOLOAD_NAME)
