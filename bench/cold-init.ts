/**
 * Measure 2: cold init per function. Each sample is a fresh Node process that loads a serialized
 * `__index.js` (the SDK resolved from a separate folder, as the Lambda runtime provides it) and
 * runs one handler call against dynalite and the local ECS/EC2 endpoint. Ours is the archive the
 * program built; the baseline is the naive shared factory (naive-factories.ts), serialized the
 * way CallbackFunction does it. Samples of the two alternate, so that noise hits both alike.
 */
import * as pulumi from "@pulumi/pulumi";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startRoomsTable } from "../tests/support/dynalite-table";
import { startFakeEcsEc2 } from "../tests/support/fake-ecs-ec2-endpoint";
import { httpEvent } from "../tests/support/http-events";
import {
  invokeInFreshNode,
  localAwsEndpoints,
  writeArchive,
} from "../tests/support/lambda-archive";
import type { RecordedResource } from "../tests/support/pulumi-program";
import { taskEvent } from "../tests/support/task-events";
import { NAIVE_FACTORIES } from "./naive-factories";
import { median } from "./support/stats";

export const COLD_INIT_SAMPLES = 10;

/** Our function of each kind, by the name the program gives it. */
const NAME_SUFFIX: Record<string, string> = {
  create_server: "-api-create-server",
  get_servers: "-api-get-servers",
  stop_server: "-api-stop-server",
  task_events: "-tasks",
  reconciler: "-tasks-reconciler",
};

/** One realistic call per kind; sample `i` makes each create a new room. */
function eventFor(kind: string, i: number): unknown {
  switch (kind) {
    case "create_server":
      return httpEvent("POST", "/create_server", { query: `server=Cold%20${i}` });
    case "get_servers":
      return httpEvent("GET", "/get_servers", { query: "page=0" });
    case "stop_server":
      return httpEvent("POST", "/stop_server", {
        query: "server=Nobody",
        headers: { authorization: "Bearer 0123456789abcdef0123456789abcdef" },
      });
    case "task_events":
      return taskEvent({
        taskArn: "arn:aws:ecs:us-east-1:111122223333:task/x/cold",
        roomId: "0123456789abcdef01234567",
        roomName: "Nobody",
        lastStatus: "STOPPED",
        version: 5,
      });
    default:
      return { source: "aws.events", "detail-type": "Scheduled Event", detail: {} };
  }
}

async function writeNaive(kind: string, dir: string): Promise<string> {
  const serialized = await pulumi.runtime.serializeFunction(NAIVE_FACTORIES[kind], {
    exportName: "handler",
    isFactoryFunction: true,
    allowSecrets: true,
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "__index.js"), serialized.text);
  return join(dir, "__index.js");
}

export interface ColdInitRow {
  readonly function: string;
  readonly samples: number;
  readonly oursMedianMs: number;
  readonly naiveMedianMs: number;
  /** ours / naive: below 1 is faster */
  readonly ratio: number;
  readonly oursClients: string;
  readonly naiveClients: string;
}

export async function measureColdInit(
  functions: RecordedResource[],
  workDir: string,
): Promise<ColdInitRow[]> {
  const table = await startRoomsTable(functions[0].inputs.environment.variables.ROOMS_TABLE_NAME);
  const fake = await startFakeEcsEc2("arn:aws:ecs:us-east-1:111122223333:task/x/1", "203.0.113.9");
  const rows: ColdInitRow[] = [];
  try {
    for (const [kind, suffix] of Object.entries(NAME_SUFFIX)) {
      const fn = functions.find((f) => f.name.endsWith(suffix));
      if (!fn) throw new Error(`no ${kind} function in the program`);
      const env = {
        ...fn.inputs.environment.variables,
        ROOMS_MAX_ROOMS: "100000",
        ...localAwsEndpoints(table.endpoint, fake.endpoint),
      };
      const ours = await writeArchive(fn, join(workDir, "cold", `ours-${kind}`));
      const naive = await writeNaive(kind, join(workDir, "cold", `naive-${kind}`));
      const oursMs: number[] = [];
      const naiveMs: number[] = [];
      let clients = { ours: "", naive: "" };
      for (let i = 0; i < COLD_INIT_SAMPLES; i++) {
        const a = await invokeInFreshNode(ours, env, eventFor(kind, 2 * i));
        const b = await invokeInFreshNode(naive, env, eventFor(kind, 2 * i + 1));
        oursMs.push(a.initMs);
        naiveMs.push(b.initMs);
        clients = { ours: a.sdkClientsLoaded.join("+"), naive: b.sdkClientsLoaded.join("+") };
      }
      const oursMedianMs = median(oursMs);
      const naiveMedianMs = median(naiveMs);
      rows.push({
        function: kind,
        samples: COLD_INIT_SAMPLES,
        oursMedianMs: Math.round(oursMedianMs),
        naiveMedianMs: Math.round(naiveMedianMs),
        ratio: Number((oursMedianMs / naiveMedianMs).toFixed(2)),
        oursClients: clients.ours,
        naiveClients: clients.naive,
      });
    }
  } finally {
    await table.close();
    await fake.close();
  }
  return rows;
}
