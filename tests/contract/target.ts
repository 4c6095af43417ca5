import type { FleetServer } from "../../handlers/ports";
import type { RoomRecord } from "../../handlers/rooms/room";
import type { RecordedCall } from "../support/aws-call-recorder";

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: any;
}

export interface RequestOptions {
  readonly query?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** The only settings the contract tests rely on; every target is started with these. */
export const CONTRACT_MAX_ROOMS = 5;

/**
 * What users run, behind one interface, so that one set of contract tests runs against each:
 * the use cases in-process, the uploaded Lambda archives, and local mode over real HTTP.
 * Capabilities a target cannot offer are absent, and the tests that need them say so (see the
 * table in docs/room-core.md): local mode has no ECS events to replay and no fault injection.
 */
export interface ContractTarget {
  readonly name: "in-process" | "archives" | "local";
  /** The address a RUNNING room shows: the EC2 public IP, or 127.0.0.1 locally. */
  readonly expectedIp: string;
  request(method: string, path: string, options?: RequestOptions): Promise<Answer>;
  /** Brings a room's server to RUNNING the way its provider does (an ECS event, or a real Godot). */
  bringUp(name: string): Promise<void>;
  /** The ROOM_SECRET a room's server was started with, where the test can read it. */
  serverSecretOf?(name: string): Promise<string>;
  /** Waits for what the provider reports once a stopped server is gone (the STOPPED event). */
  settleStopped(name: string): Promise<void>;
  /** Every room row in the table, and the capacity counter. */
  rows(): Promise<RoomRecord[]>;
  slotCount(): Promise<number>;
  /** Our servers that have not stopped. */
  activeServers(): Promise<FleetServer[]>;
  /** Stops every server and empties the table: each test starts from nothing. */
  reset(): Promise<void>;
  close(): Promise<void>;
  /** ECS task state change events, as EventBridge delivers them to the events function. */
  readonly events?: {
    send(event: unknown): Promise<unknown>;
  };
  /** One run of the reconciler, as the schedule triggers it. */
  reconcile?(): Promise<unknown>;
  /**
   * Writes a row as an earlier create would have left it (for the reconciler's repairs), taking
   * a slot; with `replace`, overwrites an existing row as it is (its slot is already taken).
   */
  seed?(record: RoomRecord, options?: { replace?: boolean }): Promise<void>;
  /** Every AWS call each function made so far, by function name (archives only). */
  awsCalls?(): Record<string, RecordedCall[]>;
  readonly faults?: {
    failNextRunTask(reason: string): void;
    throttleNextRunTask(): void;
    /** The next write of the server's id into a room fails (after RunTask succeeded). */
    failNextServerRecord(): void;
    /** The next attempt to take a capacity slot is throttled by DynamoDB. */
    throttleNextSlot(): void;
  };
}

export type TargetFactory = () => Promise<ContractTarget>;
