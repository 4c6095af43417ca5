import { METRICS_NAMESPACE } from "../handlers/aws/emf-metrics";

export interface DashboardTargets {
  readonly region: string;
  readonly stack: string;
  readonly functionNames: readonly string[];
  readonly apiId: string;
  readonly deadLetterQueueName: string;
  /** The stack keeps warm servers: show the pool's size, hits and misses. */
  readonly warmPool?: boolean;
}

type Metric = (string | { stat?: string; label?: string })[];

function widget(
  title: string,
  metrics: Metric[],
  x: number,
  y: number,
  region: string,
  stat = "Sum",
) {
  return {
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, metrics, region, stat, period: 300, view: "timeSeries" },
  };
}

/** The CloudWatch dashboard body: rooms, creates and rejections, API, functions, DLQ, tasks. */
export function buildDashboardBody(t: DashboardTargets) {
  const ours = (name: string, extra: string[] = []): Metric => [
    METRICS_NAMESPACE,
    name,
    "Stack",
    t.stack,
    ...extra,
  ];
  const perFunction = (name: string) =>
    t.functionNames.map((fn) => ["AWS/Lambda", name, "FunctionName", fn]);
  return {
    widgets: [
      widget(
        "Rooms running / rooms / room tasks",
        [ours("RoomsRunning"), ours("RoomsTotal"), ours("TasksRunning")],
        0,
        0,
        t.region,
        "Maximum",
      ),
      widget(
        "Creates, rejections by reason, stops",
        [
          ours("RoomsCreated"),
          ours("CreatesRejected", ["Reason", "AtCap"]),
          ours("CreatesRejected", ["Reason", "NoFargateCapacity"]),
          ours("CreatesRejected", ["Reason", "StartFailed"]),
          ours("RoomsStopped"),
        ],
        12,
        0,
        t.region,
      ),
      widget(
        "API 4xx / 5xx",
        [
          ["AWS/ApiGateway", "4xx", "ApiId", t.apiId],
          ["AWS/ApiGateway", "5xx", "ApiId", t.apiId],
        ],
        0,
        6,
        t.region,
      ),
      widget(
        "API latency (p99)",
        [["AWS/ApiGateway", "Latency", "ApiId", t.apiId]],
        12,
        6,
        t.region,
        "p99",
      ),
      widget(
        "Lambda errors and throttles",
        [...perFunction("Errors"), ...perFunction("Throttles")],
        0,
        12,
        t.region,
      ),
      widget(
        "Dead-letter queue depth",
        [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", t.deadLetterQueueName]],
        12,
        12,
        t.region,
        "Maximum",
      ),
      ...(t.warmPool
        ? [
            widget(
              "Warm pool: ready / starting servers",
              [ours("WarmPoolReady"), ours("WarmPoolStarting")],
              0,
              18,
              t.region,
              "Minimum",
            ),
            widget(
              "Warm pool: creates served warm (hits) / cold (misses)",
              [ours("WarmPoolHits"), ours("WarmPoolMisses")],
              12,
              18,
              t.region,
            ),
          ]
        : []),
    ],
  };
}
