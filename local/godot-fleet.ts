import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { STARTED_BY_PREFIX, ROOM_NAME_ENV } from "../common/env-names";
import type { Fleet, FleetServer, Logger, ServerAddress, ServerStart } from "../handlers/ports";
import type { GodotBinary } from "./godot-binary";

export interface GodotFleetOptions {
  readonly godot: GodotBinary;
  /** The reference server project folder, used when no pack is given. */
  readonly projectPath: string;
  /** A game pack to run instead. */
  readonly packPath?: string;
  readonly emptyServerTimeoutSeconds: number;
  /** A server that has not said it is listening after this long has failed to start. */
  readonly startTimeoutSeconds: number;
  readonly allocatePort: () => Promise<number>;
  /** Receives each task state change, in the ECS event shape. */
  readonly onTaskStateChange: (event: Record<string, unknown>) => void;
  readonly log: Logger;
}

interface LocalServer {
  readonly serverId: string;
  readonly roomId: string;
  readonly name: string;
  readonly port: number;
  readonly process: ChildProcess;
  version: number;
  players: number;
  listening: boolean;
  stopped: boolean;
  readonly output: string[];
}

/**
 * The fleet port for local mode: each room is a real Godot server process on 127.0.0.1.
 * It reports state changes as ECS "Task State Change" events, so the same use case applies them.
 */
export class GodotFleet implements Fleet {
  private readonly servers = new Map<string, LocalServer>();

  constructor(private readonly options: GodotFleetOptions) {}

  async start(request: ServerStart): Promise<string> {
    const port = await this.options.allocatePort();
    const serverId = `local:task/${randomBytes(8).toString("hex")}`;
    const target = this.options.packPath
      ? ["--main-pack", this.options.packPath]
      : ["--path", this.options.projectPath];
    const args = [
      ...(this.options.godot.major === 4 ? ["--headless"] : []),
      ...target,
      `--port=${port}`,
      `--empty-server-timeout=${this.options.emptyServerTimeoutSeconds}`,
    ];
    const child = spawn(this.options.godot.path, args, {
      env: { ...process.env, [ROOM_NAME_ENV]: request.name },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const server: LocalServer = {
      serverId,
      roomId: request.roomId,
      name: request.name,
      port,
      process: child,
      version: 0,
      players: 0,
      listening: false,
      stopped: false,
      output: [],
    };
    this.servers.set(serverId, server);
    this.watch(server);
    this.options.log.info("room server starting", { room: request.name, port });
    setImmediate(() => this.emit(server, "PENDING"));
    // Godot given a broken pack does not exit: it idles without a scene. Treat silence as failure.
    setTimeout(() => {
      if (server.listening || server.stopped) return;
      this.options.log.warn("room server did not start listening; stopping it", {
        room: request.name,
        port,
      });
      server.process.kill("SIGKILL");
    }, this.options.startTimeoutSeconds * 1000).unref();
    return serverId;
  }

  async stop(serverId: string, reason: string): Promise<void> {
    const server = this.servers.get(serverId);
    if (!server || server.stopped) return;
    this.options.log.info("stopping room server", { room: server.name, reason });
    server.process.kill("SIGTERM");
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
            s.process.once("exit", () => resolve());
            s.process.kill("SIGTERM");
            setTimeout(() => s.process.kill("SIGKILL"), 3000).unref();
          }),
      ),
    );
  }

  get pids(): number[] {
    return [...this.servers.values()]
      .filter((s) => !s.stopped && s.process.pid)
      .map((s) => s.process.pid as number);
  }

  private watch(server: LocalServer) {
    let buffer = "";
    server.process.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) this.onLine(server, line);
    });
    server.process.stderr!.on("data", (chunk: Buffer) =>
      server.output.push(chunk.toString("utf8")),
    );
    server.process.on("error", (error) => server.output.push(String(error)));
    server.process.on("exit", (code, signal) => {
      server.stopped = true;
      const why =
        code === 0
          ? "exited"
          : `failed (${code === null ? `killed by ${signal}` : `exit ${code}`})`;
      const tail =
        code === 0 ? {} : { output: server.output.join("").split("\n").slice(-8).join("\n") };
      this.options.log[code === 0 ? "info" : "warn"](`room server ${why}`, {
        room: server.name,
        port: server.port,
        ...tail,
      });
      this.emit(server, "STOPPED", code === 0 ? "EssentialContainerExited" : "TaskFailedToStart");
    });
  }

  private onLine(server: LocalServer, line: string) {
    server.output.push(`${line}\n`);
    if (!line.startsWith("{")) return;
    let entry: { event?: string; players?: number };
    try {
      entry = JSON.parse(line) as { event?: string; players?: number };
    } catch {
      return;
    }
    if (entry.event === "listening") {
      server.listening = true;
      this.emit(server, "RUNNING");
    }
    if (
      (entry.event === "player joined" || entry.event === "player left") &&
      typeof entry.players === "number"
    ) {
      server.players = entry.players;
      this.options.log.info(entry.event, {
        room: server.name,
        port: server.port,
        players: entry.players,
      });
    }
    if (entry.event === "idle shutdown")
      this.options.log.info("room server idle; shutting down", { room: server.name });
  }

  private emit(server: LocalServer, lastStatus: string, stopCode?: string) {
    server.version += 1;
    this.options.onTaskStateChange({
      "detail-type": "ECS Task State Change",
      source: "local.godot-rooms",
      detail: {
        taskArn: server.serverId,
        clusterArn: "local:cluster/godot-rooms",
        lastStatus,
        desiredStatus: lastStatus === "STOPPED" ? "STOPPED" : "RUNNING",
        startedBy: `${STARTED_BY_PREFIX}${server.roomId}`,
        version: server.version,
        overrides: {
          containerOverrides: [
            { name: "game", environment: [{ name: ROOM_NAME_ENV, value: server.name }] },
          ],
        },
        ...(stopCode ? { stopCode } : {}),
      },
    });
  }
}
