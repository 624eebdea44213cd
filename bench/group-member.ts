// A minimal classic-protocol consumer group member for the groups benchmark, driven over one raw
// socket with the project's codecs: JoinGroup v9 (with KIP-394's MEMBER_ID_REQUIRED round),
// SyncGroup v5 (the leader computes a range assignment of one topic, as Kafka's RangeAssignor),
// Heartbeat v4 every `heartbeatMs`, LeaveGroup v5. Like a real consumer it learns of a rebalance
// from a heartbeat answered REBALANCE_IN_PROGRESS and then rejoins at once. It fetches nothing:
// "could consume again" is the moment its SyncGroup returns its assignment of the new
// generation. One request at a time per member, as on a consumer's coordinator connection.
//
// This is a load driver, not a client: it has none of a client library's own timers or
// back-offs, so what it measures is the broker's part of a rebalance plus the heartbeat interval.
import { performance } from 'node:perf_hooks';
import { ErrorCodes } from '../src/errors/generated/error-codes.js';
import { Apis, Messages } from '../src/protocol/generated/index.js';
import type { JoinGroupResponseMember } from '../src/protocol/generated/api/join-group.js';
import type { SyncGroupRequestAssignment } from '../src/protocol/generated/api/sync-group.js';
import { Reader, Writer } from '../src/protocol/primitives/index.js';
import { FrameConnection } from './frame-connection.js';

const PROTOCOL_TYPE = 'consumer';
const PROTOCOL_NAME = 'range';
/** A member that keeps meeting new rebalances while joining gives up after this many rounds. */
const MAX_JOIN_ROUNDS = 20;

export interface MemberSettings {
  readonly groupId: string;
  readonly topic: string;
  readonly heartbeatMs: number;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
}

/** ConsumerProtocolSubscription v0 (with its int16 version prefix) for one topic. */
function subscription(topic: string): Buffer {
  const w = new Writer(64);
  w.writeInt16(0);
  Messages.ConsumerProtocolSubscription.encode(w, 0, {
    ...Messages.ConsumerProtocolSubscription.create(),
    topics: [topic],
  });
  return w.toBuffer();
}

function assignment(topic: string, partitions: number[]): Buffer {
  const w = new Writer(64 + partitions.length * 4);
  w.writeInt16(0);
  Messages.ConsumerProtocolAssignment.encode(w, 0, {
    assignedPartitions: [{ topic, partitions }],
    userData: null,
  });
  return w.toBuffer();
}

/** The partitions of `topic` in an assignment (with its version prefix). */
function assignedPartitions(bytes: Buffer, topic: string): number[] {
  if (bytes.length === 0) return [];
  const r = new Reader(bytes);
  const version = r.readInt16();
  const decoded = Messages.ConsumerProtocolAssignment.decode(r, Math.min(version, 3));
  return decoded.assignedPartitions.find((a) => a.topic === topic)?.partitions ?? [];
}

/**
 * Kafka's RangeAssignor for one topic of `partitionCount` partitions: members subscribed to it,
 * sorted by member id, each get a contiguous range, the first `count % members` one more.
 */
export function rangeAssign(
  members: readonly JoinGroupResponseMember[],
  topic: string,
  partitionCount: number,
): SyncGroupRequestAssignment[] {
  const subscribed = members
    .filter((m) => {
      const r = new Reader(m.metadata);
      const version = r.readInt16();
      return Messages.ConsumerProtocolSubscription.decode(r, Math.min(version, 3)).topics.includes(
        topic,
      );
    })
    .map((m) => m.memberId)
    .sort();
  const per = Math.floor(partitionCount / Math.max(1, subscribed.length));
  const extra = partitionCount % Math.max(1, subscribed.length);
  return members.map((m) => {
    const i = subscribed.indexOf(m.memberId);
    const partitions: number[] = [];
    if (i >= 0) {
      const start = per * i + Math.min(i, extra);
      for (let p = start; p < start + per + (i < extra ? 1 : 0); p++) partitions.push(p);
    }
    return { memberId: m.memberId, assignment: assignment(topic, partitions) };
  });
}

export class GroupMember {
  readonly #conn: FrameConnection;
  readonly #settings: MemberSettings;
  readonly #partitionCount: number;
  readonly #metadata: Buffer;
  memberId = '';
  /** Generation of the last completed SyncGroup, -1 before the first. */
  generation = -1;
  /** When (performance.now()) the last SyncGroup completed. */
  syncedAt = 0;
  /** When the last JoinGroup was sent. */
  joinSentAt = 0;
  assigned: number[] = [];
  #failure: Error | null = null;
  #stopped = false;
  #wake: (() => void) | null = null;
  #loop: Promise<void> = Promise.resolve();

