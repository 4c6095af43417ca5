import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { RecordedResource } from "./pulumi-program";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");

/** The files of a CallbackFunction's code archive, as the mocked program built it. */
export async function archiveFiles(
  fn: RecordedResource,
): Promise<Record<string, { text?: string; path?: string }>> {
  const assets: Record<string, { text?: unknown; path?: unknown }> = await fn.inputs.code.assets;
  const files: Record<string, { text?: string; path?: string }> = {};
  for (const [name, asset] of Object.entries(assets)) {
    const text = await asset.text;
    const path = await asset.path;
    files[name] = {
      ...(typeof text === "string" ? { text } : {}),
      ...(typeof path === "string" ? { path } : {}),
    };
  }
  return files;
}

/** Writes the archive's __index.js (the exact code `pulumi up` uploads) into `dir`. */
export async function writeArchive(fn: RecordedResource, dir: string): Promise<string> {
  const files = await archiveFiles(fn);
  mkdirSync(dir, { recursive: true });
  const index = files["__index.js"]?.text;
  if (!index) throw new Error(`${fn.name} has no __index.js`);
  writeFileSync(join(dir, "__index.js"), index);
  return join(dir, "__index.js");
}

/** The environment that points a serialized function's SDK clients at local endpoints. */
export function localAwsEndpoints(dynamodb: string, ecsAndEc2: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
    AWS_ENDPOINT_URL_ECS: ecsAndEc2,
    AWS_ENDPOINT_URL_EC2: ecsAndEc2,
  };
}

const DRIVER = `
const started = performance.now();
const { handler } = require(process.argv[1]);
const event = JSON.parse(process.argv[2]);
Promise.resolve(handler(event, { awsRequestId: "req-fresh-node" })).then((result) => {
  const initMs = performance.now() - started;
  const loaded = Object.keys(require.cache).map((k) => (k.match(/@aws-sdk\\/(client-[a-z0-9]+)/) || [])[1]).filter(Boolean);
  process.stdout.write("\\n@@result " + JSON.stringify({ result, initMs, sdkClientsLoaded: [...new Set(loaded)].sort() }));
}, (error) => { console.error(error); process.exit(3); });
`;

/**
 * Runs a serialized handler once in a fresh Node process, with the function's environment.
 * The archive sits in its own folder with no node_modules; the SDK resolves through NODE_PATH
 * from this project's node_modules, a separate folder, as the Lambda runtime provides it.
 * `initMs` is the time from before loading `__index.js` to the first call's result.
 */
export async function invokeInFreshNode(
  indexPath: string,
  env: Record<string, string>,
  event: unknown,
) {
  const { stdout } = await run(process.execPath, ["-e", DRIVER, indexPath, JSON.stringify(event)], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_PATH: join(ROOT, "node_modules"),
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_MAX_ATTEMPTS: "1",
      ...env,
    },
    timeout: 30_000,
  });
  const [logs, result] = stdout.split("\n@@result ");
  const logLines = logs
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
  return {
    ...(JSON.parse(result) as { result: any; initMs: number; sdkClientsLoaded: string[] }),
    logLines,
  };
}
