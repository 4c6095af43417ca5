import type { RecordedCall } from "../support/aws-call-recorder";
import { describeIamSimulation, type ProgramStack } from "../support/iam-suite";
import { expectCallsAllowed, expectForbiddenDenied } from "../support/iam-simulation";

const P = "godot-rooms-dev";

/** The stack with one role's policy document changed, as a broken program would declare it. */
function withPolicy(stack: ProgramStack, role: string, edit: (doc: any) => void): ProgramStack {
  const resources = stack.resources.map((r) => {
    if (r.type !== "aws:iam/rolePolicy:RolePolicy" || r.inputs.role !== `${role}-id`) return r;
    const doc = JSON.parse(r.inputs.policy);
    edit(doc);
    return { ...r, inputs: { ...r.inputs, policy: JSON.stringify(doc) } };
  });
  return { ...stack, resources };
}

describeIamSimulation("dev", (get) => {
  test("the check fails on a create_server policy without PassRole: RunTask passes both task roles", async () => {
    const { stack, calls } = get();
    const broken = withPolicy(stack, `${P}-api-create-server-role`, (doc) => {
      doc.Statement = doc.Statement.filter((s: any) => s.Sid !== "PassRoomTaskRoles");
    });
    await expect(expectCallsAllowed(broken, calls)).rejects.toThrow(
      /RunTask → iam:PassRole of the execution role[\s\S]*RunTask → iam:PassRole of the task role/,
    );
  });

  test("the check fails on the policies before issue 12: create_server's GetItem, get_servers' Query of the base table", async () => {
    const { stack, calls } = get();
    const old = withPolicy(
      withPolicy(stack, `${P}-api-create-server-role`, (doc) => {
        doc.Statement[0].Action.unshift("dynamodb:GetItem");
      }),
      `${P}-api-get-servers-role`,
      (doc) => {
        doc.Statement[0].Action.push("dynamodb:Query");
      },
    );
    const failure = await expectForbiddenDenied(old, calls).then(
      () => "no failure",
      (error: Error) => error.message,
    );
    expect(failure).toContain("create-server: dynamodb:GetItem it never needed");
    expect(failure).toContain("get-servers: Query of the base table");
  });

  test("a RunTask that tags its task needs ecs:TagResource with ecs:CreateAction, which no role has", async () => {
    const { stack, calls } = get();
    const create = `${P}-api-create-server`;
    const run = calls[create].find((c) => c.action === "RunTask" && c.status === 200)!;
    const tagged: RecordedCall = {
      ...run,
      params: { ...run.params, tags: [{ key: "room", value: "r1" }] },
    };
    await expect(expectCallsAllowed(stack, { [create]: [tagged] })).rejects.toThrow(
      /RunTask with tags → ecs:TagResource: ecs:TagResource on .*:task\/godot-rooms-dev\/[0-9a-f]{32} .*"ecs:CreateAction":"RunTask"/,
    );
  });
});
