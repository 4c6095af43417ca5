import type { Fleet, FleetServer, ServerAddress, ServerStart } from "../../handlers/ports";

/**
 * An in-memory stand-in for the fleet port, for use-case tests: it records what was started
 * and stopped. The real ECS adapter is tested against exact SDK commands in ecs-fleet.test.ts.
 */
export class MemoryFleet implements Fleet {
  readonly started: Array<ServerStart & { serverId: string }> = [];
  readonly stopped: Array<{ serverId: string; reason: string }> = [];
  readonly addressLookups: string[] = [];
  failNextStart?: Error;
  private counter = 0;

  async start(request: ServerStart): Promise<string> {
    await Promise.resolve();
    if (this.failNextStart) {
      const error = this.failNextStart;
      this.failNextStart = undefined;
      throw error;
    }
    const serverId = `server-${++this.counter}`;
    this.started.push({ ...request, serverId });
    return serverId;
  }

  async stop(serverId: string, reason: string): Promise<void> {
    this.stopped.push({ serverId, reason });
  }

  async listActive(): Promise<FleetServer[]> {
    const stopped = new Set(this.stopped.map((s) => s.serverId));
    return this.started
      .filter((s) => !stopped.has(s.serverId))
      .map((s) => ({ serverId: s.serverId, roomId: s.roomId, name: s.name }));
  }

  async resolveAddress(change: { serverId: string }): Promise<ServerAddress | undefined> {
    this.addressLookups.push(change.serverId);
    return { ip: "203.0.113.10", port: 7777 };
  }

  /** Servers started and not stopped. */
  get running(): number {
    return this.started.length - new Set(this.stopped.map((s) => s.serverId)).size;
  }
}
