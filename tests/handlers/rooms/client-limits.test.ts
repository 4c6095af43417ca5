import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDbClientLimits } from "../../../handlers/aws/dynamodb-client-limits";
import { createRoom } from "../../../handlers/rooms/create-room";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { roomDeps } from "../../support/room-deps";

let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

function limitedDeps(limit: number) {
  const deps = roomDeps(table, { createsPerClientPerMinute: limit });
  deps.clock = new Date("2026-11-25T12:00:45.000Z");
  return Object.assign(deps, { clients: new DynamoDbClientLimits(table.db, table.tableName) });
}

test("one client gets `limit` creates a minute, in parallel too; then 429 with Retry-After to the next minute; others are not affected", async () => {
  const deps = limitedDeps(5);
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      createRoom({ name: `Burst ${i}`, client: "198.51.100.7" }, deps),
    ),
  );
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  expect(refused).toHaveLength(15);
  for (const r of refused)
    expect(r.reason).toMatchObject({
      status: 429,
      message: "You can create 5 rooms a minute. Try again in 15 s.",
      headers: { "retry-after": "15" },
    });
  expect((await deps.store.scanAll()).map((r) => r.name)).toHaveLength(5);
  await createRoom({ name: "Neighbour", client: "203.0.113.9" }, deps);
  // The next minute, the client may create again.
  deps.clock = new Date("2026-11-25T12:01:00.000Z");
  await createRoom({ name: "Later", client: "198.51.100.7" }, deps);
});

test("invalid requests are not counted; the address is stored only hashed; 0 means no limit", async () => {
  const deps = limitedDeps(1);
  await expect(
    createRoom({ name: "bad/name", client: "198.51.100.8" }, deps),
  ).rejects.toMatchObject({ status: 400 });
  await createRoom({ name: "First", client: "198.51.100.8" }, deps);
  await expect(createRoom({ name: "Second", client: "198.51.100.8" }, deps)).rejects.toMatchObject({
    status: 429,
  });
  const { Items } = await table.db.send(new ScanCommand({ TableName: table.tableName }));
  expect(JSON.stringify(Items)).not.toContain("198.51.100.8");
  const counters = (Items ?? []).filter((i) => String(i.pk).startsWith("client#"));
  expect(counters).toEqual([
    {
      pk: expect.stringMatching(/^client#[0-9a-f]{32}#29926800$/),
      creates: 1,
      expiresAt: 29926802 * 60,
    },
  ]);
  const unlimited = limitedDeps(0);
  for (let i = 0; i < 3; i++)
    await createRoom({ name: `Free ${i}`, client: "198.51.100.9" }, unlimited);
});
