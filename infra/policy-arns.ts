/** ARNs derived from the cluster and task definition ARNs, for scoping ECS permissions. */
export function clusterTasksArnOf(clusterArn: string): string {
  return clusterArn.replace(":cluster/", ":task/");
}

/** The family ARN of a task definition revision ARN (`...:task-definition/family:3` → `...:task-definition/family`). */
export function taskDefinitionFamilyArnOf(taskDefinitionArn: string): string {
  return taskDefinitionArn.replace(/:\d+$/, "");
}
