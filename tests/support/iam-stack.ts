import type { RecordedResource } from "./pulumi-program";

/** What IAM needs to know of one Lambda function of a stack, read from the program's resources. */
export interface FunctionIdentity {
  /** The Lambda resource's name, e.g. godot-rooms-dev-api-create-server. */
  readonly name: string;
  readonly functionArn: string;
  readonly region: string;
  readonly account: string;
  readonly roleArn: string;
  readonly roleName: string;
  /** Every policy document attached to its role: inline policies and attached managed ones. */
  readonly policies: { name: string; policy: unknown }[];
  readonly logGroupName: string;
  readonly environment: Record<string, string>;
}

const ofType = (resources: RecordedResource[], type: string) =>
  resources.filter((r) => r.type === type);

/**
 * Whether a reference (a RolePolicy's `role`, a Function's `role`) names this role: by ARN, by
 * name, or by its id (the mocks give every resource the id `<name>-id`, as pulumi-program.ts does).
 */
function refersTo(reference: unknown, role: RecordedResource): boolean {
  return (
    reference === role.state.arn || reference === role.state.name || reference === `${role.name}-id`
  );
}

/**
 * Every Lambda function of the stack, with its role and the exact policy documents the program
 * attaches to that role. Found generically: a function added later is included as it is declared.
 * A role with a managed policy the program does not declare (an AWS managed one) cannot be
 * simulated, so it is an error rather than a silent gap.
 */
export function functionIdentities(resources: RecordedResource[]): FunctionIdentity[] {
  const roles = ofType(resources, "aws:iam/role:Role");
  const logGroups = ofType(resources, "aws:cloudwatch/logGroup:LogGroup");
  return ofType(resources, "aws:lambda/function:Function").map((fn) => {
    const role = roles.find((r) => refersTo(fn.inputs.role, r));
    if (!role) throw new Error(`${fn.name}: its role is not declared by the program`);
    const [, , , region, account] = String(fn.state.arn).split(":");
    const logGroupRef = fn.inputs.loggingConfig?.logGroup;
    const logGroup = logGroups.find((g) => g.state.name === logGroupRef);
    return {
      name: fn.name,
      functionArn: fn.state.arn,
      region,
      account,
      roleArn: role.state.arn,
      roleName: role.state.name ?? role.name,
      policies: rolePolicies(resources, role),
      logGroupName: logGroup?.state.name ?? `/aws/lambda/${fn.state.name ?? fn.name}`,
      environment: { ...fn.inputs.environment?.variables },
    };
  });
}

function rolePolicies(resources: RecordedResource[], role: RecordedResource) {
  const inline = ofType(resources, "aws:iam/rolePolicy:RolePolicy")
    .filter((p) => refersTo(p.inputs.role, role))
    .map((p) => ({ name: p.name, policy: JSON.parse(p.inputs.policy) }));
  const managed = ofType(resources, "aws:iam/policy:Policy");
  const attached = ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    .filter((a) => refersTo(a.inputs.role, role))
    .map((a) => {
      const policy = managed.find((p) => p.state.arn === a.inputs.policyArn);
      if (!policy) throw new Error(`${role.name}: cannot simulate ${a.inputs.policyArn}`);
      return { name: policy.name, policy: JSON.parse(policy.inputs.policy) };
    });
  const declaredInline = (role.inputs.inlinePolicies ?? []).map((p: any) => ({
    name: p.name,
    policy: JSON.parse(p.policy),
  }));
  if ((role.inputs.managedPolicyArns ?? []).length > 0)
    throw new Error(`${role.name}: cannot simulate managedPolicyArns`);
  return [...inline, ...attached, ...declaredInline];
}

/** The task definition a RunTask names (ARN, family:revision or family), as the stack declares it. */
export function taskDefinitionResource(
  resources: RecordedResource[],
  name: string,
): RecordedResource | undefined {
  return ofType(resources, "aws:ecs/taskDefinition:TaskDefinition").find((def) => {
    const arn = String(def.state.arn);
    return arn === name || arn.endsWith(`:task-definition/${name}`) || def.inputs.family === name;
  });
}
