// A member of a classic consumer group (KIP-62 era protocol, what every Kafka 2.x-4.x broker
// serves): JoinGroup → (the leader runs the range assignor) → SyncGroup → Heartbeat every
// heartbeat.interval.ms → LeaveGroup. Partitions are assigned eagerly: a rebalance revokes
// everything, the member commits, rejoins and gets its new assignment.
//
// - JoinGroup v4+ answers a new member MEMBER_ID_REQUIRED with its id; the member joins again
//   with it (KIP-394). UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION start over with no id.
// - Heartbeats run on a timer, independent of fetching. REBALANCE_IN_PROGRESS (or a fenced
//   generation) sets `rejoinNeeded`; the consumer notices it on its next poll.
// - Coordinator moves (NOT_COORDINATOR …) are retried by KafkaClient.withCoordinator.
import { Apis } from '../../protocol/generated/index.js';
import type { KafkaClient } from './kafka-client.js';
import { kafkaErrorFor } from './errors.js';
import type { CommitIdentity } from './group-offsets.js';
import type { TopicPartition } from './list-offsets.js';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  rangeAssign,
} from './range-assignor.js';

export interface ClassicMemberOptions {
  groupId: string;
  groupInstanceId?: string | null;
  /** session.timeout.ms; default 45 s. */
  sessionTimeoutMs?: number;
  /** max.poll.interval.ms, the rebalance timeout; default 300 s. */
  rebalanceTimeoutMs?: number;
  /** heartbeat.interval.ms; default 3 s. */
  heartbeatIntervalMs?: number;
}

const ERR = {
  UNKNOWN_MEMBER_ID: 25,
  ILLEGAL_GENERATION: 22,
  REBALANCE_IN_PROGRESS: 27,
  MEMBER_ID_REQUIRED: 79,
  FENCED_INSTANCE_ID: 82,
} as const;
const PROTOCOL = 'range';

export class ClassicGroupMember {
  readonly groupId: string;
  readonly #client: KafkaClient;
  readonly #groupInstanceId: string | null;
  readonly #sessionTimeoutMs: number;
  readonly #rebalanceTimeoutMs: number;
  readonly #heartbeatIntervalMs: number;
  #memberId = '';
  #generationId = -1;
  #timer: NodeJS.Timeout | null = null;
  #heartbeating = false;
  /** Set by a heartbeat that learns of a rebalance; join() clears it. */
  rejoinNeeded = true;

  constructor(client: KafkaClient, options: ClassicMemberOptions) {
    this.#client = client;
    this.groupId = options.groupId;
    this.#groupInstanceId = options.groupInstanceId ?? null;
    this.#sessionTimeoutMs = options.sessionTimeoutMs ?? 45_000;
    this.#rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? 300_000;
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3_000;
  }

  get memberId(): string {
    return this.#memberId;
  }

  get generationId(): number {
    return this.#generationId;
  }

  /** The identity an OffsetCommit of this member carries. */
  get commitIdentity(): CommitIdentity {
    return {
      generationIdOrMemberEpoch: this.#generationId,
      memberId: this.#memberId,
      groupInstanceId: this.#groupInstanceId,
    };
  }

  /** Joins (or rejoins) the group subscribed to `topics`; resolves with this member's partitions. */
  async join(
    topics: readonly string[],
    owned: readonly TopicPartition[] = [],
  ): Promise<TopicPartition[]> {
    this.#stopHeartbeats();
    for (;;) {
      const join = await this.#client.withCoordinator('group', this.groupId, (conn) =>
        conn
          .send(
            Apis.JoinGroup,
            {
              groupId: this.groupId,
              sessionTimeoutMs: this.#sessionTimeoutMs,
              rebalanceTimeoutMs: this.#rebalanceTimeoutMs,
              memberId: this.#memberId,
              groupInstanceId: this.#groupInstanceId,
              protocolType: 'consumer',
              protocols: [{ name: PROTOCOL, metadata: encodeSubscription(topics, owned) }],
              reason: null,
            },
            { timeoutMs: this.#rebalanceTimeoutMs + 5_000 },
          )
          .then((response) => {
            if (isCoordinatorError(response.errorCode)) throw kafkaErrorFor(response.errorCode);
            return response;
          }),
      );
      if (join.errorCode === ERR.MEMBER_ID_REQUIRED) {
        this.#memberId = join.memberId;
        continue;
      }
      if (join.errorCode === ERR.UNKNOWN_MEMBER_ID || join.errorCode === ERR.ILLEGAL_GENERATION) {
        this.#memberId = '';
        continue;
      }
      if (join.errorCode === ERR.REBALANCE_IN_PROGRESS) continue;
      if (join.errorCode !== 0) throw kafkaErrorFor(join.errorCode);
      this.#memberId = join.memberId;
      this.#generationId = join.generationId;
      let assignments: { memberId: string; assignment: Buffer }[] = [];
      if (join.leader === join.memberId && !join.skipAssignment) {
        assignments = await this.#assign(join.members);
      }
      const sync = await this.#client.withCoordinator('group', this.groupId, (conn) =>
        conn
          .send(
            Apis.SyncGroup,
            {
              groupId: this.groupId,
              generationId: this.#generationId,
              memberId: this.#memberId,
              groupInstanceId: this.#groupInstanceId,
              protocolType: 'consumer',
              protocolName: join.protocolName ?? PROTOCOL,
              assignments,
            },
            { timeoutMs: this.#rebalanceTimeoutMs + 5_000 },
          )
          .then((response) => {
            if (isCoordinatorError(response.errorCode)) throw kafkaErrorFor(response.errorCode);
            return response;
          }),
      );
      if (sync.errorCode === ERR.REBALANCE_IN_PROGRESS) continue;
      if (sync.errorCode === ERR.UNKNOWN_MEMBER_ID || sync.errorCode === ERR.ILLEGAL_GENERATION) {
        this.#memberId = '';
        continue;
      }
      if (sync.errorCode !== 0) throw kafkaErrorFor(sync.errorCode);
      this.rejoinNeeded = false;
      this.#startHeartbeats();
      return decodeAssignment(sync.assignment);
    }
  }

