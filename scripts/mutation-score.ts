/**
 * Adds up StrykerJS JSON reports (`npm run mutation:score -- a.json b.json …`), for runs made in
 * parts (docs/mutation.md). Per file and in total: killed (timeouts count as killed) over the
 * mutants a test could judge, that is all but the ignored ones (static code, when Stryker runs
 * with ignoreStatic), and those that did not compile or crashed the test runner itself. A later
 * report's result for the same mutant (file, place, mutator, replacement) replaces an earlier
 * one, so a re-run of some mutants updates a full run.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

interface Mutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: Record<"start" | "end", { line: number; column: number }>;
}
interface Report {
  readonly files: Record<string, { mutants: Mutant[] }>;
}

const UNJUDGED = new Set(["Ignored", "CompileError", "RuntimeError"]);

const results = new Map<string, Map<string, string>>();
for (const path of process.argv.slice(2)) {
  // npm runs scripts from the package's folder; paths are the caller's.
  const reportPath = resolve(process.env.INIT_CWD ?? process.cwd(), path);
  const report = JSON.parse(readFileSync(reportPath, "utf8")) as Report;
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const byMutant = results.get(file) ?? new Map<string, string>();
    results.set(file, byMutant);
    for (const m of mutants) {
      const { start, end } = m.location;
      const place = `${start.line}:${start.column}-${end.line}:${end.column}`;
      const key = `${place} ${m.mutatorName} ${m.replacement}`;
      // An ignored mutant of a later part never hides a result an earlier part measured.
      if (m.status === "Ignored" && byMutant.has(key)) continue;
      byMutant.set(key, m.status);
    }
  }
}

let killed = 0;
let judged = 0;
for (const [file, byMutant] of [...results].sort(([a], [b]) => a.localeCompare(b))) {
  const statuses = [...byMutant.values()];
  const k = statuses.filter((s) => s === "Killed" || s === "Timeout").length;
  const j = statuses.filter((s) => !UNJUDGED.has(s)).length;
  const left = statuses.filter((s) => s === "Survived" || s === "NoCoverage").length;
  const unjudged = statuses.length - j;
  killed += k;
  judged += j;
  const score = j === 0 ? "-" : `${((100 * k) / j).toFixed(1)} %`;
  console.log(
    `${file.padEnd(44)} ${String(k).padStart(4)} / ${String(j).padEnd(4)} ${score.padStart(8)}  survived ${left}, not judged ${unjudged}`,
  );
}
console.log(`total ${killed} / ${judged} = ${((100 * killed) / judged).toFixed(1)} %`);
