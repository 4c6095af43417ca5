/**
 * Prints how long each test file took, slowest first, after the run: the suite must stay well
 * under 15 minutes, and this shows where the time goes.
 */
class DurationReporter {
  onRunComplete(_contexts, results) {
    const rows = results.testResults
      .map((r) => ({
        file: r.testFilePath.replace(`${process.cwd()}/`, ""),
        seconds: (r.perfStats.end - r.perfStats.start) / 1000,
      }))
      .sort((a, b) => b.seconds - a.seconds);
    const total = rows.reduce((sum, r) => sum + r.seconds, 0);
    const lines = rows.map((r) => `${r.seconds.toFixed(1).padStart(7)} s  ${r.file}`);
    process.stdout.write(
      `\nTest file durations (sum ${total.toFixed(1)} s):\n${lines.join("\n")}\n`,
    );
  }
}
module.exports = DurationReporter;
