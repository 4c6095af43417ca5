import type { Metrics } from "../ports";

export const METRICS_NAMESPACE = "GodotRooms";

/**
 * CloudWatch Embedded Metric Format: one JSON line on stdout per metric, which CloudWatch Logs
 * turns into a metric with no API call (and no extra permission) from the function.
 */
export function emfMetrics(stack: string, write: (line: string) => void = console.log): Metrics {
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
