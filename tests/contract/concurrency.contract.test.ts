import { AT_CAPACITY_MESSAGE } from "../../handlers/rooms/errors";
import { CONTRACT_MAX_ROOMS } from "./target";
import { TARGETS, useTarget } from "./targets";

describe.each(TARGETS)("concurrency on %s", (_name, start) => {
  const target = useTarget(start);
  const create = (query: string) => target().request("POST", "/create_server", { query });

  test("16 parallel creates of one name: exactly one room and one server", async () => {
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => create(`server=${i % 2 ? "Race" : "race"}`)),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(15);
    expect(await target().rows()).toHaveLength(1);
    expect(await target().activeServers()).toHaveLength(1);
    expect(await target().slotCount()).toBe(1);
  });

  test("12 parallel creates of different names: exactly the cap succeeds, the rest are 503", async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => create(`server=Parallel-${i}`)),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(CONTRACT_MAX_ROOMS);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused).toHaveLength(12 - CONTRACT_MAX_ROOMS);
    for (const answer of refused) {
      expect(answer).toMatchObject({
        status: 503,
        body: { success: false, message: AT_CAPACITY_MESSAGE },
      });
    }
    expect(await target().rows()).toHaveLength(CONTRACT_MAX_ROOMS);
    expect(await target().activeServers()).toHaveLength(CONTRACT_MAX_ROOMS);
    expect(await target().slotCount()).toBe(CONTRACT_MAX_ROOMS);
  });
});
