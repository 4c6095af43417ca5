import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const section = readme.slice(
  readme.indexOf("## Run it locally"),
  readme.indexOf("\n## ", readme.indexOf("## Run it locally") + 3),
);

test("README's local section says which Node it needs, as package.json does", () => {
  const engines = (
    JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }
  ).engines.node;
  expect(engines).toBe(">=24 <25");
  expect(section).toMatch(/Node\.js 24/);
});

test("README's local section explains every flag local mode accepts", () => {
  const main = readFileSync(join(ROOT, "local", "main.ts"), "utf8");
  const options = main.slice(main.indexOf("options: {"), main.indexOf("},\n});"));
  const flags = [...options.matchAll(/^ {4}"?([a-z-]+)"?: \{ type/gm)].map((m) => m[1]);
  expect(flags).toEqual(expect.arrayContaining(["json", "data-dir", "pack", "cors-origin"]));
  for (const flag of flags) expect(section).toContain(`\`--${flag}`);
});

test("README's local section explains shipping your own pack and what it must do", () => {
  expect(section).toMatch(/Export\s+PCK\/Zip/);
  expect(section).toMatch(/--pack game\.pck/);
  expect(section).toMatch(/read `--port`/);
});
