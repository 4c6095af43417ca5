import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { DEFAULT_GAME_PORT, DEFAULT_GAME_PROTOCOL } from "../../common/game-server";
import { CONFIG_KEYS, parseStackConfig } from "../../infra/config";
import { RUNTIME_PROVIDED_PACKAGES } from "../../infra/lambda-packaging";
import { stackConfig } from "../support/pulumi-program";

const ROOT = join(__dirname, "..", "..");

function raw(stack: string, overrides: Record<string, string> = {}) {
  const config = stackConfig(stack, overrides);
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith("godot-rooms:"))
      .map(([key, value]) => [key.slice("godot-rooms:".length), value]),
  );
}

test("every key the program reads is declared in Pulumi.yaml with a type, default and description", () => {
  const declared = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")).config;
  for (const key of CONFIG_KEYS) {
    expect(declared[key]).toEqual(
      expect.objectContaining({
        type: expect.any(String),
        default: expect.anything(),
        description: expect.any(String),
      }),
    );
  }
});

test("the default game port and protocol are the image's (common/game-server.ts)", () => {
  const declared = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")).config;
  expect(declared.gamePort.default).toBe(DEFAULT_GAME_PORT);
  expect(declared.gameProtocol.default).toBe(DEFAULT_GAME_PROTOCOL);
});

test("dev is cheap and prod is protected", () => {
  const dev = parseStackConfig(raw("dev"));
  const prod = parseStackConfig(raw("prod"));
  expect(dev).toMatchObject({
    useSpot: true,
    maxRooms: 5,
    logRetentionDays: 3,
    protectData: false,
    vpcMode: "default",
  });
  expect(prod).toMatchObject({
    useSpot: false,
    maxRooms: 50,
    logRetentionDays: 30,
    protectData: true,
    vpcMode: "dedicated",
  });
});

test.each([
  [{ gamePort: "70000" }, 'Config "gamePort" must be a whole number from 1 to 65535; got "70000".'],
  [{ gamePort: "0" }, 'Config "gamePort" must be a whole number from 1 to 65535; got "0".'],
  [{ maxRooms: "-3" }, 'Config "maxRooms" must be a whole number from 1 to 5000; got "-3".'],
  [{ maxRooms: "2.5" }, 'Config "maxRooms" must be a whole number from 1 to 5000; got "2.5".'],
  [
    { taskCpu: "300" },
    'Config "taskCpu" must be one of 256, 512, 1024, 2048, 4096, 8192, 16384; got 300.',
  ],
  [
    { taskCpu: "256", taskMemory: "4096" },
    "Fargate does not allow taskMemory 4096 with taskCpu 256: use one of 512, 1024, 2048.",
  ],
  [
    { taskCpu: "1024", taskMemory: "1024" },
    "Fargate does not allow taskMemory 1024 with taskCpu 1024: use one of 2048, 3072, 4096, 5120, 6144, 7168, 8192.",
  ],
  [{ gameProtocol: "sctp" }, 'Config "gameProtocol" must be one of udp, tcp; got "sctp".'],
  [
    { logRetentionDays: "10" },
    'Config "logRetentionDays" must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653; got 10.',
  ],
  [{ useSpot: "yes" }, 'Config "useSpot" must be one of true, false; got "yes".'],
  [{ corsOrigins: "*" }, 'Config "corsOrigins" must be a non-empty list of strings; got "*".'],
  [{ vpcMode: "shared" }, 'Config "vpcMode" must be one of dedicated, default; got "shared".'],
  [
    { vpcCidr: "10.0.0.0/8" },
    'Config "vpcCidr" must be an IPv4 CIDR block from /16 to /24; got "10.0.0.0/8".',
  ],
  [
    { alarmEmail: "not-an-email" },
    'Config "alarmEmail" must be an email address; got "not-an-email".',
  ],
  [
    { emptyServerTimeoutSeconds: "5" },
    'Config "emptyServerTimeoutSeconds" must be a whole number from 10 to 86400; got "5".',
  ],
])("invalid config %p fails with a clear message", (overrides, message) => {
  expect(() => parseStackConfig(raw("dev", overrides))).toThrow(message);
});

test("every runtime dependency is deployment-only (@pulumi) or provided by the Lambda runtime", () => {
  const { dependencies } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const bundled = Object.keys(dependencies).filter(
    (name) => !name.startsWith("@pulumi/") && !RUNTIME_PROVIDED_PACKAGES.includes(name),
  );
  expect(bundled).toEqual([]);
});
