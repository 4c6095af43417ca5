class_name RoomsHttpAdapter
extends Node
## The transport under RoomsClient and RoomServerSdk: one HTTP request in, what came back out.
## They talk only to `send()`, so a test or a game with its own HTTP stack can put another node
## with the same method in its place. In a web export HTTPRequest goes through the browser's
## fetch, so the API must allow the game's origin (the stack's `corsOrigins`).

## Sends one request. Never returns null: {ok, result, status, headers, body}, where `result` is
## an HTTPRequest.Result and `ok` means a response arrived (whatever its HTTP status).
func send(
	method: HTTPClient.Method,
	url: String,
	headers: PackedStringArray,
	body: String,
	timeout: float
) -> Dictionary:
	var http := HTTPRequest.new()
	http.timeout = timeout
	add_child(http)
	var error := http.request(url, headers, method, body)
	if error != OK:
		http.queue_free()
		return _no_response(HTTPRequest.RESULT_CANT_CONNECT, error)
	var completed: Array = await http.request_completed
	http.queue_free()
	var result: int = completed[0]
	if result != HTTPRequest.RESULT_SUCCESS:
		return _no_response(result, OK)
	return {
		"ok": true,
		"result": result,
		"status": completed[1],
		"headers": completed[2],
		"body": (completed[3] as PackedByteArray).get_string_from_utf8(),
	}


func _no_response(result: int, error: int) -> Dictionary:
	return {
		"ok": false,
		"result": result,
		"error_code": error,
		"status": 0,
		"headers": PackedStringArray(),
		"body": "",
	}
