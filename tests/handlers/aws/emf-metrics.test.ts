import { emfMetrics } from "../../../handlers/aws/emf-metrics";
import { createRoom } from "../../../handlers/rooms/create-room";
import { startRoomsTable } from "../../support/dynalite-table";
import { roomDeps } from "../../support/room-deps";

test("a metric is one Embedded Metric Format line with the stack and its dimensions", () => {
  const lines: string[] = [];
  emfMetrics("dev", (line) => lines.push(line)).count("CreatesRejected", 1, { Reason: "AtCap" });
  const line = JSON.parse(lines[0]);
  expect(line).toEqual({
    _aws: {
      Timestamp: expect.any(Number),
      CloudWatchMetrics: [
        {
          Namespace: "GodotRooms",
          Dimensions: [["Stack", "Reason"]],
          Metrics: [{ Name: "CreatesRejected", Unit: "Count" }],
        },
      ],
    },
    Stack: "dev",
    Reason: "AtCap",
    CreatesRejected: 1,
  });
});

test("creates and rejections at the cap are counted", async () => {
  const table = await startRoomsTable();
  try {
    const lines: string[] = [];
    const deps = {
      ...roomDeps(table, { maxRooms: 1 }),
      metrics: emfMetrics("dev", (line) => lines.push(line)),
    };
    await createRoom({ name: "One" }, deps);
    await createRoom({ name: "Two" }, deps).catch(() => undefined);
    const counted = lines
      .map((l) => JSON.parse(l))
      .map((l) => [l._aws.CloudWatchMetrics[0].Metrics[0].Name, l.Reason]);
    expect(counted).toEqual([
      ["RoomsCreated", undefined],
      ["CreatesRejected", "AtCap"],
    ]);
  } finally {
    await table.close();
  }
});
