import { awsxVpcChildren } from "../../bench/awsx-default-vpc";
import {
  expandAwsxComponents,
  idleCost,
  idleCostRows,
  networkSummary,
} from "../../bench/idle-cost";
import { dedicatedVpcArgs } from "../../infra/network-layout";
import { archiveFiles } from "../support/lambda-archive";
import { ofType, runProgram } from "../support/pulumi-program";

/*
 * Bench measure 7 prices awsx's Vpc from the children awsx documents for its inputs, since under
 * mocks the children never register. These tests pin that list for each NAT strategy, and price
 * the prod program's own graph.
 */
const vpc = (inputs: Record<string, unknown>) => [{ type: "awsx:ec2:Vpc", name: "v", inputs }];
const infrastructureUsd = (graph: ReturnType<typeof vpc>) =>
  Math.round(idleCost(graph).totals.infrastructure * 100) / 100;

test("our dedicated VPC's children: a subnet and a route per zone, no NAT gateway, no Elastic IP, $0", () => {
  const graph = vpc({ ...dedicatedVpcArgs("10.20.0.0/16") });
  expect(networkSummary(graph)).toBe(
    "1× VPC, 2× subnet, 1× internet gateway, 2× route, 0× NAT gateway, 0× Elastic IP",
  );
  expect(infrastructureUsd(graph)).toBe(0);
});

test.each([
  { strategy: "awsx's defaults (OnePerAz, 3 zones)", inputs: {}, nats: 3, eips: 3, usd: 109.5 },
  {
    strategy: "Single",
    inputs: { natGateways: { strategy: "Single" } },
    nats: 1,
    eips: 1,
    usd: 36.5,
  },
  {
    strategy: "OnePerAz with Elastic IPs brought along",
    inputs: { natGateways: { strategy: "OnePerAz", elasticIpAllocationIds: ["a", "b", "c"] } },
    nats: 3,
    eips: 0,
    usd: 98.55,
  },
  { strategy: "None", inputs: { natGateways: { strategy: "None" } }, nats: 0, eips: 0, usd: 0 },
])(
  "$strategy: $nats NAT gateways, $eips new Elastic IPs, $$usd a month",
  ({ inputs, nats, eips, usd }) => {
    const children = awsxVpcChildren("v", inputs);
    expect(children.filter((r) => r.type === "aws:ec2/natGateway:NatGateway")).toHaveLength(nats);
    expect(children.filter((r) => r.type === "aws:ec2/eip:Eip")).toHaveLength(eips);
    expect(infrastructureUsd(vpc(inputs))).toBe(usd);
  },
);

test("private subnets route to the internet only through a NAT gateway", () => {
  const routes = (inputs: Record<string, unknown>) =>
    awsxVpcChildren("v", inputs).filter((r) => r.type === "aws:ec2/route:Route").length;
  expect(routes({})).toBe(6);
  expect(routes({ natGateways: { strategy: "None" } })).toBe(3);
});

test("an awsx component the bench cannot list children for stops the bench", () => {
  const graph = [{ type: "awsx:lb:ApplicationLoadBalancer", name: "lb", inputs: {} }];
  expect(() => expandAwsxComponents(graph)).toThrow(
    "cannot price awsx:lb:ApplicationLoadBalancer: list its children in bench/awsx-default-vpc.ts",
  );
});

describe("the prod program, whose network is an awsx VPC", () => {
  let stack: Awaited<ReturnType<typeof runProgram>>;
  beforeAll(async () => {
    stack = await runProgram("prod");
  }, 60_000);

  test("its graph: $0 of infrastructure; $109.50 with awsx's default VPC instead", () => {
    const [ours, baseline] = idleCostRows("prod", stack.resources);
    expect(ours).toMatchObject({
      side: "ours",
      infrastructureUsd: 0,
      network: "1× VPC, 2× subnet, 1× internet gateway, 2× route, 0× NAT gateway, 0× Elastic IP",
    });
    expect(baseline).toMatchObject({
      infrastructureUsd: 109.5,
      network: "1× VPC, 6× subnet, 1× internet gateway, 6× route, 3× NAT gateway, 3× Elastic IP",
    });
  });

  test("no awsx code enters a Lambda archive", async () => {
    const functions = ofType(stack.resources, "aws:lambda/function:Function");
    expect(functions).toHaveLength(7);
    for (const fn of functions) {
      const code = (await archiveFiles(fn))["__index.js"].text ?? "";
      expect(code.length).toBeGreaterThan(0);
      expect(code).not.toMatch(/awsx/i);
    }
  });
});
