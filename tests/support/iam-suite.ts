import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RecordedCall } from "./aws-call-recorder";
import { recordEveryFunction } from "./iam-scenarios";
import { expectCallsAllowed, expectForbiddenDenied, requestsOfCalls } from "./iam-simulation";
import { functionIdentities } from "./iam-stack";
import { runProgram } from "./pulumi-program";

export type ProgramStack = Awaited<ReturnType<typeof runProgram>>;

/**
 * The IAM simulation of one stack: run every function's uploaded archive through its paths,
 * record the AWS calls each one made, and evaluate them against the policy the program attaches
 * to that function's role. `extra` adds stack-specific tests with the same stack and calls.
 */
export function describeIamSimulation(
  stackName: "dev" | "prod",
  extra?: (get: () => { stack: ProgramStack; calls: Record<string, RecordedCall[]> }) => void,
) {
  const prefix = `godot-rooms-${stackName}`;
  let stack: ProgramStack;
  let calls: Record<string, RecordedCall[]>;
  let workDir: string;
  beforeAll(async () => {
    stack = await runProgram(stackName);
    workDir = mkdtempSync(join(tmpdir(), "godot-rooms-iam-"));
    calls = (await recordEveryFunction(stack.resources, workDir)).callsByFunction;
  }, 120_000);
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  test(`${stackName}: every function of the stack ran its uploaded code and made AWS calls`, () => {
    const names = functionIdentities(stack.resources).map((fn) => fn.name);
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) expect([name, calls[name]?.length ?? 0]).not.toEqual([name, 0]);
  });

  test(`${stackName}: the validating ECS/EC2 endpoint accepted every ECS and EC2 call they made`, () => {
    const refused = Object.values(calls)
      .flat()
      .filter((c) => c.service !== "dynamodb" && c.status !== 200);
    expect(refused).toEqual([]);
  });

  test(`${stackName}: every recorded call, and what AWS authorises implicitly for it, is allowed`, async () => {
    const counted = await expectCallsAllowed(stack, calls);
    expect(Object.keys(counted).sort()).toEqual(Object.keys(calls).sort());
    // RunTask of a task definition with two roles also passes both roles to ECS.
    const create = requestsOfCalls(stack, calls).find((f) => f.fn.name.endsWith("create-server"))!;
    expect(
      create.requests.filter((r) => r.action === "iam:PassRole").map((r) => r.resource),
    ).toEqual(
      expect.arrayContaining([
        `arn:aws:iam::111122223333:role/${prefix}-execution-role`,
        `arn:aws:iam::111122223333:role/${prefix}-task-role`,
      ]),
    );
  });

  test(`${stackName}: each function is denied the forbidden calls and every permission it never used`, async () => {
    const denied = await expectForbiddenDenied(stack, calls);
    expect(denied[`${prefix}-api-create-server`]).toContain("dynamodb:GetItem it never needed");
    expect(denied[`${prefix}-api-get-servers`]).toEqual(
      expect.arrayContaining(["Query of the base table", "dynamodb:PutItem it never needed"]),
    );
    for (const list of Object.values(denied)) {
      expect(list).toEqual(
        expect.arrayContaining([
          "RunTask of another task definition",
          "StopTask in another cluster",
          "PassRole of another role",
          "PassRole of the task role to another service",
          "GetItem on another table",
        ]),
      );
    }
  });

  extra?.(() => ({ stack, calls }));
}
