import { writeFileSync } from "node:fs";

/**
 * Writes a Godot 3 resource pack (.pck, format version 1) holding the given text files, so tests
 * can run "your own game" under local mode's --pack without an editor or export templates.
 * Layout: magic "GDPC", pack version, engine version, 16 reserved words, then the file count and
 * per file its path (length-prefixed), absolute offset, size and an MD5 (left empty), then data.
 */
export function writeGodot3Pack(path: string, files: Record<string, string>): void {
  const entries = Object.entries(files).map(([name, text]) => ({
    path: Buffer.from(`res://${name}`, "utf8"),
    data: Buffer.from(text, "utf8"),
  }));
  const header = Buffer.alloc(4 * 21);
  header.writeUInt32LE(0x43504447, 0);
  [1, 3, 2, 0].forEach((value, i) => header.writeUInt32LE(value, 4 + i * 4));
  const indexSize = 4 + entries.reduce((sum, e) => sum + 4 + e.path.length + 8 + 8 + 16, 0);
  const index = Buffer.alloc(indexSize);
  index.writeUInt32LE(entries.length, 0);
  let at = 4;
  let offset = header.length + indexSize;
  for (const entry of entries) {
    index.writeUInt32LE(entry.path.length, at);
    entry.path.copy(index, at + 4);
    at += 4 + entry.path.length;
    index.writeBigUInt64LE(BigInt(offset), at);
    index.writeBigUInt64LE(BigInt(entry.data.length), at + 8);
    at += 32; // offset, size, and 16 bytes of MD5 left zero
    offset += entry.data.length;
  }
  writeFileSync(path, Buffer.concat([header, index, ...entries.map((e) => e.data)]));
}

/** A game server that listens like the reference server (ENet on --port) and prints nothing. */
export const QUIET_SERVER = {
  "project.godot": 'config_version=4\n\n[application]\n\nrun/main_scene="res://main.tscn"\n',
  "main.tscn":
    '[gd_scene load_steps=2 format=2]\n\n[ext_resource path="res://main.gd" type="Script" id=1]\n\n' +
    '[node name="Main" type="Node"]\nscript = ExtResource( 1 )\n',
  "main.gd": [
    "extends Node",
    "var peer",
    "func _ready():",
    "\tvar port = 0",
    "\tfor argument in OS.get_cmdline_args():",
    '\t\tif argument.begins_with("--port="):',
    '\t\t\tport = int(argument.split("=")[1])',
    "\tpeer = NetworkedMultiplayerENet.new()",
    '\tpeer.set_bind_ip("127.0.0.1")',
    "\tpeer.create_server(port, 4)",
    "",
  ].join("\n"),
};
