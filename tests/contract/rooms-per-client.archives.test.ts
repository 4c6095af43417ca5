import type { ArchiveHost } from "../support/archive-host";
import { runProgram } from "../support/pulumi-program";
import { type LambdaWorld, startLambdaWorld, worldAccess } from "./support/lambda-world";
import { closeWorldArchives, createFrom, startWorldArchives } from "./support/world-archives";

/**
 * The live-room limit per client on the uploaded create_server and task-events functions, each
 * in a fresh Node process: the dev stack evaluated with `roomsPerClient: 3`.
 */
const program = runProgram("dev", { roomsPerClient: "3", maxRooms: "25" });
let world: LambdaWorld;
let hosts: { create: ArchiveHost; events: ArchiveHost };

beforeAll(async () => {
  world = await startLambdaWorld({ program, maxRooms: 25 });
  hosts = await startWorldArchives(world, ["create", "events"]);
}, 120_000);

afterAll(async () => {
  await closeWorldArchives(hosts ?? {});
  await world?.close();
}, 30_000);

test("one client holds 3 live rooms: 10 parallel creates give 3 rooms and 7 × 429; a room's end (its STOPPED event, twice) gives back one; others can create", async () => {
  const access = worldAccess(world);
  const answers = await Promise.all(
    Array.from({ length: 10 }, (_, i) => createFrom(hosts.create, "198.51.100.40", `Held ${i}`)),
  );
  const created = answers.filter((a) => a.status === 200).map((a) => a.body.message as string);
  expect(created).toHaveLength(3);
  for (const a of answers.filter((a) => a.status !== 200)) {
    expect(a.status).toBe(429);
    expect(a.body).toEqual({
      success: false,
      message: "You can have 3 rooms at once. Stop one, or wait for one to end.",
      data: [],
    });
    expect(a.headers["retry-after"]).toBe("60");
  }
  expect((await access.rows()).map((r) => r.name).sort()).toEqual([...created].sort());
  expect(await access.activeServers()).toHaveLength(3);
  expect((await createFrom(hosts.create, "198.51.100.40", "Fourth")).status).toBe(429);
  expect((await createFrom(hosts.create, "203.0.113.41", "Neighbour")).status).toBe(200);

  await hosts.events.invoke(access.runningEventOf(created[0]));
  world.ecs.tasks.find((t) => JSON.stringify(t.overrides).includes(created[0]))!.stopped = true;
  const stopped = access.stoppedEventOf(created[0]);
  await Promise.all([hosts.events.invoke(stopped), hosts.events.invoke(stopped)]);
  expect((await access.rows()).map((r) => r.name)).not.toContain(created[0]);
  const again = await Promise.all([
    createFrom(hosts.create, "198.51.100.40", "Fourth"),
    createFrom(hosts.create, "198.51.100.40", "Fifth"),
  ]);
  expect(again.map((a) => a.status).sort()).toEqual([200, 429]);
}, 120_000);
