import type { ArchiveHost } from "../support/archive-host";
import { runProgram } from "../support/pulumi-program";
import { type LambdaWorld, startLambdaWorld, worldAccess } from "./support/lambda-world";
import { closeWorldArchives, createFrom, startWorldArchives } from "./support/world-archives";

/**
 * The per-client create limit on the uploaded create_server, in a fresh Node process: the dev
 * stack evaluated with `createsPerClientPerMinute: 5` (and room for 25 rooms).
 */
const program = runProgram("dev", { createsPerClientPerMinute: "5", maxRooms: "25" });
let world: LambdaWorld;
let hosts: { create: ArchiveHost };

beforeAll(async () => {
  world = await startLambdaWorld({ program, maxRooms: 25 });
  hosts = await startWorldArchives(world, ["create"]);
}, 120_000);

afterAll(async () => {
  await closeWorldArchives(hosts ?? {});
  await world?.close();
}, 30_000);

test("20 creates from one client in a minute with a limit of 5: 5 rooms and 15 × 429 with Retry-After; another client can still create", async () => {
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => createFrom(hosts.create, "198.51.100.23", `Client ${i}`)),
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
  expect((await createFrom(hosts.create, "203.0.113.61", "Neighbour")).status).toBe(200);
}, 120_000);
