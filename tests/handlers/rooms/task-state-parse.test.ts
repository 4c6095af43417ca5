import { parseTaskStateChange, phaseOf } from "../../../handlers/rooms/task-state-change";
import fixture from "../../fixtures/ecs-task-state-change.running.json";

/** The fixture with its detail changed: the real shape, one fact at a time. */
function withDetail(changes: Record<string, unknown>): Record<string, unknown> {
  const event = structuredClone(fixture) as Record<string, unknown> & {
    detail: Record<string, unknown>;
  };
  Object.assign(event.detail, changes);
  return event;
}

function withoutDetail(field: string): Record<string, unknown> {
  const event = withDetail({});
  delete (event.detail as Record<string, unknown>)[field];
  return event;
}

function withEnvironment(environment: unknown[], extraContainers: unknown[] = []) {
  return withDetail({
    overrides: {
      containerOverrides: [...extraContainers, { name: "game", environment }],
    },
  });
}

function withAttachments(attachments: unknown) {
  return withDetail({ attachments });
}

const FIXTURE_ENI = "eni-0f1e2d3c4b5a69788";

describe("parseTaskStateChange: what is read", () => {
  test("the fixture reads exactly: no stop code and nothing else", () => {
    const change = parseTaskStateChange(fixture);
    expect(change).toStrictEqual({
      serverId: fixture.detail.taskArn,
      clusterArn: fixture.detail.clusterArn,
      roomId: "brave-otter-42",
      roomName: "Brave-Otter-42",
      lastStatus: "RUNNING",
      desiredStatus: "RUNNING",
      version: 4,
      networkInterfaceId: FIXTURE_ENI,
    });
  });

  test("a stopped task's stop code is read; a stop code that is not a string is not", () => {
    const stopped = withDetail({
      lastStatus: "STOPPED",
      desiredStatus: "STOPPED",
      version: 6,
      stopCode: "SpotInterruption",
      stoppedReason: "Your Spot Task was interrupted.",
    });
    expect(parseTaskStateChange(stopped)).toMatchObject({
      lastStatus: "STOPPED",
      desiredStatus: "STOPPED",
      version: 6,
      stopCode: "SpotInterruption",
    });
    expect(parseTaskStateChange(withDetail({ stopCode: 7 }))).not.toHaveProperty("stopCode");
    expect(parseTaskStateChange(withDetail({ stopCode: null }))).not.toHaveProperty("stopCode");
  });

  test("the room id of releases before 0.2 (`room:` prefix) is still read", () => {
    expect(parseTaskStateChange(withDetail({ startedBy: "room:0123abcd" }))?.roomId).toBe(
      "0123abcd",
    );
  });

  test("version 0 is a version", () => {
    expect(parseTaskStateChange(withDetail({ version: 0 }))?.version).toBe(0);
  });
});

describe("parseTaskStateChange: bad shapes are not ours, and never throw", () => {
  test.each<[string, unknown]>([
    ["an array carrying the event's fields", Object.assign([], structuredClone(fixture))],
    ["a detail that is an array", { ...fixture, detail: Object.assign([], fixture.detail) }],
    ["a detail that is null", { ...fixture, detail: null }],
    ["no detail", { ...fixture, detail: undefined }],
    ["a task ARN that is not a string", withDetail({ taskArn: 42 })],
    ["no task ARN", withoutDetail("taskArn")],
    ["a cluster ARN that is not a string", withDetail({ clusterArn: { arn: "x" } })],
    ["no cluster ARN", withoutDetail("clusterArn")],
    ["a last status that is not a string", withDetail({ lastStatus: 1 })],
    ["no last status", withoutDetail("lastStatus")],
    ["a desired status that is not a string", withDetail({ desiredStatus: ["RUNNING"] })],
    ["no desired status", withoutDetail("desiredStatus")],
    ["a fractional version", withDetail({ version: 4.5 })],
    ["a version that is not finite", withDetail({ version: Number.POSITIVE_INFINITY })],
    ["a version given as a string", withDetail({ version: "4" })],
    ["no startedBy", withoutDetail("startedBy")],
    ["an empty room id", withDetail({ startedBy: "room/" })],
    ["overrides that are null", withDetail({ overrides: null })],
    ["no overrides", withoutDetail("overrides")],
    ["overrides that are an array", withDetail({ overrides: [fixture.detail.overrides] })],
    [
      "container overrides that are not a list",
      withDetail({ overrides: { containerOverrides: {} } }),
    ],
    ["a container whose environment is not a list", withEnvironment(undefined as never)],
    ["ROOM_NAME that is not a string", withEnvironment([{ name: "ROOM_NAME", value: 5 }])],
    ["only other variables", withEnvironment([{ name: "ROOM_SECRET", value: "s" }])],
    ["an empty ROOM_NAME", withEnvironment([{ name: "ROOM_NAME", value: "" }])],
  ])("%s", (_, event) => {
    expect(parseTaskStateChange(event)).toBeUndefined();
  });
});

