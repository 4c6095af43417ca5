import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");

/**
 * A stand-in for the Lambda Node.js runtime with `loggingConfig.logFormat: JSON`, as AWS's
 * runtime interface client does it (src/logging/log-patch.ts, formatter.ts): console.log, info,
 * warn, error, debug and trace are replaced by functions that write one JSON object per call,
 * {timestamp, level, requestId, message}, where `message` is the argument as given (a string stays
 * a string). process.stdout.write is left alone. It then loads the archive's __index.js once and
 * invokes it with each event in turn, as a warm function does, and prints nothing else.
 */
const DRIVER = `
const requestIds = { current: undefined };
const patched = (level) => (message, ...params) => {
  const text = params.length ? require("node:util").format(message, ...params) : message;
  process.stdout.write(JSON.stringify({
    timestamp: new Date().toISOString(), level, requestId: requestIds.current, message: text,
  }) + "\\n");
};
console.log = console.info = patched("INFO");
console.warn = patched("WARN");
console.error = patched("ERROR");
console.debug = patched("DEBUG");
console.trace = patched("TRACE");
const { handler } = require(process.argv[1]);
const events = JSON.parse(process.argv[2]);
(async () => {
  for (const [i, event] of events.entries()) {
    requestIds.current = "req-" + (i + 1);
    await handler(event, { awsRequestId: requestIds.current });
  }
})().catch((error) => { process.stderr.write(String(error)); process.exit(3); });
`;

/** Every byte the function writes to stdout over `events`, under the JSON log format. */
export async function stdoutUnderJsonLogFormat(
  indexPath: string,
  env: Record<string, string>,
  events: unknown[],
): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ["-e", DRIVER, indexPath, JSON.stringify(events)],
    {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_PATH: join(ROOT, "node_modules"),
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_MAX_ATTEMPTS: "1",
        AWS_LAMBDA_LOG_FORMAT: "JSON",
        ...env,
      },
      timeout: 30_000,
    },
  );
  return stdout;
}

export interface ExtractedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Record<string, string>;
  readonly value: number;
}

/**
 * What CloudWatch Logs makes of one log event: a metric for each entry of
 * `_aws.CloudWatchMetrics` when the event itself is an EMF object (a JSON object whose dimensions
 * and metric values are top-level members); nothing otherwise. An EMF document nested as a string
 * inside another object's field is just text.
 */
export function emfMetricsOf(event: string): ExtractedMetric[] {
  let root: any;
  try {
    root = JSON.parse(event);
  } catch {
    return [];
  }
  const directives = root?._aws?.CloudWatchMetrics;
  if (!Array.isArray(directives) || typeof root._aws.Timestamp !== "number") return [];
  return directives.flatMap((d: any) =>
    (d.Metrics as { Name: string }[]).flatMap((m) =>
      (d.Dimensions as string[][]).map((set) => ({
        namespace: d.Namespace as string,
        name: m.Name,
        dimensions: Object.fromEntries(set.map((k) => [k, String(root[k])])),
        value: root[m.Name] as number,
      })),
    ),
  );
}
