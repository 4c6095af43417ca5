import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { DEFAULT_GAME_PORT, DEFAULT_GAME_PROTOCOL } from "../../common/game-server";
import { CONFIG_KEYS, MAX_STACK_NAME_LENGTH, parseStackConfig } from "../../infra/config";
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
  const dev = parseStackConfig(raw("dev"), "dev");
  const prod = parseStackConfig(raw("prod"), "prod");
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

test("both stacks name their Godot version explicitly, and the default is 4.6", () => {
  const declared = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")).config;
  expect(declared.godotVersion).toMatchObject({ type: "string", default: "4.6" });
  for (const stack of ["dev", "prod"]) {
    const file = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")).config;
    expect(file["godot-rooms:godotVersion"]).toBe("4.6");
  }
});

test.each(["3.6", "4.6", "4.6.1", "3.5.3", "4.0", "4.10"])(
  "godotVersion %p is accepted as given",
  (godotVersion) => {
    expect(parseStackConfig(raw("dev", { godotVersion }), "dev").godotVersion).toBe(godotVersion);
  },
);

test.each(["", "4", "5.0", "2.1", "4.6-stable", "v4.6", "4.6.1.2", "4.06", " 4.6"])(
  "godotVersion %p is refused with a clear message",
  (godotVersion) => {
    expect(() => parseStackConfig(raw("dev", { godotVersion }), "dev")).toThrow(
      `Config "godotVersion" must be a Godot 3.x or 4.x version such as "4.6", "4.6.1" or "3.6"; got ${JSON.stringify(godotVersion)}.`,
    );
  },
);

test("a stack name of 21 characters is accepted; 22 fails, saying why", () => {
  expect(MAX_STACK_NAME_LENGTH).toBe(21);
  expect(parseStackConfig(raw("dev"), "x".repeat(21)).maxRooms).toBe(5);
  expect(() => parseStackConfig(raw("dev"), "staging-eu-west-1-ana")).not.toThrow();
  expect(() => parseStackConfig(raw("dev"), "staging-eu-west-1-anna")).toThrow(
    'Stack name "staging-eu-west-1-anna" cannot be used: it must be 1 to 21 letters, digits, "-" or "_" (got 22 characters), because it becomes part of IAM role names (at most 64 characters: godot-rooms-<stack>-api-create-server-role plus Pulumi\'s 8-character suffix).',
  );
});

test("a stack name with a character AWS names refuse (a dot) fails", () => {
  expect(() => parseStackConfig(raw("dev"), "team.dev")).toThrow(
    'Stack name "team.dev" cannot be used',
  );
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
  expect(() => parseStackConfig(raw("dev", overrides), "dev")).toThrow(message);
});

test("every runtime dependency is deployment-only (@pulumi) or provided by the Lambda runtime", () => {
  const { dependencies } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const bundled = Object.keys(dependencies).filter(
    (name) => !name.startsWith("@pulumi/") && !RUNTIME_PROVIDED_PACKAGES.includes(name),
  );
  expect(bundled).toEqual([]);
});
