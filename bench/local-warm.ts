/**
 * Measure 10: local mode, create → joined with a warm pool (`--warm-rooms 3`) against without
 * (`--warm-rooms 0`), with real Godot processes. Both run side by side, and the samples alternate
 * between them, so that the machine's noise falls on both alike. Each sample is measure 6's flow:
 * the end-to-end Godot client (client library vendored in) creates a room, waits for RUNNING
 * with the library's polling (its first look is at once), and joins over ENet. The bench polls
 * get_servers every 25 ms: its first sight of the room (or the client's `created` line, if that
 * came first) is the create; the client's `joined` line is the join. Then the bench stops the room as its owner (the token is in the client's `created`
 * line), so that rooms do not pile up; the pool refills while the other side takes its turn.
 */
import { startLocalMode } from "../local/local-mode";
import { vendoredE2eClient } from "../tests/support/e2e-client";
import { GodotProcess } from "../tests/support/godot-process";
import { RecordingLogger } from "../tests/support/room-deps";

/** Creates per side; at least 50 for a p99 that is more than the largest sample. */
export const WARM_BENCH_CREATES = Number(process.env.WARM_BENCH_CREATES ?? 50);
export const WARM_BENCH_POOL = 3;
const POLL_MS = 25;
const MAX_ROOMS = 10;

/** Nearest rank: the smallest sample with at least p % of the samples at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

type LocalMode = Awaited<ReturnType<typeof startLocalMode>>;

interface Side {
  readonly warmRooms: number;
  readonly local: LocalMode;
  readonly log: RecordingLogger;
  readonly joinedMs: number[];
  readonly runningMs: number[];
  warmHits: number;
}

/** The bench's first sight of the room (any status), and its first sight of it RUNNING. */
async function watch(
  url: string,
  name: string,
  give: Promise<unknown>,
): Promise<{ seenAt: number; runningAt: number }> {
  let over = false;
  void give.finally(() => (over = true));
  let seenAt: number | undefined;
  const deadline = Date.now() + 60_000;
  while (!over && Date.now() < deadline) {
    const response = await fetch(`${url}/get_servers?server=${encodeURIComponent(name)}`);
    const now = Date.now();
    if (response.status === 200) {
      seenAt ??= now;
      const room = (await response.json()) as { data: { status: string } };
      if (room.data.status === "RUNNING") return { seenAt, runningAt: now };
    } else await response.arrayBuffer();
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`${name} never ran`);
}

async function oneCreate(side: Side, clientDir: string, name: string): Promise<void> {
  const { url } = side.local;
  const game = new GodotProcess(["--path", clientDir, `--api=${url}`, `--room=${name}`]);
  try {
    const watched = await watch(url, name, game.exited);
    const joined = await game.waitFor((l) => l.event === "joined", 60_000);
    const created = await game.waitFor((l) => l.event === "created");
    // One clock for all: GodotProcess stamps its lines with Date.now(). A poll that is late (a
    // busy machine) would make the create look later than the client's answer to it.
    const createdAt = Math.min(watched.seenAt, created.at);
    side.runningMs.push(watched.runningAt - createdAt);
    side.joinedMs.push(joined.at - createdAt);
    const token = (created.data as { ownerToken: string }).ownerToken;
    const stopped = await fetch(`${url}/stop_server?server=${encodeURIComponent(name)}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    await stopped.arrayBuffer();
    if (
      side.log.lines.some(
        (l) => l.message === "room assigned a warm server" && l.fields?.room === name,
      )
    )
      side.warmHits++;
  } finally {
    await game.stop();
  }
}

export interface LocalWarmRow {
  readonly warmRooms: number;
  readonly creates: number;
  /** Creates that took a warm server, in percent. */
  readonly warmHitPercent: number;
  /** As the bench's polling sees it (every 25 ms). */
  readonly p50RunningMs: number;
  readonly p50JoinedMs: number;
  readonly p99JoinedMs: number;
  readonly minJoinedMs: number;
  readonly maxJoinedMs: number;
}

export async function measureLocalWarm(creates = WARM_BENCH_CREATES): Promise<LocalWarmRow[]> {
  const client = vendoredE2eClient();
  const sides: Side[] = [];
  try {
    for (const warmRooms of [0, WARM_BENCH_POOL]) {
      const log = new RecordingLogger();
      const local = await startLocalMode({
        port: 0,
        maxRooms: MAX_ROOMS,
        emptyServerTimeoutSeconds: 300,
        reconcileSeconds: 60,
        warmRooms,
        log,
      });
      sides.push({ warmRooms, local, log, joinedMs: [], runningMs: [], warmHits: 0 });
    }
    // The pool is full before the first sample, as it is for a service that has been up a while.
    const warmSide = sides[1];
    const readyDeadline = Date.now() + 60_000;
    while (
      warmSide.log.lines.filter((l) => l.message.startsWith("room running")).length <
      WARM_BENCH_POOL
    ) {
      if (Date.now() > readyDeadline) throw new Error("the warm pool never filled");
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < creates; i++) {
      for (const side of sides) await oneCreate(side, client.dir, `Bench ${side.warmRooms}-${i}`);
    }
    return sides.map((side) => ({
      warmRooms: side.warmRooms,
      creates: side.joinedMs.length,
      warmHitPercent: Math.round((1000 * side.warmHits) / side.joinedMs.length) / 10,
      p50RunningMs: Math.round(percentile(side.runningMs, 50)),
      p50JoinedMs: Math.round(percentile(side.joinedMs, 50)),
      p99JoinedMs: Math.round(percentile(side.joinedMs, 99)),
      minJoinedMs: Math.round(Math.min(...side.joinedMs)),
      maxJoinedMs: Math.round(Math.max(...side.joinedMs)),
    }));
  } finally {
    await Promise.all(sides.map((side) => side.local.stop()));
    client.remove();
  }
}
