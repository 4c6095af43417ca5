extends Reference
# Join tickets for Godot 3 (3.2 and later): what a player presents to the room's server, which
# checks it here without calling the room API. The format (handlers/rooms/tickets.ts):
#   <payload>.<signature>, both base64url without padding;
#   payload: the UTF-8 JSON {"v":1,"r":<room id>,"s":<seat id>,"e":<expiry, epoch seconds>};
#   signature: HMAC-SHA256 of the payload's base64url text (as ASCII), keyed with the server's
#   ticket key (32 bytes, given base64url in the heartbeat answer that gives the room key).
# Godot 3.2 has no HMACContext and no Crypto.hmac_digest, so HMAC (RFC 2104) is built here on
# HashingContext. Every function is static: preload the script and call them on it.
#
#   const RoomTicket = preload("res://room_ticket.gd")
#   var checked = RoomTicket.verify(ticket, ticket_key, room_id, OS.get_unix_time())
#   if checked.ok: print(checked.seat)
#
# verify() checks the signature, the room and the expiry; that a seat is used once is the
# caller's to check (it knows the seats already taken): room_sdk.gd does.

const VERSION := 1
## Longer than any ticket the API makes: anything longer is refused before any work.
const MAX_TICKET_LENGTH := 2048
const BLOCK_SIZE := 64
const _BASE64URL := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


## {ok, reason, seat, expires}: ok with the seat when the ticket holds; otherwise reason is one of
## "malformed" (not a ticket), "no ticket key" (the key is missing or unreadable), "forged" (the
## signature does not hold under this key), "other room", "expired" (now_unix >= its expiry).
static func verify(ticket: String, ticket_key_b64url: String, room_id: String, now_unix: int) -> Dictionary:
	if ticket.length() > MAX_TICKET_LENGTH:
		return _refused("malformed")
	var parts := ticket.split(".")
	if parts.size() != 2 or not is_base64url(parts[0]) or not is_base64url(parts[1]):
		return _refused("malformed")
	var key := base64url_decode(ticket_key_b64url)
	if key.empty():
		return _refused("no ticket key")
	var payload: String = parts[0]
	var expected := base64url_encode(hmac_sha256(key, payload.to_ascii()))
	if not constant_time_equals(expected.to_ascii(), parts[1].to_ascii()):
		return _refused("forged")
	var parsed := JSON.parse(base64url_decode(payload).get_string_from_utf8())
	if parsed.error != OK or typeof(parsed.result) != TYPE_DICTIONARY:
		return _refused("malformed")
	var claims: Dictionary = parsed.result
	var version = claims.get("v")
	var room = claims.get("r")
	var seat = claims.get("s")
	var expires = claims.get("e")
	if not _is_number(version) or version != VERSION:
		return _refused("malformed")
	if typeof(room) != TYPE_STRING or typeof(seat) != TYPE_STRING or seat == "" or not _is_number(expires):
		return _refused("malformed")
	if room != room_id:
		return _refused("other room")
	if now_unix >= expires:
		return _refused("expired")
	return {"ok": true, "reason": "", "seat": seat, "expires": int(expires)}


## HMAC-SHA256 (RFC 2104): a key longer than the 64-byte block is hashed first, a shorter one is
## padded with zeros; H((K ^ opad) + H((K ^ ipad) + message)).
static func hmac_sha256(key: PoolByteArray, message: PoolByteArray) -> PoolByteArray:
	if key.size() > BLOCK_SIZE:
		key = sha256(key)
	var inner := PoolByteArray()
	var outer := PoolByteArray()
	inner.resize(BLOCK_SIZE)
	outer.resize(BLOCK_SIZE)
	for i in range(BLOCK_SIZE):
		var byte: int = key[i] if i < key.size() else 0
		inner[i] = byte ^ 0x36
		outer[i] = byte ^ 0x5c
	return sha256(outer + sha256(inner + message))


static func sha256(data: PoolByteArray) -> PoolByteArray:
	var context := HashingContext.new()
	context.start(HashingContext.HASH_SHA256)
	# HashingContext refuses an empty chunk: the empty message needs no update.
	if not data.empty():
		context.update(data)
	return context.finish()


## Whether a and b hold the same bytes, in a time that depends on their length only.
static func constant_time_equals(a: PoolByteArray, b: PoolByteArray) -> bool:
	if a.size() != b.size():
		return false
	var difference := 0
	for i in range(a.size()):
		difference = difference | (a[i] ^ b[i])
	return difference == 0


## base64url (RFC 4648 §5) without padding.
static func base64url_encode(data: PoolByteArray) -> String:
	if data.empty():
		return ""
	return Marshalls.raw_to_base64(data).replace("+", "-").replace("/", "_").rstrip("=")


## The bytes of base64url text (padding optional); empty for the empty string or text that is
## not base64url.
static func base64url_decode(text: String) -> PoolByteArray:
	if text.ends_with("="):
		text = text.rstrip("=")
	if text == "" or not is_base64url(text):
		return PoolByteArray()
	var standard := text.replace("-", "+").replace("_", "/")
	while standard.length() % 4 != 0:
		standard += "="
	return Marshalls.base64_to_raw(standard)


## Non-empty, only base64url letters, and a length base64 can have (never 1 more than a multiple
## of 4).
static func is_base64url(text: String) -> bool:
	if text == "" or text.length() % 4 == 1:
		return false
	for i in range(text.length()):
		if _BASE64URL.find(text[i]) < 0:
			return false
	return true


static func _is_number(value) -> bool:
	return typeof(value) == TYPE_INT or typeof(value) == TYPE_REAL


static func _refused(reason: String) -> Dictionary:
	return {"ok": false, "reason": reason, "seat": "", "expires": 0}