  /** The leader's job: the range assignment of every member's subscription. */
  async #assign(
    members: readonly { memberId: string; groupInstanceId: string | null; metadata: Buffer }[],
  ): Promise<{ memberId: string; assignment: Buffer }[]> {
    const subscriptions = members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      topics: decodeSubscription(m.metadata),
    }));
    const topics = [...new Set(subscriptions.flatMap((s) => s.topics))];
    const metadata = await this.#client.metadata(topics);
    const counts = new Map<string, number>();
    for (const t of metadata.topics) {
      if (t.errorCode === 0 && t.name !== null) counts.set(t.name, t.partitions.length);
    }
    const plan = rangeAssign(subscriptions, counts);
    return [...plan].map(([memberId, partitions]) => ({
      memberId,
      assignment: encodeAssignment(partitions),
    }));
  }

  #startHeartbeats(): void {
    this.#stopHeartbeats();
    this.#timer = setInterval(() => void this.#heartbeat(), this.#heartbeatIntervalMs);
  }

  #stopHeartbeats(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #heartbeat(): Promise<void> {
    if (this.#heartbeating || this.rejoinNeeded) return;
    this.#heartbeating = true;
    try {
      const response = await this.#client.withCoordinator('group', this.groupId, (conn) =>
        conn
          .send(Apis.Heartbeat, {
            groupId: this.groupId,
            generationId: this.#generationId,
            memberId: this.#memberId,
            groupInstanceId: this.#groupInstanceId,
          })
          .then((r) => {
            if (isCoordinatorError(r.errorCode)) throw kafkaErrorFor(r.errorCode);
            return r;
          }),
      );
      switch (response.errorCode) {
        case 0:
          break;
        case ERR.UNKNOWN_MEMBER_ID:
        case ERR.FENCED_INSTANCE_ID:
          this.#memberId = '';
          this.rejoinNeeded = true;
          break;
        default:
          // REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, …: join again.
          this.rejoinNeeded = true;
      }
    } catch {
      // A heartbeat that cannot reach the coordinator is retried on the next tick; the session
      // timeout decides whether the member is still in the group.
    } finally {
      this.#heartbeating = false;
    }
  }

  /** Leaves the group (a static member stays, as Kafka's consumer does on close). */
  async leave(): Promise<void> {
    this.#stopHeartbeats();
    if (this.#memberId === '' || this.#groupInstanceId !== null) return;
    const memberId = this.#memberId;
    this.#memberId = '';
    this.#generationId = -1;
    await this.#client.withCoordinator('group', this.groupId, async (conn) => {
      const version = conn.versionFor(Apis.LeaveGroup);
      const response = await conn.send(
        Apis.LeaveGroup,
        version >= 3
          ? {
              groupId: this.groupId,
              members: [
                { memberId, groupInstanceId: null, reason: 'the consumer is being closed' },
              ],
            }
          : { groupId: this.groupId, memberId },
        { version },
      );
      if (isCoordinatorError(response.errorCode)) throw kafkaErrorFor(response.errorCode);
    });
  }

  /** Stops heartbeating without leaving (the session times out on the broker). */
  stop(): void {
    this.#stopHeartbeats();
  }
}

function isCoordinatorError(code: number): boolean {
  // NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS
  return code === 16 || code === 15 || code === 14;
}
