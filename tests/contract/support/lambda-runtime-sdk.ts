import { existsSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..", "..");
const FOLDER = join(ROOT, "node_modules", ".cache", "lambda-runtime-sdk");

/**
 * A folder holding only what the nodejs24.x runtime provides to a function: the AWS SDK v3
 * (`@aws-sdk/*`, `@smithy/*`, `@aws-crypto/*`, and their few plain dependencies). It links to
 * this project's copies, so a serialized function that needs anything else (a dev tool, Pulumi)
 * fails to load here as it would in Lambda.
 */
export function lambdaRuntimeSdkPath(): string {
  if (existsSync(join(FOLDER, "@aws-sdk"))) return FOLDER;
  mkdirSync(FOLDER, { recursive: true });
  const modules = join(ROOT, "node_modules");
  for (const scope of ["@aws-sdk", "@smithy", "@aws-crypto"]) {
    if (existsSync(join(modules, scope))) link(join(modules, scope), join(FOLDER, scope));
  }
  for (const name of ["tslib", "fast-xml-parser", "strnum", "bowser", "uuid", "@aws"]) {
    if (existsSync(join(modules, name))) link(join(modules, name), join(FOLDER, name));
  }
  return FOLDER;
}

function link(target: string, path: string) {
  try {
    symlinkSync(target, path, "dir");
  } catch (error) {
    // Another test worker made it first.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

/** For checks: the top-level names the folder offers. */
export function runtimeSdkEntries(): string[] {
  return readdirSync(lambdaRuntimeSdkPath());
}
