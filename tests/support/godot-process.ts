import { type ChildProcess, spawn } from "node:child_process";

export const GODOT = process.env.GODOT_BIN ?? "godot3-server";

export interface LogLine {
  readonly event?: string;
  readonly [key: string]: unknown;
  readonly at: number;
}

/** A real Godot process whose JSON log lines can be awaited. Stop it with `stop()`. */
export class GodotProcess {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  private readonly child: ChildProcess;
  private waiters: Array<() => void> = [];

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(GODOT, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffer = "";
    this.child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const part of parts) {
        if (!part.startsWith("{")) continue;
        try {
          this.lines.push({ ...JSON.parse(part), at: Date.now() });
        } catch {
          /* not one of our lines */
        }
      }
      this.waiters.forEach((wake) => wake());
    });
    this.child.stderr!.resume();
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => {
        resolve({ code, signal, at: Date.now() });
        this.waiters.forEach((wake) => wake());
      }),
    );
  }

  /** Resolves with the first log line that matches, or rejects after `timeoutMs`. */
  waitFor(predicate: (line: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(
          new Error(`no matching log line in ${timeoutMs} ms; saw ${JSON.stringify(this.lines)}`),
        );
      }, timeoutMs);
      const check = () => {
        const found = this.lines.find(predicate);
        if (found) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve(found);
        }
      };
      this.waiters.push(check);
      check();
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: NodeJS.Signals) {
    this.child.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.running) this.child.kill("SIGKILL");
    await this.exited;
  }
}

export { freeLocalPort as freePort } from "../../local/ports";
