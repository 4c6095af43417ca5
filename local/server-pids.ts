import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** When a process started, in clock ticks since boot (field 22 of /proc/<pid>/stat). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

interface PidRecord {
  readonly pid: number;
  readonly startTime: string;
  readonly name?: string;
}

/**
 * One file per running room server in `<data-dir>/servers/`, holding its pid and start time.
 * A server of an earlier run that survived it (no setpriv, or a crash mid-start) is stopped on the
 * next start; the start time is compared first, so a pid the kernel has since given to another
 * process is never signalled.
 */
export class ServerPidFiles {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "servers");
    mkdirSync(this.dir, { recursive: true });
  }

  write(serverId: string, pid: number, name: string): void {
    const startTime = processStartTime(pid);
    if (!startTime) return; // already gone
    const record: PidRecord = { pid, startTime, name };
    writeFileSync(this.file(serverId), JSON.stringify(record));
  }

  remove(serverId: string): void {
    rmSync(this.file(serverId), { force: true });
  }

  /** Kills leftovers of an earlier run, waits until they are gone; returns the rooms' names. */
  async stopLeftovers(): Promise<string[]> {
    const killed: { pid: number; startTime: string; name?: string }[] = [];
    for (const file of readdirSync(this.dir)) {
      const path = join(this.dir, file);
      let record: PidRecord | undefined;
      try {
        record = JSON.parse(readFileSync(path, "utf8")) as PidRecord;
      } catch {
        record = undefined; // a torn write: nothing to trust in it
      }
      if (record && Number.isInteger(record.pid) && record.pid > 1) {
        if (processStartTime(record.pid) === record.startTime) {
          try {
            process.kill(record.pid, "SIGKILL");
            killed.push(record);
          } catch {
            // exited meanwhile
          }
        }
      }
      rmSync(path, { force: true });
    }
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline && killed.some((k) => processStartTime(k.pid) === k.startTime))
      await new Promise((resolve) => setTimeout(resolve, 20));
    return killed.map((k) => k.name ?? String(k.pid));
  }

  private file(serverId: string): string {
    return join(this.dir, `${serverId.replace(/[^A-Za-z0-9]/g, "_")}.json`);
  }
}
