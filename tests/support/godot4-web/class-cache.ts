/**
 * The editor writes res://.godot/global_script_class_cache.cfg on export; without it the engine
 * knows no `class_name` globals. This writes it from the scripts' own `class_name`/`extends` lines.
 */
export function globalClassCache(files: ReadonlyMap<string, Buffer | string>): string {
  const entries: string[] = [];
  for (const [path, content] of files) {
    if (!path.endsWith(".gd")) continue;
    const source = content.toString();
    const className = /^class_name\s+(\w+)/m.exec(source)?.[1];
    if (!className) continue;
    const base = /^extends\s+(\w+)/m.exec(source)?.[1] ?? "RefCounted";
    const isTool = /^@tool\b/m.test(source);
    entries.push(
      [
        "{",
        `"base": &"${base}",`,
        `"class": &"${className}",`,
        `"icon": "",`,
        `"is_abstract": false,`,
        `"is_tool": ${isTool},`,
        `"language": &"GDScript",`,
        `"path": "res://${path.replace(/^res:\/\//, "")}"`,
        "}",
      ].join("\n"),
    );
  }
  return `list=[${entries.join(", ")}]\n`;
}
