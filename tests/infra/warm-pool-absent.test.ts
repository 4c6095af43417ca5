import { ofType, runProgram } from "../support/pulumi-program";
import { one, policyOf } from "./stack-expectations";

const P = "godot-rooms-dev";

// Its own file: the program is evaluated once per test process.
test("without warm rooms (the stacks as committed) there is no stream, filler, schedule or Query for create_server", async () => {
  const plain = await runProgram("dev");
  expect(
    one(plain.resources, "aws:dynamodb/table:Table", `${P}-rooms`).inputs.streamEnabled,
  ).toBeUndefined();
  expect(ofType(plain.resources, "aws:lambda/eventSourceMapping:EventSourceMapping")).toEqual([]);
  expect(ofType(plain.resources, "aws:lambda/function:Function").map((f) => f.name)).not.toContain(
    `${P}-warm-pool`,
  );
  expect(policyOf(plain, `${P}-api-create-server-role`).map((s) => s.Sid)).not.toContain(
    "RoomsIndexes",
  );
}, 120_000);
