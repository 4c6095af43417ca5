/**
 * Measure 3: items read for one get_servers page, ours (sparse RUNNING index) against the
 * original's way (Scan from the start of the table until a page of RUNNING rooms is found).
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { listRooms, PAGE_SIZE } from "../handlers/rooms/list-rooms";
import { startRoomsTable, type TestTable } from "../tests/support/dynalite-table";
import { roomDeps } from "../tests/support/room-deps";
import { seededRoom, seedRooms } from "../tests/support/seeded-rooms";

async function seed(table: TestTable, count: number, runningEvery: number) {
  const records = Array.from({ length: count }, (_, i) =>
    seededRoom(i, i % runningEvery === 0 ? "RUNNING" : "PENDING"),
  );
  await seedRooms(table, records);
}

/** The baseline: Scan pages from the start, keep RUNNING rooms, stop at a full page. */
async function scanBaseline(table: TestTable): Promise<number> {
  let scanned = 0;
  let found = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new ScanCommand({
        TableName: table.tableName,
        Limit: 100,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    scanned += page.ScannedCount ?? 0;
    found += (page.Items ?? []).filter((item) => item.status === "RUNNING").length;
    startKey = page.LastEvaluatedKey;
  } while (startKey && found < PAGE_SIZE);
  return scanned;
}

export async function measureListCost() {
  const cases = [
    { label: "100 rooms, all RUNNING", count: 100, runningEvery: 1 },
    { label: "10,000 rooms, all RUNNING", count: 10_000, runningEvery: 1 },
    { label: "10,000 rooms, 1 in 200 RUNNING", count: 10_000, runningEvery: 200 },
  ];
  const rows = [];
  for (const c of cases) {
    const table = await startRoomsTable();
    try {
      await seed(table, c.count, c.runningEvery);
      const ours = await listRooms({ page: "0" }, roomDeps(table, { maxRooms: 100_000 }));
      rows.push({
        case: c.label,
        oursItemsRead: ours.itemsRead,
        scanItemsRead: await scanBaseline(table),
      });
    } finally {
      await table.close();
    }
  }
  return rows;
}
