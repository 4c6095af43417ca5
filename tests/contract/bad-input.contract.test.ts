import fc from "fast-check";
import type { ContractTarget } from "./target";
import { fuzzRuns } from "../support/fuzz-runs";
import { TARGETS, useTarget } from "./targets";
import { type OracleRequest, RoomsModel } from "./support/request-oracle";
import { badInputCorpus, randomRequest, type RequestTemplate } from "./support/request-corpus";

const SEED = 20261125;
const RANDOM_REQUESTS = fuzzRuns(2_000);

/**
 * The bad-input corpus and seeded random requests, on every target, against an oracle that
 * predicts each answer from the documented rules and a model of the rooms. Any 5xx the oracle
 * did not predict (a 500 never is) fails, and so does any other status, an error outside the
 * envelope, or a table and fleet that differ from the model afterwards.
 */
describe.each(TARGETS)("bad input and random requests on %s", (_name, start) => {
  const target = useTarget(start);

  test(`the corpus and ${RANDOM_REQUESTS} seeded random requests are answered as the oracle predicts`, async () => {
    const t = target();
    const model = new RoomsModel();
    const corpus = badInputCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    const random = fc.sample(randomRequest, { numRuns: RANDOM_REQUESTS, seed: SEED });
    const statuses: Record<number, number> = {};
    let step = 0;
    for (const template of [...corpus, ...random]) {
      const request = resolve(template, model, step++);
      const predicted = model.predict(request);
      const answer = await t.request(request.method, request.path, {
        query: request.query,
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.token === undefined
          ? {}
          : { headers: { authorization: `Bearer ${request.token}` } }),
      });
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      const seen = { status: answer.status, message: answer.body?.message };
      const expected = { status: predicted.status, message: predicted.message ?? seen.message };
      if (seen.status !== expected.status || seen.message !== expected.message) {
        throw new Error(
          `request ${step} ${JSON.stringify(request)}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(seen)}`,
        );
      }
      // Every error is the JSON envelope (but an unknown path on AWS is API Gateway's own 404).
      const gatewayAnswer =
        t.name !== "local" &&
        predicted.status === 404 &&
        !request.path.endsWith("_server") &&
        request.path !== "/get_servers";
      if (answer.status !== 200 && !gatewayAnswer) {
        // Local mode may say why a room it just stopped is gone (documented, local only).
        const reason =
          t.name === "local" && answer.status === 404 && "stoppedReason" in answer.body
            ? { stoppedReason: expect.any(String) }
            : {};
        expect(answer.body).toEqual({
          success: false,
          message: expect.any(String),
          data: [],
          ...reason,
        });
      }
      await apply(t, model, predicted.effect, answer.body);
    }
    expect(statuses[500]).toBeUndefined();
    // The run reached the use cases, not only the input checks.
    for (const status of [200, 400, 403, 404, 405, 409, 503])
      expect(statuses[status]).toBeGreaterThan(3);
    await expectModel(t, model);
  }, 240_000);
});

function resolve(template: RequestTemplate, model: RoomsModel, step: number): OracleRequest {
  const rooms = [...model.rooms.values()];
  const room = rooms.length ? rooms[step % rooms.length] : undefined;
  const other = rooms.length > 1 ? rooms[(step + 1) % rooms.length] : undefined;
  const name = room?.name ?? `Fresh-${step}`;
  const token =
    template.token === "owner"
      ? room?.token
      : template.token === "other"
        ? (other?.token ?? "no-other-room")
        : template.token;
  return {
    method: template.method,
    path: template.path,
    query: template.query.map((part) => part.replace("@room", encodeURIComponent(name))).join("&"),
    // A heartbeat body may name "@room" too: an existing room's name, or a fresh one.
    ...(template.body === undefined
      ? {}
      : { body: template.body.replace('"@room"', JSON.stringify(name)) }),
    ...(token === undefined || token === "" ? {} : { token }),
  };
}

async function apply(
  t: ContractTarget,
  model: RoomsModel,
  effect: { created?: string; stopped?: string } | undefined,
  body: any,
) {
  if (effect?.created !== undefined) {
    model.rooms.set(body.data.name.toLowerCase(), {
      name: body.data.name,
      token: body.data.ownerToken,
    });
  }
  if (effect?.stopped !== undefined) {
    await t.settleStopped(effect.stopped);
    model.rooms.delete(effect.stopped.toLowerCase());
  }
}

async function expectModel(t: ContractTarget, model: RoomsModel) {
  const rows = (await t.rows()).map((r) => r.name.toLowerCase()).sort();
  expect(rows).toEqual([...model.rooms.keys()].sort());
  expect(await t.slotCount()).toBe(model.rooms.size);
  expect(await t.activeServers()).toHaveLength(model.rooms.size);
}
