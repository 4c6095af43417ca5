import type { Logger } from "../../../handlers/ports";
import { startLocalMode } from "../../../local/local-mode";
import { until } from "../../support/until";
import {
  CONTRACT_MAX_ROOMS,
  type Answer,
  type ContractTarget,
  type RequestOptions,
} from "../target";

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * Target 3: local mode as `npm start` runs it, over real HTTP on 127.0.0.1, with real Godot
 * servers (godot3-server) for rooms that must run.
 */
export async function localTarget(): Promise<ContractTarget> {
  const local = await startLocalMode({
    port: 0,
    maxRooms: CONTRACT_MAX_ROOMS,
    emptyServerTimeoutSeconds: 300,
    reconcileSeconds: 3600,
    log: quiet,
  });
  const store = local.deps.store;
  return {
    name: "local",
    expectedIp: "127.0.0.1",
    async request(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
      // Spaces are sent encoded: a URL parser would trim a trailing one before it left.
      const query = options.query?.replace(/ /g, "%20");
      const url = `${local.url}${path}${query ? `?${query}` : ""}`;
      const response = await fetch(url, {
        method,
        headers: options.headers,
        ...(options.body !== undefined && method !== "GET" && method !== "HEAD"
          ? { body: options.body }
          : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: text === "" ? undefined : JSON.parse(text),
      };
    },
    async bringUp(name: string) {
      await until(async () => {
        const room = await store.get(name);
        return room?.status === "RUNNING" ? room : undefined;
      }, 20_000);
    },
    async settleStopped(name: string) {
      await until(async () => ((await store.get(name)) ? undefined : true), 20_000);
    },
    rows: () => store.scanAll(),
    slotCount: () => store.slotCount(),
    activeServers: () => local.fleet.listActive(),
    async reset() {
      await local.fleet.stopAll();
      await until(async () => ((await store.scanAll()).length === 0 ? true : undefined), 10_000);
      await until(async () => ((await store.slotCount()) === 0 ? true : undefined), 10_000);
    },
    close: () => local.stop(),
  };
}
