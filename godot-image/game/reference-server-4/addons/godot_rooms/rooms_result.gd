class_name RoomsResult
extends RefCounted
## The result envelope every call returns, as a Dictionary so code and docs carry over from the
## Godot 3 client: {success, message, data, status}. Failures add `error`, one of:
## "http" (the service answered with an error status), "network" (no answer), "timeout" (a wait
## ran out), "stopped" (the room went away while waiting), "invalid" (a bad argument, nothing
## sent), "connect" (the game connection failed). `retry_after` (seconds) is added when the
## service sent Retry-After. A result is never null.

const HTTP := "http"
const NETWORK := "network"
const TIMEOUT := "timeout"
const STOPPED := "stopped"
const INVALID := "invalid"
const CONNECT := "connect"


static func failure(message: String, status: int, kind: String) -> Dictionary:
	return {"success": false, "message": message, "data": [], "status": status, "error": kind}


## Turns the adapter's response into the envelope, keeping any extra fields (e.g. nextCursor).
static func from_response(response: Dictionary) -> Dictionary:
	if not response.get("ok", false):
		return failure(_network_message(int(response.get("result", 0))), 0, NETWORK)
	var status: int = response.status
	var json := JSON.new()
	if json.parse(response.body) != OK or typeof(json.data) != TYPE_DICTIONARY:
		return failure("The room service answered HTTP %d without a readable body." % status, status, HTTP)
	var envelope: Dictionary = json.data
	envelope["status"] = status
	# 2xx is success: 202 (quick play's room is starting) too.
	var ok := status >= 200 and status < 300
	if not envelope.has("success"):
		envelope["success"] = ok
	if not envelope.has("message"):
		envelope["message"] = "HTTP %d" % status
	if not envelope.has("data"):
		envelope["data"] = []
	if not ok:
		envelope["success"] = false
		envelope["error"] = HTTP
	var retry_after := retry_after_seconds(response.get("headers", PackedStringArray()))
	if retry_after >= 0.0:
		envelope["retry_after"] = retry_after
	return envelope


## Retry-After in seconds, or -1 when absent or not a number of seconds (an HTTP date is rare
## from API Gateway and is treated as absent: the caller falls back to its own backoff).
static func retry_after_seconds(headers: PackedStringArray) -> float:
	for header in headers:
		var colon := header.find(":")
		if colon > 0 and header.substr(0, colon).strip_edges().to_lower() == "retry-after":
			var value := header.substr(colon + 1).strip_edges()
			if value.is_valid_int() and int(value) >= 0:
				return float(int(value))
	return -1.0


static func _network_message(result: int) -> String:
	var why := "result %d" % result
	match result:
		HTTPRequest.RESULT_CANT_CONNECT, HTTPRequest.RESULT_CONNECTION_ERROR:
			why = "cannot connect"
		HTTPRequest.RESULT_CANT_RESOLVE:
			why = "unknown host"
		HTTPRequest.RESULT_TIMEOUT:
			why = "timed out"
		HTTPRequest.RESULT_TLS_HANDSHAKE_ERROR:
			why = "TLS handshake failed"
	return "The room service could not be reached (%s). Check the network and godot_rooms/api_url." % why
