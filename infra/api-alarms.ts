import type * as aws from "@pulumi/aws";
import { METRICS_NAMESPACE } from "../handlers/aws/emf-metrics";

/** Metrics the API's access logs are turned into (per API and route), by metric filters. */
export const API_UNAVAILABLE_METRIC = "ApiUnavailable";

/**
 * Metric filters on the HTTP API's JSON access logs (see RoomsApi's access log format). API
 * Gateway counts only 4xx and 5xx; a 503 ("try again": the cap, no Fargate capacity, AWS busy)
 * must be told apart from the 5xx that are bugs or outages, so 503s get their own metric.
 */
export function apiAccessLogMetricFilters() {
  return [
    {
      id: "api-503",
      pattern: '{ $.status = "503" }',
      metricName: API_UNAVAILABLE_METRIC,
    },
  ].map((f) => ({
    ...f,
    metricTransformation: {
      namespace: METRICS_NAMESPACE,
      name: f.metricName,
      value: "1",
      unit: "Count",
      dimensions: { ApiId: "$.apiId", Route: "$.routeKey" },
    },
  }));
}

type Query = aws.types.input.cloudwatch.MetricAlarmMetricQuery;

function metric(id: string, namespace: string, name: string, dimensions: Record<string, string>) {
  return {
    id,
    returnData: false,
    metric: { namespace, metricName: name, dimensions, period: 300, stat: "Sum" },
  } satisfies Query;
}

/**
 * The three metrics of one route: its requests, its 5xx (503s included) and its 503s. API
 * Gateway's route-level metrics of an HTTP API have the dimensions ApiId, Method, Resource and
 * Stage, and are sent only with detailed metrics on the stage.
 */
function routeMetrics(apiId: string, stage: string, route: string) {
  const [method, resource] = route.split(" ");
  const dims = { ApiId: apiId, Method: method, Resource: resource, Stage: stage };
  return [
    metric("requests", "AWS/ApiGateway", "Count", dims),
    metric("errors", "AWS/ApiGateway", "5xx", dims),
    metric("unavailable", METRICS_NAMESPACE, API_UNAVAILABLE_METRIC, {
      ApiId: apiId,
      Route: route,
    }),
  ];
}

/** The least requests in 5 minutes for a rate to mean anything; below it the rate counts as 0. */
export const MIN_REQUESTS_FOR_A_RATE = 5;

/**
 * Per route: the share of requests answered 5xx other than 503 (bugs, timeouts, gateway faults:
 * above 1 % in 5 minutes), and the share answered 503 (users told to come back: half or more,
 * for 10 minutes). Both need route-level metrics (detailed metrics on the stage).
 */
export function routeAlarmQueries(apiId: string, stage: string, route: string) {
  const [requests, errors, unavailable] = routeMetrics(apiId, stage, route);
  const rate = (numerator: string): Query => ({
    id: "rate",
    label: "percent of requests",
    returnData: true,
    expression: `IF(requests >= ${MIN_REQUESTS_FOR_A_RATE}, 100 * (${numerator}) / requests, 0)`,
  });
  return {
    serverErrors: [requests, errors, unavailable, rate("FILL(errors, 0) - FILL(unavailable, 0)")],
    unavailable: [requests, unavailable, rate("FILL(unavailable, 0)")],
  };
}

/** Failed starts: RunTask refused or failed (Reason StartFailed) or Fargate had no capacity. */
export function failedStartsQueries(stack: string): Query[] {
  const rejected = (id: string, reason: string) =>
    metric(id, METRICS_NAMESPACE, "CreatesRejected", { Stack: stack, Reason: reason });
  return [
    rejected("startFailed", "StartFailed"),
    rejected("noCapacity", "NoFargateCapacity"),
    {
      id: "failedStarts",
      label: "failed starts",
      returnData: true,
      expression: "FILL(startFailed, 0) + FILL(noCapacity, 0)",
    },
  ];
}