  private constructor(conn: FrameConnection, settings: MemberSettings, partitionCount: number) {
    this.#conn = conn;
    this.#settings = settings;
    this.#partitionCount = partitionCount;
    this.#metadata = subscription(settings.topic);
  }

  /** Connects; the member joins when start() is called. */
  static async open(
    port: number,
    settings: MemberSettings,
    partitionCount: number,
  ): Promise<GroupMember> {
    return new GroupMember(await FrameConnection.open(port), settings, partitionCount);
  }

  get failure(): Error | null {
    return this.#failure;
  }

  /** Joins, syncs, then heartbeats and rejoins on every rebalance until leave() or close(). */
  start(): void {
    this.#loop = this.#run().catch((err: unknown) => this.#fail(err as Error));
  }

  /** Stops heartbeating (after the request in flight) and leaves the group with LeaveGroup. */
  async leave(): Promise<void> {
    this.#stop();
    await this.#loop;
    if (this.#failure !== null) throw this.#failure;
    const response = await this.#conn.request(Apis.LeaveGroup, 5, {
      groupId: this.#settings.groupId,
      members: [{ memberId: this.memberId, groupInstanceId: null, reason: null }],
    });
    const code = response.members[0]?.errorCode ?? response.errorCode;
    if (response.errorCode !== 0 || code !== 0) {
      throw new Error(`LeaveGroup of ${this.memberId} failed: error code ${code}`);
    }
  }

  /** Stops, lets the request in flight (a heartbeat) finish for up to a second, and disconnects. */
  async close(): Promise<void> {
    this.#stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#loop,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000))),
    ]);
    clearTimeout(timer);
    this.#conn.close();
  }

  #stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  #fail(err: Error): void {
    if (this.#stopped) return;
    this.#failure = err;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      await this.#joinAndSync();
      while (!this.#stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.#settings.heartbeatMs);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = null;
        if (this.#stopped) return;
        const { errorCode } = await this.#conn.request(Apis.Heartbeat, 4, {
          groupId: this.#settings.groupId,
          generationId: this.generation,
          memberId: this.memberId,
          groupInstanceId: null,
        });
        if (errorCode === ErrorCodes.REBALANCE_IN_PROGRESS.code) break;
        if (errorCode !== 0) throw new Error(`Heartbeat failed: error code ${errorCode}`);
      }
    }
  }

  async #joinAndSync(): Promise<void> {
    const s = this.#settings;
    for (let round = 0; round < MAX_JOIN_ROUNDS && !this.#stopped; round++) {
      this.joinSentAt = performance.now();
      const join = await this.#conn.request(
        Apis.JoinGroup,
        9,
        {
          groupId: s.groupId,
          sessionTimeoutMs: s.sessionTimeoutMs,
          rebalanceTimeoutMs: s.rebalanceTimeoutMs,
          memberId: this.memberId,
          groupInstanceId: null,
          protocolType: PROTOCOL_TYPE,
          protocols: [{ name: PROTOCOL_NAME, metadata: this.#metadata }],
          reason: null,
        },
        s.rebalanceTimeoutMs + 5000,
      );
      this.memberId = join.memberId;
      if (join.errorCode === ErrorCodes.MEMBER_ID_REQUIRED.code) continue;
      if (join.errorCode !== 0) throw new Error(`JoinGroup failed: error code ${join.errorCode}`);
      const assignments =
        join.leader === join.memberId
          ? rangeAssign(join.members, s.topic, this.#partitionCount)
          : [];
      const sync = await this.#conn.request(
        Apis.SyncGroup,
        5,
        {
          groupId: s.groupId,
          generationId: join.generationId,
          memberId: this.memberId,
          groupInstanceId: null,
          protocolType: PROTOCOL_TYPE,
          protocolName: PROTOCOL_NAME,
          assignments,
        },
        s.rebalanceTimeoutMs + 5000,
      );
      if (sync.errorCode === ErrorCodes.REBALANCE_IN_PROGRESS.code) continue;
      if (sync.errorCode !== 0) throw new Error(`SyncGroup failed: error code ${sync.errorCode}`);
      this.assigned = assignedPartitions(sync.assignment, s.topic);
      this.generation = join.generationId;
      this.syncedAt = performance.now();
      return;
    }
    if (!this.#stopped) throw new Error(`No stable generation after ${MAX_JOIN_ROUNDS} joins`);
  }
}
