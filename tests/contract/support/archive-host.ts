import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { lambdaRuntimeSdkPath } from "./lambda-runtime-sdk";

/**
 * One uploaded `__index.js`, loaded once in a fresh Node process that then serves many
 * invocations, as a warm Lambda does. Invocations go in as JSON lines on stdin; results come
 * back as tagged lines on stdout, between the function's own log lines (which are collected as
 * CloudWatch would see them: one JSON object per line).
 */
const DRIVER = `
const { handler } = require(process.argv[1]);
const rl = require("node:readline").createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const { id, event, context } = JSON.parse(line);
  Promise.resolve()
    .then(() => handler(event, context))
    .then(
      (result) => process.stdout.write("\\n@@done " + JSON.stringify({ id, result }) + "\\n"),
      (error) => process.stdout.write("\\n@@done " + JSON.stringify({ id, thrown: String(error && error.stack || error) }) + "\\n"),
    );
});
`;

export interface Invocation {
  readonly result: any;
  /** Set when the handler threw (Lambda would report a function error). */
  readonly thrown?: string;
}

export interface ArchiveHost {
  invoke(event: unknown, context?: Record<string, unknown>): Promise<Invocation>;
  /** Every line the function wrote to stdout, parsed as JSON (a non-JSON line fails the parse). */
  readonly logLines: unknown[];
  close(): Promise<void>;
}

export function startArchiveHost(indexPath: string, env: Record<string, string>): ArchiveHost {
  const child: ChildProcess = spawn(process.execPath, ["-e", DRIVER, indexPath], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_PATH: lambdaRuntimeSdkPath(),
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_MAX_ATTEMPTS: "1",
      ...env,
    },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const pending = new Map<number, (invocation: Invocation) => void>();
  const logLines: unknown[] = [];
  let nextId = 0;
  let exited: string | undefined;
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line.startsWith("@@done ")) {
      const { id, ...invocation } = JSON.parse(line.slice("@@done ".length));
      pending.get(id)?.(invocation);
      pending.delete(id);
    } else if (line.trim() !== "") {
      logLines.push(JSON.parse(line));
    }
  });
  child.on("exit", (code, signal) => {
    exited = `the function's process exited (${code ?? signal})`;
    for (const resolve of pending.values()) resolve({ result: undefined, thrown: exited });
    pending.clear();
  });
  return {
    logLines,
    invoke(event, context = {}) {
      if (exited) return Promise.reject(new Error(exited));
      const id = nextId++;
      return new Promise<Invocation>((resolve) => {
        pending.set(id, resolve);
        child.stdin!.write(
          JSON.stringify({ id, event, context: { awsRequestId: `req-${id}`, ...context } }) + "\n",
        );
      });
    },
    close() {
      if (exited) return Promise.resolve();
      return new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
