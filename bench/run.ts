/** `npm run bench`: prints a table and writes bench/results/latest.json. See bench/README.md. */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { measureListCost } from "./list-cost";

async function main() {
  const listCost = await measureListCost();
  console.table(listCost);
  const small = listCost[0].oursItemsRead;
  const large = listCost[1].oursItemsRead;
  console.log(
    `list cost ratio (10,000 / 100 rooms), ours: ${(large / small).toFixed(2)}; scan baseline: ${(listCost[1].scanItemsRead / listCost[0].scanItemsRead).toFixed(2)}`,
  );
  const results = {
    date: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, model: cpus()[0]?.model },
    listCost,
  };
  mkdirSync(join(__dirname, "results"), { recursive: true });
  writeFileSync(join(__dirname, "results", "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
}

void main();