describe("parseTaskStateChange: the room name override", () => {
  test("is found past other variables, null entries, arrays and other containers", () => {
    const event = withEnvironment(
      [
        null,
        ["ROOM_NAME", "Array"],
        { name: "ROOM_SECRET", value: "not-the-name" },
        { name: "ROOM_NAME", value: 5 },
        { name: "ROOM_NAME", value: "Real Name" },
        { name: "ROOM_NAME", value: "Second" },
      ],
      [null, "sidecar", { name: "log-router" }, { name: "other", environment: [] }],
    );
    expect(parseTaskStateChange(event)?.roomName).toBe("Real Name");
  });

  test("an environment entry whose value is a string but whose name is not ROOM_NAME is ignored", () => {
    const event = withEnvironment([{ name: "ROOM_API", value: "https://x" }]);
    expect(parseTaskStateChange(event)).toBeUndefined();
  });
});

describe("parseTaskStateChange: the network interface", () => {
  test("comes from the eni attachment's networkInterfaceId detail, past other details", () => {
    expect(parseTaskStateChange(fixture)?.networkInterfaceId).toBe(FIXTURE_ENI);
  });

  test("DescribeTasks' spelling of the attachment type is read too", () => {
    const attachments = [
      {
        type: "ElasticNetworkInterface",
        details: [{ name: "networkInterfaceId", value: "eni-d" }],
      },
    ];
    expect(parseTaskStateChange(withAttachments(attachments))?.networkInterfaceId).toBe("eni-d");
  });

  test("other attachments, null entries and bad details are skipped", () => {
    const attachments = [
      null,
      "eni",
      { type: "Service Connect", details: [{ name: "networkInterfaceId", value: "eni-wrong" }] },
      {
        type: "eni",
        details: [
          null,
          { name: "subnetId", value: "subnet-1" },
          { name: "networkInterfaceId", value: 12 },
          { name: "networkInterfaceId", value: "eni-right" },
          { name: "networkInterfaceId", value: "eni-later" },
        ],
      },
    ];
    expect(parseTaskStateChange(withAttachments(attachments))?.networkInterfaceId).toBe(
      "eni-right",
    );
  });

  test.each<[string, unknown]>([
    ["no attachments", undefined],
    ["attachments that are not a list", { type: "eni" }],
    ["an eni still without its details", [{ type: "eni", status: "PRECREATED" }]],
    ["an eni whose details are not a list", [{ type: "eni", details: { name: "x" } }]],
    [
      "only a subnet",
      [{ type: "eni", details: [{ name: "subnetId", value: "subnet-0a1b2c3d4e5f60718" }] }],
    ],
  ])("is absent with %s, and the change is still read", (_, attachments) => {
    const change = parseTaskStateChange(withAttachments(attachments));
    expect(change).toMatchObject({ roomName: "Brave-Otter-42", version: 4 });
    expect(change).not.toHaveProperty("networkInterfaceId");
  });
});

describe("phaseOf", () => {
  test.each([
    ["PROVISIONING", "RUNNING", "PROVISIONING"],
    ["PENDING", "RUNNING", "PENDING"],
    ["ACTIVATING", "RUNNING", "PENDING"],
    ["RUNNING", "RUNNING", "RUNNING"],
    // A Spot interruption notice, or a stop asked for: the task still runs, but is on its way out.
    ["RUNNING", "STOPPED", "STOPPING"],
    ["PENDING", "STOPPED", "STOPPING"],
    ["PROVISIONING", "STOPPED", "STOPPING"],
    ["DEACTIVATING", "STOPPED", "STOPPING"],
    ["STOPPING", "STOPPED", "STOPPING"],
    ["DEPROVISIONING", "STOPPED", "STOPPING"],
    ["DEACTIVATING", "RUNNING", "STOPPING"],
    ["STOPPING", "RUNNING", "STOPPING"],
    ["DEPROVISIONING", "RUNNING", "STOPPING"],
    ["STOPPED", "STOPPED", "STOPPED"],
    ["STOPPED", "RUNNING", "STOPPED"],
    ["DELETED", "STOPPED", "STOPPED"],
    ["", "", "PENDING"],
  ])("last %s, desired %s: %s", (lastStatus, desiredStatus, phase) => {
    expect(phaseOf({ lastStatus, desiredStatus })).toBe(phase);
  });
});
