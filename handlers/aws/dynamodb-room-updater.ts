import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { RoomStateUpdate, RoomUpdater } from "../ports";
import type { RoomRecord } from "../rooms/room";
import { conditionally } from "./dynamodb-room-writes";
import { roomKey, runningKeys } from "./room-items";

/**
 * The writes of a room's state: ECS task state changes and server heartbeats. Kept apart from the
 * room store so that the other functions' archives do not carry them (an archive holds every
 * method of each class it uses, and the create function must stay within its size budget).
 */
export class DynamoDbRoomUpdater implements RoomUpdater {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  applyState(name: string, roomId: string, update: RoomStateUpdate): Promise<boolean> {
    const values: Record<string, unknown> = {
      ":rid": roomId,
      ":sid": update.serverId,
      ":v": update.eventVersion,
      ":status": update.status,
      ":updatedAt": update.updatedAt,
      ":expiresAt": update.expiresAt,
    };
    const set = [
      "#status = :status",
      "serverId = :sid",
      "eventVersion = :v",
      "updatedAt = :updatedAt",
      "expiresAt = :expiresAt",
    ];
    let remove = ["ip", "runningKey", "runningVersion"];
    if (update.ip !== undefined) {
      // A heartbeat room's task may run before its server is ready: keep the address, unlisted.
      Object.assign(values, { ":ip": update.ip, ":port": update.port });
      set.push("ip = :ip", "port = :port");
      remove = ["runningKey", "runningVersion"];
    }
    if (update.status === "RUNNING") {
      const keys = runningKeys(update.version, update.warm);
      values[":runningKey"] = keys.runningKey;
      set.push("runningKey = :runningKey");
      remove = ["runningVersion"];
      if (keys.runningVersion) {
        values[":runningVersion"] = keys.runningVersion;
        set.push("runningVersion = :runningVersion");
        remove = [];
      }
    }
    if (update.taskRunning) {
      Object.assign(values, { ":true": true, ":taskRunningAt": update.taskRunningAt });
      set.push(
        "taskRunning = :true",
        "taskRunningAt = if_not_exists(taskRunningAt, :taskRunningAt)",
      );
    }
    const condition = [
      "roomId = :rid",
      "(attribute_not_exists(serverId) OR serverId = :sid)",
      "(attribute_not_exists(eventVersion) OR eventVersion < :v)",
    ];
    if (update.status !== "STOPPING") {
      condition.push("#status <> :stopping");
      values[":stopping"] = "STOPPING";
    }
    if (update.readySeen !== undefined) {
      condition.push(update.readySeen ? "ready = :readySeen" : "attribute_not_exists(ready)");
      if (update.readySeen) values[":readySeen"] = true;
    }
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: roomKey(name),
          UpdateExpression: `SET ${set.join(", ")}${remove.length ? ` REMOVE ${remove.join(", ")}` : ""}`,
          ConditionExpression: condition.join(" AND "),
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  update(
    name: string,
    change: { set: Partial<RoomRecord>; remove?: ReadonlyArray<keyof RoomRecord> },
    expected: Partial<Record<keyof RoomRecord, unknown>>,
  ): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const set: string[] = [];
    const remove: string[] = (change.remove ?? []).map((field) => `#${field}`);
    for (const field of change.remove ?? []) names[`#${field}`] = field;
    for (const [field, value] of Object.entries(change.set)) {
      names[`#${field}`] = field;
      values[`:set_${field}`] = value;
      set.push(`#${field} = :set_${field}`);
    }
    const status = change.set.status;
    if (status === "RUNNING") {
      const version = (change.set.version ?? expected.version) as string | undefined;
      const warm = (change.set.warm ?? expected.warm) as boolean | undefined;
      for (const [key, value] of Object.entries(runningKeys(version, warm))) {
        values[`:${key}`] = value;
        set.push(`${key} = :${key}`);
      }
    } else if (status !== undefined) {
      remove.push("runningKey", "runningVersion");
    }
    const condition = ["attribute_exists(pk)"];
    for (const [field, value] of Object.entries(expected)) {
      names[`#${field}`] = field;
      if (value === undefined) condition.push(`attribute_not_exists(#${field})`);
      else {
        values[`:was_${field}`] = value;
        condition.push(`#${field} = :was_${field}`);
      }
    }
    const clauses = [
      set.length ? `SET ${set.join(", ")}` : "",
      remove.length ? `REMOVE ${remove.join(", ")}` : "",
    ];
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: roomKey(name),
          UpdateExpression: clauses.filter(Boolean).join(" "),
          ConditionExpression: condition.join(" AND "),
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      ),
    );
  }
}
