import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_STACK_NAME_LENGTH } from "../../infra/config";
import { copyCheckout, evaluateInCheckout } from "./program-checkout";

/** AWS's name limits for the resources whose names Pulumi derives from ours. */
const NAME_LIMITS: Record<string, number> = {
  "aws:iam/role:Role": 64,
  "aws:lambda/function:Function": 64,
  "aws:cloudwatch/eventRule:EventRule": 64,
  "aws:sqs/queue:Queue": 80,
  "aws:iam/rolePolicy:RolePolicy": 128,
};
/** Pulumi's auto-naming appends "-" and 7 random hex characters to a resource's logical name. */
const AUTONAME_SUFFIX = 8;

let workDir: string;
let checkout: string;
const longest = "s".repeat(MAX_STACK_NAME_LENGTH);
const tooLong = "s".repeat(MAX_STACK_NAME_LENGTH + 1);
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "godot-rooms-stack-names-"));
  const dev = readFileSync(join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8");
  // Two more stacks, as `pulumi stack init` and a copy of dev's settings would make them.
  checkout = copyCheckout(join(workDir, "repo"), {
    [`Pulumi.${longest}.yaml`]: dev,
    [`Pulumi.${tooLong}.yaml`]: dev,
  });
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

test("with the longest stack name allowed, every derived name fits AWS's limit, and the longest role fills it", async () => {
  const resources = await evaluateInCheckout(checkout, longest, Object.keys(NAME_LIMITS));
  const tooLongNames = resources
    .filter((r) => r.name.length + AUTONAME_SUFFIX > NAME_LIMITS[r.type])
    .map((r) => r.name);
  expect(tooLongNames).toEqual([]);
  expect(resources.length).toBeGreaterThan(20);
  const roles = resources.filter((r) => r.type === "aws:iam/role:Role");
  expect(roles).toHaveLength(9);
  expect(Math.max(...roles.map((r) => r.name.length)) + AUTONAME_SUFFIX).toBe(64);
}, 120_000);

test("one character more, and the program stops before declaring anything, saying why", async () => {
  await expect(evaluateInCheckout(checkout, tooLong, [])).rejects.toMatchObject({
    stderr: expect.stringContaining(
      `Stack name "${tooLong}" cannot be used: it must be 1 to 21 letters, digits, "-" or "_" (got 22 characters)`,
    ),
  });
}, 120_000);
