import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Seat, SeatStore } from "../ports";
import { conditionally } from "./dynamodb-room-writes";
import { fromItem, roomKey } from "./room-items";
import { runningQuery } from "./running-query";
import { awsRequest } from "./transient-errors";

/** A seat's attribute: one per seat of the room, `seat_<slot>` = {id, e} (e: epoch seconds). */
const SEAT_ATTRIBUTE = /^seat_(\d+)$/;
const seatAttribute = (slot: number) => `seat_${slot}`;
/** A seat in use never expires (year 2286): only its release frees it. */
export const SEAT_IN_USE = 9_999_999_999;

/**
 * Seats over the rooms table: each seat of a room is one attribute of its row, so a join takes
 * one seat with one conditional write on that attribute alone (free: absent, or its reservation
 * expired by now). Parallel joins never take the same seat, and never more seats than exist.
 */
export class DynamoDbSeats implements SeatStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(name: string) {
    const { Item } = await awsRequest(
      this.db.send(
        new GetCommand({ TableName: this.tableName, Key: roomKey(name), ConsistentRead: true }),
      ),
    );
    if (!Item) return undefined;
    const seats: Seat[] = [];
    for (const [attribute, value] of Object.entries(Item)) {
      const slot = SEAT_ATTRIBUTE.exec(attribute)?.[1];
      if (slot === undefined || typeof value !== "object" || value === null) continue;
      const { id, e } = value as { id?: unknown; e?: unknown };
      if (typeof id === "string" && typeof e === "number")
        seats.push({
          slot: Number(slot),
          id,
          expiresAt: e,
          ...(e >= SEAT_IN_USE ? { inUse: true } : {}),
        });
    }
    return { record: fromItem(Item), seats };
  }

  /** One page of the listing's index, without cursors: quick play looks at the first rooms. */
  async running(version: string | undefined, limit: number) {
    const { input } = runningQuery(this.tableName, version, limit);
    const result = await awsRequest(this.db.send(new QueryCommand(input)));
    return (result.Items ?? []).map(fromItem);
  }

  markUsed(name: string, seatId: string): Promise<boolean> {
    return this.onSeat(name, seatId, "SET #seat.e = :forever", { ":forever": SEAT_IN_USE });
  }

  release(name: string, seatId: string): Promise<boolean> {
    return this.onSeat(name, seatId, "REMOVE #seat", {});
  }

  /** A write to the seat a ticket named, if it is still that ticket's (its id). */
  private onSeat(name: string, seatId: string, update: string, values: Record<string, unknown>) {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: roomKey(name),
          UpdateExpression: update,
          ConditionExpression: "#seat.id = :id",
          ExpressionAttributeNames: { "#seat": seatAttribute(Number(seatId.split(".")[0])) },
          ExpressionAttributeValues: { ":id": seatId, ...values },
        }),
      ),
    );
  }

  take(name: string, roomId: string, seat: Seat, now: number): Promise<boolean> {
    const attribute = seatAttribute(seat.slot);
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: roomKey(name),
          UpdateExpression: "SET #seat = :seat",
          ConditionExpression:
            "roomId = :rid AND #status = :running AND (attribute_not_exists(#seat) OR #seat.e <= :now) AND (attribute_not_exists(players) OR players < maxPlayers)",
          ExpressionAttributeNames: { "#seat": attribute, "#status": "status" },
          ExpressionAttributeValues: {
            ":seat": { id: seat.id, e: seat.expiresAt },
            ":rid": roomId,
            ":running": "RUNNING",
            ":now": now,
          },
        }),
      ),
    );
  }
}
