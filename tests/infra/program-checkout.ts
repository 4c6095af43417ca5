import { execFile } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");

/** What a checkout of the program holds (node_modules comes from `npm ci`, here a link). */
const PROGRAM_FILES = [
  "index.ts",
  "Pulumi.yaml",
  "Pulumi.dev.yaml",
  "Pulumi.prod.yaml",
  "package.json",
  "tsconfig.json",
  "infra",
  "handlers",
  "common",
  "godot-image",
  "tests/support",
  "tests/infra/checkout-driver.ts",
];

/** Copies the program's files into `dir`, as a second `git clone` would give them. */
export function copyCheckout(
  dir: string,
  extraFiles: Record<string, string | Buffer> = {},
): string {
  mkdirSync(dir, { recursive: true });
  for (const file of PROGRAM_FILES) {
    cpSync(join(ROOT, file), join(dir, file), {
      recursive: true,
      filter: (source) => !/[/\\](\.godot|\.import)$/.test(source),
    });
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  for (const [name, text] of Object.entries(extraFiles)) writeFileSync(join(dir, name), text);
  return dir;
}

export interface CheckoutResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

/**
 * Evaluates the checkout's program under mocks in its own Node process, with the checkout as the
 * working directory (as `pulumi up` runs it there), and returns the resources of `types`.
 */
export async function evaluateInCheckout(
  dir: string,
  stack: string,
  types: string[],
): Promise<CheckoutResource[]> {
  const { stdout } = await run(
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      join("tests", "infra", "checkout-driver.ts"),
      stack,
      types.join(","),
    ],
    { cwd: dir, env: { PATH: process.env.PATH ?? "" }, timeout: 90_000 },
  );
  return JSON.parse(stdout.trim().split("\n").pop() ?? "[]") as CheckoutResource[];
}
