import { join } from "node:path";
import { type ArchiveHost, startArchiveHost } from "../support/archive-host";
import { httpEvent } from "../support/http-events";
import { writeArchive } from "../support/lambda-archive";
import { runProgram } from "../support/pulumi-program";
import { type LambdaWorld, startLambdaWorld, worldAccess } from "./support/lambda-world";

/**
 * The per-client create limit on the uploaded create_server, in a fresh Node process: the dev
 * stack evaluated with `createsPerClientPerMinute: 5` (and room for 25 rooms).
 */
const program = runProgram("dev", { createsPerClientPerMinute: "5", maxRooms: "25" });
let world: LambdaWorld;
let create: ArchiveHost;

beforeAll(async () => {
  world = await startLambdaWorld({ program, maxRooms: 25 });
  const index = await writeArchive(world.fn("create"), join(world.workDir, "create"));
  create = await startArchiveHost(index, world.envOf("create"), { timeoutMs: 30_000 });
}, 120_000);

afterAll(async () => {
  await create?.close();
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

test("20 creates from one client in a minute with a limit of 5: 5 rooms and 15 × 429 with Retry-After; another client can still create", async () => {
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => createFrom("198.51.100.23", `Client ${i}`)),
  );
  const created = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 429);
  // Unless the minute turned during the burst (then two buckets of 5).
  expect([5, 10]).toContain(created.length);
  expect(created.length + refused.length).toBe(20);
  for (const a of refused) {
    expect(a.body).toEqual({
      success: false,
      message: expect.stringMatching(/^You can create 5 rooms a minute\. Try again in \d+ s\.$/),
      data: [],
    });
    expect(Number(a.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(a.headers["retry-after"])).toBeLessThanOrEqual(60);
  }
  const rooms = (await worldAccess(world).rows()).map((r) => r.name);
  expect(rooms).toHaveLength(created.length);
  expect((await createFrom("203.0.113.61", "Neighbour")).status).toBe(200);
}, 120_000);
