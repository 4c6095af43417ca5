import type { Metrics } from "../ports";

export const METRICS_NAMESPACE = "GodotRooms";

/**
 * CloudWatch Embedded Metric Format: one JSON line on stdout per metric, which CloudWatch Logs
 * turns into a metric with no API call (and no extra permission) from the function. CloudWatch
 * extracts a metric only from a log event that is itself the EMF object, so the line goes to
 * stdout directly: under the JSON log format the runtime's patched console.log would nest it, as
 * a string, in the `message` field of its own JSON object, and the metric would be lost.
 */
export function emfMetrics(
  stack: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Metrics {
  return {
    count(name, value = 1, dimensions = {}) {
      const names = ["Stack", ...Object.keys(dimensions)];
      write(
        JSON.stringify({
          _aws: {
            Timestamp: Date.now(),
            CloudWatchMetrics: [
              {
                Namespace: METRICS_NAMESPACE,
                Dimensions: [names],
                Metrics: [{ Name: name, Unit: "Count" }],
              },
            ],
          },
          Stack: stack,
          ...dimensions,
          [name]: value,
        }),
      );
    },
  };
}
