import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOM_SERVER_ENV } from "../common/env-names";
import type { Fleet, FleetServer, Logger, ServerAddress, ServerStart } from "../handlers/ports";
import type { GodotBinary } from "./godot-binary";
import { type GameProtocol, portBound, type ReadinessProbe } from "./port-readiness";
import { serverCommand } from "./server-command";
import { describeExit, type StopIntent } from "./server-exit";
import type { ServerPidFiles } from "./server-pids";
import { type LocalTaskChange, taskStateChangeEvent } from "./task-event";

export interface GodotFleetOptions {
  readonly godot: GodotBinary;
  /** The reference server project folder, used when no pack is given. */
  readonly projectPath: string;
  /** A game pack to run instead. */
  readonly packPath?: string;
  readonly protocol: GameProtocol;
  /** "127.0.0.1" keeps rooms on this machine; "*" (--public) listens on every interface. */
  readonly bindAddress: string;
  readonly emptyServerTimeoutSeconds: number;
  /** A server whose port is not bound after this long has failed to start. */
  readonly startTimeoutSeconds: number;
  readonly allocatePort: () => Promise<number>;
  /** Command prefix that ties each server's life to ours (setpriv), or []. */
  readonly launchPrefix: readonly string[];
  /** Pid files, with --data-dir, so a later start can stop servers that outlived a crash. */
  readonly pidFiles?: ServerPidFiles;
  /** When a server counts as RUNNING. Default: its port is bound. */
  readonly isReady?: (probe: ReadinessProbe) => boolean;
  /** The room API's URL, for the servers' heartbeats (ROOMS_API_URL). */
  readonly apiUrl: () => string;
  /** ROOM_HEARTBEAT_SECONDS. */
  readonly heartbeatSeconds: number;
  /** ROOM_REQUIRE_TICKETS=1: servers admit ticket holders only. */
  readonly requireTickets?: boolean;
  /** A folder for the servers' drain files (ROOM_DRAIN_FILE). */
  readonly drainDir: string;
  /** After the drain file is written, how long a stopped server has to quit (ECS: stopTimeout). */
  readonly drainSeconds: number;
  /** Told when a room's server is asked to stop, before it has exited (for `stoppedReason`). */
  readonly onStopRequested?: (room: string, reason: string) => void;
  /** Receives each task state change, in the ECS event shape. */
  readonly onTaskStateChange: (event: Record<string, unknown>) => void;
  readonly log: Logger;
}

interface LocalServer {
  readonly serverId: string;
  readonly roomId: string;
  /** ROOM_NAME: a warm server keeps its placeholder here (and in its events), as in ECS. */
  readonly name: string;
  /** For log lines: the room a warm server says it was assigned, else `name`. */
  room: string;
  readonly port: number;
  readonly process: ChildProcess;
  version: number;
  running: boolean;
  stopped: boolean;
  intent?: StopIntent;
  /** The last lines the server printed, bounded. */
  readonly output: string[];
  /** Created on a requested stop: the SDK drains when it sees it (as the entrypoint does on SIGTERM). */
  readonly drainFile: string;
}

const READINESS_POLL_MS = 100;
const OUTPUT_LINES = 40;
const MAX_LINE_CHARS = 16 * 1024;

/**
 * The fleet port for local mode: each room is a real Godot server process on this machine.
 * It reports state changes as ECS "Task State Change" events, so the same use case applies them.
 */
export class GodotFleet implements Fleet {
  private readonly servers = new Map<string, LocalServer>();

  constructor(private readonly options: GodotFleetOptions) {}

