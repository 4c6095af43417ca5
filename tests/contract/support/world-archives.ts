import { join } from "node:path";
import { type ArchiveHost, startArchiveHost } from "../../support/archive-host";
import { httpEvent } from "../../support/http-events";
import { writeArchive } from "../../support/lambda-archive";
import type { FunctionRole, LambdaWorld } from "./lambda-world";

/**
 * The uploaded archives of `roles`, each written from the program and served by a fresh Node
 * process with the function's own environment (as a warm Lambda serves many invocations).
 */
export async function startWorldArchives<R extends FunctionRole>(
  world: LambdaWorld,
  roles: readonly R[],
  timeoutMs = 60_000,
): Promise<Record<R, ArchiveHost>> {
  const hosts = {} as Record<R, ArchiveHost>;
  for (const role of roles) {
    const index = await writeArchive(world.fn(role), join(world.workDir, role));
    hosts[role] = await startArchiveHost(index, world.envOf(role), { timeoutMs });
  }
  return hosts;
}

/** Stops every archive host of `hosts` (those that started). */
export async function closeWorldArchives(hosts: Partial<Record<string, ArchiveHost>>) {
  await Promise.all(Object.values(hosts).flatMap((host) => (host ? [host.close()] : [])));
}

/** A create as API Gateway delivers it from the client at `sourceIp`, and its answer. */
export async function createFrom(create: ArchiveHost, sourceIp: string, name: string) {
  const event = httpEvent("POST", "/create_server", { query: `server=${name}` });
  const fromClient = {
    ...event,
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, sourceIp } },
  };
  const { result } = await create.invoke(fromClient);
  return { status: result.statusCode, headers: result.headers, body: JSON.parse(result.body) };
}
