import type { ContractTarget } from "../target";

/** The facts of a room's running task, as its ECS events carry them. */
export async function taskFactsOf(target: ContractTarget, name: string) {
  const room = (await target.rows()).find((r) => r.name === name);
  const server = (await target.activeServers()).find((s) => s.roomId === room?.roomId);
  if (!server || !room) throw new Error(`${name} has no server`);
  return { taskArn: server.serverId, roomId: room.roomId, roomName: name };
}