  async start(request: ServerStart): Promise<string> {
    const port = await this.options.allocatePort();
    const serverId = `local:task/${randomBytes(8).toString("hex")}`;
    const { command, args } = serverCommand({
      ...this.options,
      port,
      prefix: this.options.launchPrefix,
    });
    const drainFile = join(this.options.drainDir, `${serverId.replace(/\W/g, "-")}.drain`);
    // Its own process group: Ctrl-C in the terminal reaches local mode, which stops rooms itself.
    const child = spawn(command, args, {
      // What ECS gives a room's task (ROOM_SECRET is never logged), and the drain file.
      env: {
        ...process.env,
        [ROOM_SERVER_ENV.name]: request.name,
        [ROOM_SERVER_ENV.apiUrl]: this.options.apiUrl(),
        [ROOM_SERVER_ENV.secret]: request.secret,
        [ROOM_SERVER_ENV.heartbeatSeconds]: String(this.options.heartbeatSeconds),
        // A warm server waits unassigned; its SDK holds the idle timeout until it is assigned.
        ...(request.warm ? { [ROOM_SERVER_ENV.warm]: "1" } : {}),
        ...(this.options.requireTickets ? { [ROOM_SERVER_ENV.requireTickets]: "1" } : {}),
        ROOM_DRAIN_FILE: drainFile,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const server: LocalServer = {
      serverId,
      roomId: request.roomId,
      name: request.name,
      room: request.name,
      port,
      process: child,
      version: 0,
      running: false,
      stopped: false,
      output: [],
      drainFile,
    };
    this.servers.set(serverId, server);
    if (child.pid) this.options.pidFiles?.write(serverId, child.pid, request.name);
    this.watch(server);
    this.options.log.info("room server starting", {
      room: request.name,
      port,
      ...(request.warm ? { warm: true } : {}),
    });
    setImmediate(() => this.emit(server, "PENDING"));
    this.awaitReadiness(server, Date.now() + this.options.startTimeoutSeconds * 1000);
    return serverId;
  }

  async stop(serverId: string, reason: string): Promise<void> {
    const server = this.servers.get(serverId);
    if (!server || server.stopped) return;
    if (server.intent) return; // already stopping: one drain, one deadline
    server.intent = { kind: "requested", reason };
    this.options.onStopRequested?.(server.name, `Stopped: ${reason}.`);
    this.drain(server);
  }

  /**
   * As ECS stops a task: the game is told first (the drain file, which the SDK polls, as the
   * image's entrypoint writes it on SIGTERM), then terminated if it has not quit in time.
   */
  private drain(server: LocalServer) {
    try {
      writeFileSync(server.drainFile, "");
    } catch {
      return this.terminate(server);
    }
    setTimeout(
      () => server.stopped || this.terminate(server),
      this.options.drainSeconds * 1000,
    ).unref();
  }

  async listActive(): Promise<FleetServer[]> {
    return [...this.servers.values()]
      .filter((s) => !s.stopped)
      .map((s) => ({ serverId: s.serverId, roomId: s.roomId, name: s.name }));
  }

  async resolveAddress(change: { serverId: string }): Promise<ServerAddress | undefined> {
    const server = this.servers.get(change.serverId);
    return server ? { ip: "127.0.0.1", port: server.port } : undefined;
  }

  /** Stops every server this fleet started and waits for them to exit. */
  async stopAll(): Promise<void> {
    const alive = [...this.servers.values()].filter((s) => !s.stopped);
    await Promise.all(
      alive.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.stopped) return resolve();
            s.process.once("exit", () => resolve());
            s.intent ??= { kind: "shutdown" };
            this.terminate(s);
          }),
      ),
    );
  }

  get pids(): number[] {
    return [...this.servers.values()]
      .filter((s) => !s.stopped && s.process.pid)
      .map((s) => s.process.pid as number);
  }

  private terminate(server: LocalServer) {
    server.process.kill("SIGTERM");
    setTimeout(() => server.stopped || server.process.kill("SIGKILL"), 3000).unref();
  }

  /** Polls until the server is ready; one that is not by the deadline is killed as failed. */
  private awaitReadiness(server: LocalServer, deadline: number) {
    const isReady = this.options.isReady ?? portBound;
    const check = () => {
      if (server.stopped || server.intent) return;
      const pid = server.process.pid;
      if (pid && isReady({ pid, port: server.port, protocol: this.options.protocol })) {
        server.running = true;
        this.emit(server, "RUNNING");
        return;
      }
      if (Date.now() >= deadline) {
        server.intent = { kind: "start-timeout", seconds: this.options.startTimeoutSeconds };
        server.process.kill("SIGKILL");
        return;
      }
      setTimeout(check, READINESS_POLL_MS).unref();
    };
    setTimeout(check, READINESS_POLL_MS).unref();
  }

  private watch(server: LocalServer) {
    let buffer = "";
    const keep = (line: string) => {
      server.output.push(line);
      if (server.output.length > OUTPUT_LINES) server.output.shift();
    };
    server.process.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const lines = buffer.split("\n");
      // A line without an end is kept to a bounded tail, so a chatty server cannot grow us.
      buffer = (lines.pop() ?? "").slice(-MAX_LINE_CHARS);
      for (const line of lines) this.onLine(server, line.slice(0, MAX_LINE_CHARS), keep);
    });
    server.process.stderr!.on("data", (chunk: Buffer) =>
      chunk.toString("utf8").split("\n").filter(Boolean).forEach(keep),
    );
    server.process.on("error", (error) => {
      keep(String(error));
      // A server that could not be spawned at all never emits "exit".
      if (server.process.pid === undefined) this.onExit(server, null, null);
    });
    server.process.on("exit", (code, signal) => this.onExit(server, code, signal));
  }

  private onExit(server: LocalServer, code: number | null, signal: NodeJS.Signals | null) {
    if (server.stopped) return;
    server.stopped = true;
    rmSync(server.drainFile, { force: true });
    this.servers.delete(server.serverId);
    this.options.pidFiles?.remove(server.serverId);
    const exit = describeExit({
      code,
      signal,
      intent: server.intent,
      wasRunning: server.running,
      port: server.port,
      protocol: this.options.protocol,
      lastOutput: server.output.filter((l) => l.trim()).at(-1),
    });
    this.options.log[exit.level](exit.message, {
      room: server.room,
      ...(server.room !== server.name ? { server: server.name } : {}),
      port: server.port,
      stopCode: exit.stopCode,
      ...(exit.withOutput ? { output: server.output.slice(-8).join("\n") } : {}),
    });
    this.emit(server, "STOPPED", { stopCode: exit.stopCode, stoppedReason: exit.stoppedReason });
  }

  private onLine(server: LocalServer, line: string, keep: (line: string) => void) {
    keep(line);
    if (!line.startsWith("{")) return;
    let entry: { event?: string; players?: number; room?: unknown };
    try {
      entry = JSON.parse(line) as { event?: string; players?: number; room?: unknown };
    } catch {
      return;
    }
    // The reference server's line when its SDK learns the room it now serves (warm servers).
    if (entry.event === "assigned" && typeof entry.room === "string" && entry.room !== "") {
      server.room = entry.room.slice(0, 64);
      this.options.log.info("warm room server assigned", {
        room: server.room,
        server: server.name,
      });
    }
    if (
      (entry.event === "player joined" || entry.event === "player left") &&
      typeof entry.players === "number"
    ) {
      this.options.log.info(entry.event, {
        room: server.room,
        port: server.port,
        players: entry.players,
      });
    }
    if (entry.event === "idle shutdown")
      this.options.log.info("room server idle; shutting down", { room: server.room });
    if (entry.event === "draining")
      this.options.log.info("room server draining", {
        room: server.room,
        reason: (entry as { reason?: string }).reason,
      });
  }

  private emit(
    server: LocalServer,
    lastStatus: LocalTaskChange["lastStatus"],
    stop?: { stopCode: string; stoppedReason: string },
  ) {
    server.version += 1;
    this.options.onTaskStateChange(
      taskStateChangeEvent({ ...server, lastStatus, version: server.version, ...stop }),
    );
  }
}
