import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const ROOT = join(__dirname, "..", "..");

export interface LogLine {
  readonly level?: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

/**
 * Local mode as users run it: a separate process (`node local/main.ts`, or `npm start`), with
 * --json logs read from its stdout. The URL comes from its "listening on" line (it runs on --port 0).
 */
export class LocalModeProcess {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  url = "";
  private output = "";

  private constructor(readonly child: ChildProcess) {
    let buffer = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const part of parts) this.onLine(part);
    });
    child.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString("utf8")));
    // Exit, then the rest of its output: lines written just before exiting are still in the pipe.
    // (Bounded: a leaked grandchild holding the pipe must not hang the test.)
    const drained = new Promise<void>((resolve) => child.stdout?.once("close", resolve));
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        const bound = new Promise<void>((r) => setTimeout(r, 2_000).unref());
        void Promise.race([drained, bound]).then(() => resolve({ code, signal }));
      }),
    );
  }

  /** Starts `node -r ts-node/register/transpile-only local/main.ts --port 0 --json ...args`. */
  static async start(args: string[], options: { viaNpm?: boolean; nodeArgs?: string[] } = {}) {
    const flags = ["--port", "0", "--json", ...args];
    const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
    const child = options.viaNpm
      ? spawn("npm", ["start", "--silent", "--", ...flags], { cwd: ROOT, env })
      : spawn(
          process.execPath,
          [
            ...(options.nodeArgs ?? []),
            "-r",
            "ts-node/register/transpile-only",
            "local/main.ts",
            ...flags,
          ],
          { cwd: ROOT, env },
        );
    const local = new LocalModeProcess(child);
    const started = await local.waitFor((l) => l.message.includes("local mode listening on"));
    local.url = /http:\/\/127\.0\.0\.1:\d+/.exec(started.message)![0];
    return local;
  }

  private onLine(text: string) {
    this.output += `${text}\n`;
    if (!text.startsWith("{")) return;
    try {
      this.lines.push(JSON.parse(text) as LogLine);
    } catch {
      // not a log line
    }
  }

  async waitFor(match: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (Date.now() > deadline || this.child.exitCode !== null || this.child.signalCode)
        throw new Error(`local mode log line not seen; output:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Every process below local mode's (npm → node → Godot), with start times, while they live. */
  descendants(): ProcessId[] {
    return descendantsOf(this.child.pid!);
  }

  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export interface ProcessId {
  readonly pid: number;
  readonly startTime: string;
  readonly command: string;
}

function stat(pid: number): { ppid: number; startTime: string; command: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const command = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") return undefined; // a zombie has exited
    return { ppid: Number(fields[1]), startTime: fields[19], command };
  } catch {
    return undefined;
  }
}

export function descendantsOf(root: number): ProcessId[] {
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => ({ pid: Number(d), ...stat(Number(d)) }))
    .filter((p): p is ProcessId & { ppid: number } => p.startTime !== undefined);
  const found: ProcessId[] = [];
  let parents = new Set([root]);
  while (parents.size > 0) {
    const next = all.filter((p) => parents.has(p.ppid));
    found.push(...next.map(({ pid, startTime, command }) => ({ pid, startTime, command })));
    parents = new Set(next.map((p) => p.pid));
  }
  return found;
}

/** True while this very process (same pid and start time) runs; a recycled pid is not it. */
export function stillRunning(process: ProcessId): boolean {
  return stat(process.pid)?.startTime === process.startTime;
}

export function godotProcesses(processes: ProcessId[]): ProcessId[] {
  return processes.filter((p) => p.command.startsWith("godot"));
}
