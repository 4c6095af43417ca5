import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { lambdaRuntimeSdkDir } from "./lambda-runtime-sdk";

/**
 * Runs inside the child. It loads the archive's __index.js once (the cold start), then serves
 * invocations sent over the IPC channel, concurrently, as several warm instances of one function
 * would. Whatever the function writes to stdout or stderr is sent back tagged with the invocation
 * that wrote it (AsyncLocalStorage follows the invocation through every await), so each result
 * comes with exactly its own output. Output outside any invocation belongs to the cold start.
 */
const DRIVER = `
const { AsyncLocalStorage } = require("node:async_hooks");
const invocation = new AsyncLocalStorage();
const send = (message) => process.connected && process.send(message);
for (const stream of ["stdout", "stderr"]) {
  process[stream].write = (chunk, encoding, callback) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    send({ type: "output", id: invocation.getStore() ?? null, stream, text });
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") done();
    return true;
  };
}
const errorOf = (e) => ({ name: e && e.name, message: e && e.message, stack: e && e.stack });
process.on("disconnect", () => process.exit(0));
process.on("uncaughtException", (e) => { send({ type: "crash", error: errorOf(e) }); process.exit(1); });
process.on("unhandledRejection", (e) => { send({ type: "crash", error: errorOf(e) }); process.exit(1); });
const started = performance.now();
let handler;
try {
  handler = require(process.argv[1]).handler;
  if (typeof handler !== "function") throw new Error("__index.js exports no handler function");
} catch (e) {
  send({ type: "initError", error: errorOf(e) });
  process.exit(1);
}
send({ type: "ready", initMs: performance.now() - started });
process.on("message", ({ id, event, context, timeoutMs }) => {
  const deadline = Date.now() + timeoutMs;
  const ctx = { ...context, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  invocation.run(id, () => {
    Promise.resolve()
      .then(() => handler(event, ctx))
      .then(
        (result) => send({ type: "result", id, json: JSON.stringify(result === undefined ? null : result) }),
        (e) => send({ type: "error", id, error: errorOf(e) }),
      );
  });
});
`;

export interface Invocation {
  /** The handler's result, as Lambda returns it (JSON round-tripped). */
  readonly result: any;
  /** Each non-empty line the invocation wrote, parsed as JSON where it is JSON. */
  readonly logLines: any[];
  /** The exact text the invocation wrote to stdout and stderr. */
  readonly output: string;
}

export interface ArchiveHost {
  invoke(event: unknown, context?: Record<string, unknown>): Promise<Invocation>;
  /** Time from before loading __index.js to the end of its top-level code. */
  readonly initMs: number;
  /** What the cold start wrote before the first invocation. */
  readonly initOutput: string;
  close(): Promise<void>;
}

/** Raised when a handler rejects: Lambda's "function error", with the error the handler threw. */
export class InvocationError extends Error {
  constructor(
    readonly error: { name?: string; message?: string; stack?: string },
    readonly output: string,
  ) {
    super(`handler failed: ${error.name}: ${error.message}`);
  }
}

interface Pending {
  resolve(value: Invocation): void;
  reject(error: Error): void;
  output: string;
}

/**
 * One warm Lambda instance for a function's uploaded code: a fresh Node process that loads
 * `indexPath` once and then serves many invocations. The AWS SDK resolves from a runtime-like
 * folder (@aws-sdk, @smithy and their dependencies only; see lambda-runtime-sdk.ts), never from the
 * project's node_modules, and the process sees only `env` plus what the Lambda runtime sets.
 */
export async function startArchiveHost(
  indexPath: string,
  env: Record<string, string>,
  /** timeoutMs: the function's timeout (default 10 s, as infra/rooms-function.ts sets). */
  options: { timeoutMs?: number } = {},
): Promise<ArchiveHost> {
  const runtime = lambdaRuntimeSdkDir();
  const child = spawn(process.execPath, ["--preserve-symlinks", "-e", DRIVER, indexPath], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_PATH: join(runtime, "node_modules"),
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_MAX_ATTEMPTS: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const pending = new Map<string, Pending>();
  let initOutput = "";
  let stray = "";
  child.stdout?.on("data", (chunk: Buffer) => (stray += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (stray += chunk.toString("utf8")));
  const ready = new Promise<number>((resolve, reject) => {
    child.on("message", (message: any) => {
      if (message.type === "ready") return resolve(message.initMs);
      if (message.type === "initError")
        return reject(new Error(`init failed: ${message.error.stack}`));
      if (message.type === "output") {
        const target = message.id ? pending.get(message.id) : undefined;
        if (target) target.output += message.text;
        else if (!message.id) initOutput += message.text;
        return;
      }
      settle(pending, message);
    });
    child.on("exit", (code, signal) => {
      const error = new Error(`archive host exited (${code ?? signal}): ${stray.slice(-2000)}`);
      reject(error);
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
  });
  const initMs = await ready.catch(async (error: Error) => {
    await stop(child);
    throw error;
  });
  return {
    initMs,
    get initOutput() {
      return initOutput;
    },
    invoke(event, context = {}) {
      const id = randomUUID();
      const timeoutMs = options.timeoutMs ?? 10_000;
      return new Promise<Invocation>((resolve, reject) => {
        // As Lambda does, an invocation that outlives the function's timeout fails.
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`Task timed out after ${timeoutMs / 1000} seconds`));
        }, timeoutMs);
        const done =
          <T>(settle: (value: T) => void) =>
          (value: T) => {
            clearTimeout(timer);
            settle(value);
          };
        pending.set(id, { resolve: done(resolve), reject: done(reject), output: "" });
        child.send({ id, event, context: { awsRequestId: id, ...context }, timeoutMs });
      });
    },
    close: () => stop(child),
  };
}

function settle(pending: Map<string, Pending>, message: any) {
  const target = pending.get(message.id);
  if (!target && message.type !== "crash") return;
  if (message.type === "crash") {
    for (const p of pending.values()) p.reject(new InvocationError(message.error, p.output));
    pending.clear();
    return;
  }
  pending.delete(message.id);
  if (message.type === "error")
    return target!.reject(new InvocationError(message.error, target!.output));
  target!.resolve({
    result: JSON.parse(message.json),
    logLines: linesOf(target!.output),
    output: target!.output,
  });
}

function linesOf(output: string): any[] {
  return output
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return line;
      }
    });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/**
 * The environment Lambda gives a function: the variables the program sets, and the runtime's own
 * (function name, memory, log format and log group).
 */
export function lambdaEnvironment(fn: {
  name: string;
  inputs: Record<string, any>;
  state: Record<string, any>;
}): Record<string, string> {
  return {
    ...fn.inputs.environment?.variables,
    AWS_LAMBDA_FUNCTION_NAME: fn.state.name ?? fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.inputs.memorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    ...(fn.inputs.loggingConfig?.logFormat
      ? { AWS_LAMBDA_LOG_FORMAT: fn.inputs.loggingConfig.logFormat }
      : {}),
    ...(fn.inputs.loggingConfig?.logGroup
      ? { AWS_LAMBDA_LOG_GROUP_NAME: fn.inputs.loggingConfig.logGroup }
      : {}),
  };
}
