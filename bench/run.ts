/** `npm run bench`: every measure, both sides in this run; prints tables and writes bench/results/latest.json. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { ofType, runProgram } from "../tests/support/pulumi-program";
import { measureArchiveSizes } from "./archive-size";
import { measureCallsPerPage } from "./calls-per-page";
import { measureColdInit } from "./cold-init";
import { idleCostRows } from "./idle-cost";
import { measureListCost } from "./list-cost";
import { measureLocalJoin } from "./local-join";
import { measureLocalSoak } from "./local-soak";
import { measureLocalWarm } from "./local-warm";
import { measureProgramEvaluation } from "./program-evaluation";
import { measureWarmPoolSizing } from "./warm-pool-sizing";

interface Goal {
  readonly measure: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

function show(title: string, rows: unknown) {
  console.log(`\n${title}`);
  console.table(rows);
}

async function main() {
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), "godot-rooms-bench-"));
  const goals: Goal[] = [];
  try {
    const listCost = await measureListCost();
    show("3. List cost: items read for one get_servers page", listCost);
    const listRatio = listCost[1].oursItemsRead / listCost[0].oursItemsRead;
    goals.push({
      measure: "3. list cost",
      goal: "ours 10,000 / 100 rooms ≤ 1.1",
      measured: `${listRatio.toFixed(2)} (scan baseline ${(listCost[2].scanItemsRead / listCost[0].scanItemsRead).toFixed(2)} with most rooms not RUNNING)`,
      met: listRatio <= 1.1,
    });

    const evaluation = await measureProgramEvaluation();
    show("5. Program evaluation under mocks (preview proxy)", evaluation.rows);

    const idle = [
      ...idleCostRows("dev", evaluation.graphs.dev),
      ...idleCostRows("prod", evaluation.graphs.prod),
    ];
    show("7. Fixed idle cost, USD per month (us-east-1 list prices)", idle);
    const oursInfra = idle.filter((r) => r.side === "ours").map((r) => r.infrastructureUsd);
    goals.push({
      measure: "7. fixed idle cost",
      goal: "ours $0 in infrastructure",
      measured: `dev $${oursInfra[0]}, prod $${oursInfra[1]}; awsx default VPC $${idle[1].infrastructureUsd}`,
      met: oursInfra.every((usd) => usd === 0),
    });

    const stack = await runProgram("dev");
    const functions = ofType(stack.resources, "aws:lambda/function:Function");

    const archives = await measureArchiveSizes(functions);
    show("1. Lambda archive per function: ours against CallbackFunction's defaults", archives);
    const smallestRatio = Math.min(...archives.map((a) => a.ratioUnpacked));
    const largest = Math.max(...archives.map((a) => a.oursUnpackedBytes));
    goals.push({
      measure: "1. archive size",
      goal: "≤ 64 KiB unpacked each, ≥ 450× smaller",
      measured: `largest ${largest} B, smallest ratio ${smallestRatio}×`,
      met: largest <= 64 * 1024 && smallestRatio >= 450,
    });

    const getServers = functions.find((f) => f.name.endsWith("-api-get-servers"));
    if (!getServers) throw new Error("no get_servers function");
    const calls = await measureCallsPerPage(getServers, workDir);
    show("4. ECS/EC2 calls per get_servers page of 20", calls);
    goals.push({
      measure: "4. AWS calls per page",
      goal: "0 (the original made 40)",
      measured: `ours ${calls[0].awsCalls}, original ${calls[1].awsCalls}`,
      met: calls[0].awsCalls === 0,
    });

    const coldInit = await measureColdInit(functions, workDir);
    show("2. Cold init: load __index.js + first call, median of fresh processes", coldInit);
    const getServersInit = coldInit.find((r) => r.function === "get_servers");
    goals.push({
      measure: "2. cold init",
      goal: "get_servers ≤ 0.4× the all-clients factory",
      measured: `${getServersInit?.ratio}×`,
      met: (getServersInit?.ratio ?? Infinity) <= 0.4,
    });

    const localJoin = await measureLocalJoin();
    show("6. Local mode, real Godot: create → RUNNING and create → joined", [localJoin]);

    const soak = await measureLocalSoak();
    show("8. Local mode memory: heap after GC and RSS, before and after a soak", [soak]);
    goals.push({
      measure: "8. local soak",
      goal: "heap after GC grows ≤ 10 % over the soak",
      measured: `${soak.heapGrowthPercent} % (${soak.heapStartMB} → ${soak.heapEndMB} MB, ${soak.seconds} s)`,
      met: soak.heapGrowthPercent <= 10,
    });

    const warmPool = measureWarmPoolSizing();
    show("9. Warm pool sizing on AWS (simulation)", warmPool.rows);
    show("9. Smallest warm pool with p95 time to a joinable room ≤ 1 s", warmPool.smallestPools);
    const poolAt2 = warmPool.smallestPools.find((r) => r.createsPerMinute === 2);
    goals.push({
      measure: "9. warm pool (AWS model)",
      goal: "p95 create → joinable ≤ 1 s at 2 creates/min with ≤ 5 warm rooms",
      measured: poolAt2
        ? `${poolAt2.warmRooms} warm rooms: ${poolAt2.warmPercent} % warm, p95 ${poolAt2.p95WaitS} s, idle $${poolAt2.idleUsdPerMonth}/month`
        : "no pool size reaches it",
      met: poolAt2 !== undefined && poolAt2.warmRooms <= 5,
    });

    const localWarm = await measureLocalWarm();
    show("10. Local create → joined, warm against cold", localWarm);
    const [cold, warm] = localWarm;
    goals.push({
      measure: "10. local warm rooms",
      goal: "p50 create → joined ≤ 300 ms with --warm-rooms 3",
      measured: `warm p50 ${warm.p50JoinedMs} ms, p99 ${warm.p99JoinedMs} ms (${warm.warmHitPercent} % warm); cold p50 ${cold.p50JoinedMs} ms, p99 ${cold.p99JoinedMs} ms`,
      met: warm.p50JoinedMs <= 300,
    });

    show("Goals", goals);
    const results = {
      date: new Date().toISOString(),
      machine: {
        node: process.version,
        os: `${process.platform} ${release()}`,
        cpus: cpus().length,
        model: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
      },
      durationSeconds: Math.round((Date.now() - started) / 1000),
      goals,
      archiveSize: archives,
      coldInit,
      listCost,
      callsPerPage: calls,
      programEvaluation: evaluation.rows,
      localJoin,
      localSoak: soak,
      idleCost: idle,
    };
    mkdirSync(join(__dirname, "results"), { recursive: true });
    writeFileSync(
      join(__dirname, "results", "latest.json"),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    console.log(`\nwrote bench/results/latest.json in ${results.durationSeconds} s`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
