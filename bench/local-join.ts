/**
 * Measure 6: local mode, create → RUNNING and create → joined, with real Godot processes. For each
 * room, the end-to-end Godot client (with the client library vendored in) creates the room, waits
 * for RUNNING with the library's polling, and joins over ENet. Meanwhile the bench polls
 * get_servers every 25 ms: the first sight of the room is the create, the first RUNNING its
 * readiness. Rooms run one after the other, so that they do not compete for the 2 cores.
 */
import { startLocalMode } from "../local/local-mode";
import { vendoredE2eClient } from "../tests/support/e2e-client";
import { GodotProcess } from "../tests/support/godot-process";
import { RecordingLogger } from "../tests/support/room-deps";
import { median } from "./support/stats";

export const LOCAL_ROOMS = 5;
const POLL_MS = 25;

async function statusOf(url: string, name: string): Promise<string | undefined> {
  const response = await fetch(`${url}/get_servers?server=${encodeURIComponent(name)}`);
  if (response.status !== 200) return undefined;
  return ((await response.json()) as { data: { status: string } }).data.status;
}

async function oneRoom(url: string, clientDir: string, name: string) {
  const game = new GodotProcess(["--path", clientDir, `--api=${url}`, `--room=${name}`]);
  try {
    let seenAt: number | undefined;
    let runningAt: number | undefined;
    const deadline = Date.now() + 60_000;
    while (runningAt === undefined && Date.now() < deadline) {
      const status = await statusOf(url, name);
      const now = Date.now();
      if (status !== undefined) seenAt ??= now;
      if (status === "RUNNING") runningAt = now;
      else await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const joined = await game.waitFor((l) => l.event === "joined", 60_000);
    if (seenAt === undefined || runningAt === undefined) throw new Error(`${name} never ran`);
    // One clock for all three: GodotProcess stamps its lines with Date.now().
    return { toRunningMs: runningAt - seenAt, toJoinedMs: joined.at - seenAt };
  } finally {
    await game.stop();
  }
}

export interface LocalJoinRow {
  readonly rooms: number;
  readonly createToRunningMedianMs: number;
  readonly createToJoinedMedianMs: number;
  readonly createToRunningMs: string;
  readonly createToJoinedMs: string;
}

export async function measureLocalJoin(): Promise<LocalJoinRow> {
  const client = vendoredE2eClient();
  const local = await startLocalMode({
    port: 0,
    maxRooms: LOCAL_ROOMS,
    emptyServerTimeoutSeconds: 300,
    reconcileSeconds: 60,
    log: new RecordingLogger(),
  });
  try {
    const samples = [];
    for (let i = 0; i < LOCAL_ROOMS; i++) {
      samples.push(await oneRoom(local.url, client.dir, `Bench Room ${i}`));
    }
    const toRunning = samples.map((s) => Math.round(s.toRunningMs));
    const toJoined = samples.map((s) => Math.round(s.toJoinedMs));
    return {
      rooms: LOCAL_ROOMS,
      createToRunningMedianMs: median(toRunning),
      createToJoinedMedianMs: median(toJoined),
      createToRunningMs: toRunning.join(" "),
      createToJoinedMs: toJoined.join(" "),
    };
  } finally {
    await local.stop();
    client.remove();
  }
}
