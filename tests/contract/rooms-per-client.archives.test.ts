import { join } from "node:path";
import { type ArchiveHost, startArchiveHost } from "../support/archive-host";
import { httpEvent } from "../support/http-events";
import { writeArchive } from "../support/lambda-archive";
import { runProgram } from "../support/pulumi-program";
import { type LambdaWorld, startLambdaWorld, worldAccess } from "./support/lambda-world";

/**
 * The live-room limit per client on the uploaded create_server and task-events functions, each
 * in a fresh Node process: the dev stack evaluated with `roomsPerClient: 3`.
 */
const program = runProgram("dev", { roomsPerClient: "3", maxRooms: "25" });
let world: LambdaWorld;
let create: ArchiveHost;
let events: ArchiveHost;

beforeAll(async () => {
  world = await startLambdaWorld({ program, maxRooms: 25 });
  create = await startArchiveHost(
    await writeArchive(world.fn("create"), join(world.workDir, "create")),
    world.envOf("create"),
    { timeoutMs: 30_000 },
  );
  events = await startArchiveHost(
    await writeArchive(world.fn("events"), join(world.workDir, "events")),
    world.envOf("events"),
    { timeoutMs: 30_000 },
  );
}, 120_000);

afterAll(async () => {
  await create?.close();
  await events?.close();
  await world?.close();
}, 30_000);

/** A create as API Gateway delivers it from `sourceIp`. */
async function createFrom(sourceIp: string, name: string) {
  const event = httpEvent("POST", "/create_server", { query: `server=${name}` });
  const fromClient = {
    ...event,
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, sourceIp } },
  };
  const { result } = await create.invoke(fromClient);
  return { status: result.statusCode, headers: result.headers, body: JSON.parse(result.body) };
}

test("one client holds 3 live rooms: 10 parallel creates give 3 rooms and 7 × 429; a room's end (its STOPPED event, twice) gives back one; others can create", async () => {
  const access = worldAccess(world);
  const answers = await Promise.all(
    Array.from({ length: 10 }, (_, i) => createFrom("198.51.100.40", `Held ${i}`)),
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
  expect((await createFrom("198.51.100.40", "Fourth")).status).toBe(429);
  expect((await createFrom("203.0.113.41", "Neighbour")).status).toBe(200);

  await events.invoke(access.runningEventOf(created[0]));
  world.ecs.tasks.find((t) => JSON.stringify(t.overrides).includes(created[0]))!.stopped = true;
  const stopped = access.stoppedEventOf(created[0]);
  await Promise.all([events.invoke(stopped), events.invoke(stopped)]);
  expect((await access.rows()).map((r) => r.name)).not.toContain(created[0]);
  const again = await Promise.all([
    createFrom("198.51.100.40", "Fourth"),
    createFrom("198.51.100.40", "Fifth"),
  ]);
  expect(again.map((a) => a.status).sort()).toEqual([200, 429]);
}, 120_000);
