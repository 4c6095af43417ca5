import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { RecordedCall } from "./aws-call-recorder";
import { alwaysForbidden, permissionKey, possibleRequests } from "./iam-forbidden";
import { type IamRequest, requestsFor, runtimeRequests } from "./iam-requests";
import { type FunctionIdentity, functionIdentities } from "./iam-stack";
import type { RecordedResource } from "./pulumi-program";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/**
 * Evaluates one request against the function's identity policies, as AWS would for its role's
 * session (same account, no resource policy, no SCP). A request the simulator cannot evaluate
 * (an unknown action, a resource of the wrong type, a condition key the action does not have)
 * throws: it is a mistake in the request, never a denial.
 */
export async function simulate(request: IamRequest, fn: FunctionIdentity): Promise<Decision> {
  const principal = `arn:aws:sts::${fn.account}:assumed-role/${fn.roleName}/${fn.name}`;
  const response = await runSimulation(
    {
      identityPolicies: fn.policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal,
        action: request.action,
        resource: { resource: request.resource, accountId: fn.account },
        contextVariables: {
          "aws:PrincipalArn": fn.roleArn,
          "aws:PrincipalAccount": fn.account,
          "aws:RequestedRegion": fn.region,
          "aws:SecureTransport": "true",
          ...request.context,
        },
      },
    },
    {},
  );
  if (response.resultType === "error")
    throw new Error(`cannot simulate ${describe(request)}: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

const describe = (r: IamRequest) =>
  `${r.why}: ${r.action} on ${r.resource} ${JSON.stringify(r.context)}`;

/** The stack as runProgram returns it. */
export interface StackResources {
  readonly resources: RecordedResource[];
}

/** Every authorisation the recorded calls of each function need, with the implicit ones. */
export function requestsOfCalls(
  stack: StackResources,
  callsByFunction: Record<string, readonly RecordedCall[]>,
) {
  return functionIdentities(stack.resources)
    .filter((fn) => callsByFunction[fn.name]?.length)
    .map((fn) => ({
      fn,
      requests: [
        ...callsByFunction[fn.name].flatMap((call) => requestsFor(call, fn, stack.resources)),
        ...runtimeRequests(fn),
      ],
    }));
}

/**
 * Asserts that the policy the program attaches to each function's role allows every call that
 * function was recorded making, with the authorisations AWS makes implicitly for it.
 * Returns how many requests were evaluated per function.
 */
export async function expectCallsAllowed(
  stack: StackResources,
  callsByFunction: Record<string, readonly RecordedCall[]>,
): Promise<Record<string, number>> {
  const known = new Set(functionIdentities(stack.resources).map((fn) => fn.name));
  const strangers = Object.keys(callsByFunction).filter((name) => !known.has(name));
  if (strangers.length)
    throw new Error(`calls recorded for unknown functions: ${strangers.join(", ")}`);
  const refused: string[] = [];
  const counted: Record<string, number> = {};
  for (const { fn, requests } of requestsOfCalls(stack, callsByFunction)) {
    counted[fn.name] = requests.length;
    for (const request of unique(requests)) {
      const decision = await simulate(request, fn);
      if (decision !== "Allowed") refused.push(`${fn.name}: ${decision}: ${describe(request)}`);
    }
  }
  if (refused.length) throw new Error(`IAM would refuse recorded calls:\n${refused.join("\n")}`);
  return counted;
}

/** The same authorisation asked many times is evaluated once. */
function unique(requests: IamRequest[]): IamRequest[] {
  const seen = new Map<string, IamRequest>();
  for (const r of requests) seen.set(`${r.action} ${r.resource} ${JSON.stringify(r.context)}`, r);
  return [...seen.values()];
}

/**
 * Asserts that each function is denied what it must never do (another task definition, cluster,
 * role, service or table; the base table's Query; account-wide actions) and every permission of
 * the stack it never needed in the recorded calls: its policy grants nothing it does not use.
 * Returns the requests that were denied, per function.
 */
export async function expectForbiddenDenied(
  stack: StackResources,
  callsByFunction: Record<string, readonly RecordedCall[]>,
): Promise<Record<string, string[]>> {
  const allowed: string[] = [];
  const denied: Record<string, string[]> = {};
  for (const { fn, requests } of requestsOfCalls(stack, callsByFunction)) {
    const needed = new Set(requests.map(permissionKey));
    const unneeded = possibleRequests(fn, stack.resources).filter(
      (r) => !needed.has(permissionKey(r)),
    );
    denied[fn.name] = [];
    for (const request of [...alwaysForbidden(fn, stack.resources), ...unneeded]) {
      const decision = await simulate(request, fn);
      if (decision === "Allowed") allowed.push(`${fn.name}: ${describe(request)}`);
      else denied[fn.name].push(request.why);
    }
  }
  if (allowed.length) throw new Error(`IAM would allow forbidden calls:\n${allowed.join("\n")}`);
  return denied;
}
