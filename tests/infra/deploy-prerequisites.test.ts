import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(__dirname, "..", "..");
const WORKFLOWS = join(ROOT, ".github", "workflows");

/** README's "Deploy to AWS" section: what a first deploy needs must be written there. */
function deploySection(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("## Deploy to AWS");
  const end = readme.indexOf("\n## ", start + 1);
  expect(start).toBeGreaterThanOrEqual(0);
  return readme.slice(start, end);
}

function workflow(file: string): { text: string; yaml: any } {
  const text = readFileSync(join(WORKFLOWS, file), "utf8");
  return { text, yaml: parse(text) };
}

test("every secret a workflow reads is named in README's deploy prerequisites, with that workflow", () => {
  const section = deploySection();
  const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const secrets = new Set(
      [...workflow(file).text.matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]),
    );
    for (const secret of secrets) {
      if (secret === "GITHUB_TOKEN") continue; // provided by GitHub
      const row = section.split("\n").find((line) => line.startsWith(`| \`${secret}\` |`));
      expect({ secret, row }).toEqual({ secret, row: expect.any(String) });
      expect({ secret, row }).toEqual({
        secret,
        row: expect.stringMatching(new RegExp(`both|${file.replace(".", "\\.")}`)),
      });
    }
  }
});

test("the OIDC trust subjects README gives match the events and environments the workflows use", () => {
  const section = deploySection();
  expect(workflow("pr-check.yml").yaml.on).toHaveProperty("pull_request");
  expect(section).toContain("`repo:<owner>/<repo>:pull_request`");
  const deploy = workflow("deploy.yml").yaml;
  const stacks: string[] = deploy.on.workflow_dispatch.inputs.stack.options;
  expect(stacks.length).toBeGreaterThan(0);
  // The deploy job runs in the environment named after its stack: its token's subject.
  expect(deploy.jobs.deploy.environment).toBe(deploy.jobs.deploy.env.STACK);
  for (const stack of stacks) expect(section).toContain(`repo:<owner>/<repo>:environment:${stack}`);
});

test("README names the account prerequisites a first deploy trips over", () => {
  const section = deploySection();
  for (const needed of [
    "aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com",
    "logs:CreateLogDelivery",
    "logs:PutResourcePolicy",
    "aws ec2 create-default-vpc",
    "token.actions.githubusercontent.com",
    "PULUMI_BACKEND_URL",
  ]) {
    expect(section).toContain(needed);
  }
});
