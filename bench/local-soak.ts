/**
 * Measure 8: local mode's memory under a bounded soak. Local mode runs as `npm start` runs it, in
 * its own process (node --expose-gc, with a probe that reports heap after a full GC and RSS on
 * SIGUSR2). For SOAK_SECONDS (default 60) the bench sends mixed traffic: page lists, lookups by
 * name, refused requests (bad names, a foreign Origin, `//`), and room churn with real Godot
 * servers (create, wait for RUNNING, stop by the owner or let it idle out). Heap and RSS are read
 * after a warm-up and at the end; the goal is heap growth within 10 %.
 */
import { join } from "node:path";
import { LocalModeProcess } from "../tests/support/local-process";

const PROBE = join(__dirname, "..", "tests", "support", "local-heap-probe.ts");
const WARM_UP_MS = 5000;
const SLICE_MS = 10_000;

async function probe(local: LocalModeProcess) {
  const before = local.lines.length;
  local.child.kill("SIGUSR2");
  const line = await local.waitFor(
    (l) => l.message === "heap probe" && local.lines.indexOf(l) >= before,
  );
  return { heapUsed: line.heapUsed as number, rss: line.rss as number };
}

/** Reads and lists until `until`; counts the requests. */
async function reader(url: string, until: number, count: { requests: number }) {
  const bad = [
    () => fetch(`${url}/create_server?server=bad!name`, { method: "POST" }),
    () =>
      fetch(`${url}/create_server?server=X`, {
        method: "POST",
        headers: { origin: "http://a.example" },
      }),
    () => fetch(`${url}/stop_server?server=Nobody`, { method: "POST" }),
    () => fetch(`${url}/get_servers?page=abc`),
  ];
  for (let i = 0; Date.now() < until; i++) {
    const kind = i % 10;
    const response =
      kind < 6
        ? await fetch(`${url}/get_servers?page=${kind === 0 ? "" : "0"}`)
        : kind < 8
          ? await fetch(`${url}/get_servers?server=Soak-${i % 7}`)
          : await bad[i % bad.length]();
    await response.arrayBuffer();
    count.requests++;
  }
}

/** Creates rooms one after another; half are stopped by their owner, half idle out. */
async function churn(url: string, until: number, count: { rooms: number }) {
  for (let i = 0; Date.now() < until; i++) {
    const name = `Soak-${i % 7}`;
    const created = await fetch(`${url}/create_server?server=${name}`, { method: "POST" });
    if (created.status !== 200) {
      await created.arrayBuffer();
      await new Promise((r) => setTimeout(r, 200)); // name still held or at the cap
      continue;
    }
    count.rooms++;
    const token = ((await created.json()) as { data: { ownerToken: string } }).data.ownerToken;
    for (let tries = 0; tries < 40 && Date.now() < until; tries++) {
      const room = (await (await fetch(`${url}/get_servers?server=${name}`)).json()) as {
        data: { status?: string };
      };
      if (room.data.status === "RUNNING") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (i % 2 === 0) {
      const stopped = await fetch(`${url}/stop_server?server=${name}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
      await stopped.arrayBuffer();
    }
  }
}

async function traffic(url: string, ms: number) {
  const until = Date.now() + ms;
  const count = { requests: 0, rooms: 0 };
  await Promise.all([
    reader(url, until, count),
    reader(url, until, count),
    churn(url, until, count),
  ]);
  return count;
}

export async function measureLocalSoak(seconds = Number(process.env.SOAK_SECONDS ?? 60)) {
  const local = await LocalModeProcess.start(["--max-rooms", "4", "--empty-timeout", "2"], {
    nodeArgs: ["--expose-gc", "-r", PROBE],
  });
  try {
    await traffic(local.url, WARM_UP_MS);
    // Full GCs age code that ran only at startup until V8 flushes it: the start figure should be
    // the service's steady heap, not its start-up code.
    for (let i = 0; i < 3; i++) await probe(local);
    const start = await probe(local);
    // In 10 s slices, with the heap read after each, so a rise and fall would show too.
    const samples: number[] = [];
    let requests = 0;
    let rooms = 0;
    for (let left = seconds * 1000; left > 0; left -= SLICE_MS) {
      const slice = await traffic(local.url, Math.min(SLICE_MS, left));
      requests += slice.requests;
      rooms += slice.rooms;
      samples.push((await probe(local)).heapUsed);
    }
    const end = await probe(local);
    const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
    return {
      seconds,
      requests,
      roomsCreated: rooms,
      heapStartMB: mb(start.heapUsed),
      heapEndMB: mb(end.heapUsed),
      heapSamplesMB: samples.map(mb).join(" "),
      heapGrowthPercent: Math.round(((end.heapUsed - start.heapUsed) / start.heapUsed) * 1000) / 10,
      rssStartMB: mb(start.rss),
      rssEndMB: mb(end.rss),
    };
  } finally {
    await local.stop();
  }
}

if (require.main === module) {
  measureLocalSoak().then(
    (result) => console.table([result]),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
