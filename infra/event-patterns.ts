import { STARTED_BY_PREFIXES } from "../common/env-names";

/**
 * "ECS Task State Change" events of room tasks in this cluster only. (The original caught every
 * task in the account.) Tags are not in these events; `startedBy` marks our tasks.
 */
export function taskStateChangePattern(clusterArn: string) {
  return {
    source: ["aws.ecs"],
    "detail-type": ["ECS Task State Change"],
    detail: {
      clusterArn: [clusterArn],
      startedBy: STARTED_BY_PREFIXES.map((prefix) => ({ prefix })),
    },
  };
}
