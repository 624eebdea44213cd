// A member of a KIP-848 consumer group (group.protocol=consumer): one request,
// ConsumerGroupHeartbeat, joins (epoch 0), keeps the membership alive, reports the partitions the
// member owns and receives its assignment, which the broker computes (its uniform or range
// assignor); epoch -1 leaves. Rebalances are incremental: the broker revokes partitions first and
// hands them to their next owner only after the old owner's heartbeat no longer lists them.
//
// The consumer drives it: `assignment` is the broker's latest target for this member (topic ids
// resolved to names); after moving to it — committing and dropping revoked partitions, fetching
// added ones — the consumer calls `acknowledge(owned)`, which heartbeats at once so the broker
// learns of it without waiting for the interval. The member id is generated here (a random Kafka
// uuid), which both v0 and v1 of the API accept.
import { randomBytes } from 'node:crypto';
import { Apis } from '../../protocol/generated/index.js';
import type { ConsumerGroupHeartbeatResponse } from '../../protocol/generated/api/consumer-group-heartbeat.js';
import { kafkaErrorFor } from './errors.js';
import type { CommitIdentity } from './group-offsets.js';
import type { KafkaClient } from './kafka-client.js';
import { tpKey, type TopicPartition } from './list-offsets.js';

export interface ConsumerMemberOptions {
  groupId: string;
  /** Topic names (a pattern is resolved to names by the consumer, as v0 of the API needs). */
  topics: readonly string[];
  groupInstanceId?: string | null;
  rebalanceTimeoutMs?: number;
  /** group.remote.assignor; null lets the broker choose. */
  serverAssignor?: string | null;
}

const ERR = {
  UNKNOWN_MEMBER_ID: 25,
  FENCED_MEMBER_EPOCH: 110,
  UNRELEASED_INSTANCE_ID: 111,
} as const;

/** Kafka's Uuid.randomUuid().toString(): 16 random bytes in base64url, no padding. */
export function randomKafkaUuid(): string {
  return randomBytes(16).toString('base64url');
}

export class ConsumerGroupMember {
  readonly groupId: string;
  readonly #client: KafkaClient;
  readonly #options: ConsumerMemberOptions;
  #memberId = randomKafkaUuid();
  #memberEpoch = 0;
  #intervalMs = 5_000;
  #timer: NodeJS.Timeout | null = null;
  #inFlight: Promise<void> | null = null;
  #owned: TopicPartition[] = [];
  #ownedChanged = true;
  #topics: string[];
  #topicsChanged = true;
  /** topic id → name, from Metadata. */
  #names = new Map<string, string>();
  #failure: Error | null = null;
  /** The broker's latest assignment for this member, names resolved; null until one arrives. */
  assignment: TopicPartition[] | null = null;
  /** Bumped on each new assignment, so the consumer can tell it has not applied it yet. */
  assignmentVersion = 0;

  constructor(client: KafkaClient, options: ConsumerMemberOptions) {
    this.#client = client;
    this.groupId = options.groupId;
    this.#options = options;
    this.#topics = [...options.topics];
  }

  /** Changes the subscription; the next heartbeat carries it. */
  setTopics(topics: readonly string[]): void {
    this.#topics = [...topics];
    this.#topicsChanged = true;
  }

  get memberId(): string {
    return this.#memberId;
  }

  get memberEpoch(): number {
    return this.#memberEpoch;
  }

  get commitIdentity(): CommitIdentity {
    return {
      generationIdOrMemberEpoch: this.#memberEpoch,
      memberId: this.#memberId,
      groupInstanceId: this.#options.groupInstanceId ?? null,
    };
  }

  /** A fatal heartbeat error, surfaced to the consumer's next poll. */
  get failure(): Error | null {
    return this.#failure;
  }

  /** Joins the group and starts heartbeating. */
  async join(): Promise<void> {
    await this.#beat();
    this.#schedule();
  }

  /** Reports the partitions the member now owns, heartbeating at once. */
  async acknowledge(owned: readonly TopicPartition[]): Promise<void> {
    this.#owned = [...owned];
    this.#ownedChanged = true;
    await this.#beat();
    this.#schedule();
  }

  async leave(): Promise<void> {
    this.#stop();
    await this.#inFlight?.catch(() => undefined);
    if (this.#memberEpoch <= 0) return;
    const epoch = this.#options.groupInstanceId ? -2 : -1;
    await this.#client.withCoordinator('group', this.groupId, async (conn) => {
      const response = await conn.send(Apis.ConsumerGroupHeartbeat, {
        groupId: this.groupId,
        memberId: this.#memberId,
        memberEpoch: epoch,
        instanceId: this.#options.groupInstanceId ?? null,
        rackId: null,
        rebalanceTimeoutMs: -1,
        subscribedTopicNames: null,
        subscribedTopicRegex: null,
        serverAssignor: null,
        topicPartitions: null,
      });
      if (isCoordinatorError(response.errorCode)) throw kafkaErrorFor(response.errorCode);
    });
  }

  #stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    this.#stop();
    this.#timer = setTimeout(() => {
      this.#beat().then(
        () => this.#schedule(),
        () => this.#schedule(),
      );
    }, this.#intervalMs);
  }

  /** One heartbeat (waiting for one already in flight first, so they never overlap). */
  async #beat(): Promise<void> {
    while (this.#inFlight !== null) await this.#inFlight.catch(() => undefined);
    this.#inFlight = this.#send().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #send(): Promise<void> {
    const joining = this.#memberEpoch === 0;
    const full = joining || this.#ownedChanged;
    const sendTopics = joining || this.#topicsChanged;
    const response: ConsumerGroupHeartbeatResponse = await this.#client.withCoordinator(
      'group',
      this.groupId,
      async (conn) => {
        const r = await conn.send(Apis.ConsumerGroupHeartbeat, {
          groupId: this.groupId,
          memberId: this.#memberId,
          memberEpoch: this.#memberEpoch,
          instanceId: this.#options.groupInstanceId ?? null,
          rackId: null,
          rebalanceTimeoutMs: joining ? (this.#options.rebalanceTimeoutMs ?? 300_000) : -1,
          subscribedTopicNames: sendTopics ? [...this.#topics] : null,
          subscribedTopicRegex: null,
          serverAssignor: joining ? (this.#options.serverAssignor ?? null) : null,
          topicPartitions: joining ? [] : full ? await this.#ownedByTopicId() : null,
        });
        if (isCoordinatorError(r.errorCode)) throw kafkaErrorFor(r.errorCode, r.errorMessage);
        return r;
      },
    );
    if (
      response.errorCode === ERR.FENCED_MEMBER_EPOCH ||
      response.errorCode === ERR.UNKNOWN_MEMBER_ID
    ) {
      // Fenced: everything owned is lost; join again from epoch 0.
      this.#memberEpoch = 0;
      this.#owned = [];
      this.assignment = [];
      this.assignmentVersion++;
      return;
    }
    if (response.errorCode !== 0) {
      const err = kafkaErrorFor(response.errorCode, response.errorMessage);
      if (!err.retriable) this.#failure = err;
      throw err;
    }
    if (full) this.#ownedChanged = false;
    if (sendTopics) this.#topicsChanged = false;
    if (response.memberId !== null && response.memberId !== '') this.#memberId = response.memberId;
    this.#memberEpoch = response.memberEpoch;
    if (response.heartbeatIntervalMs > 0) this.#intervalMs = response.heartbeatIntervalMs;
    if (response.assignment !== null) {
      const partitions: TopicPartition[] = [];
      for (const tp of response.assignment.topicPartitions) {
        const name = await this.#nameOf(tp.topicId);
        if (name === undefined) continue;
        for (const partition of tp.partitions) partitions.push({ topic: name, partition });
      }
      partitions.sort((a, b) =>
        a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
      );
      this.assignment = partitions;
      this.assignmentVersion++;
    }
  }

  async #nameOf(topicId: string): Promise<string | undefined> {
    if (!this.#names.has(topicId)) await this.#refreshNames();
    return this.#names.get(topicId);
  }

  async #refreshNames(): Promise<void> {
    const metadata = await this.#client.metadata(null);
    for (const t of metadata.topics) if (t.name !== null) this.#names.set(t.topicId, t.name);
  }

  async #ownedByTopicId(): Promise<{ topicId: string; partitions: number[] }[]> {
    const ids = new Map<string, string>();
    for (const [id, name] of this.#names) ids.set(name, id);
    if (this.#owned.some((p) => !ids.has(p.topic))) {
      await this.#refreshNames();
      for (const [id, name] of this.#names) ids.set(name, id);
    }
    const byTopic = new Map<string, number[]>();
    const seen = new Set<string>();
    for (const p of this.#owned) {
      const id = ids.get(p.topic);
      if (id === undefined || seen.has(tpKey(p.topic, p.partition))) continue;
      seen.add(tpKey(p.topic, p.partition));
      byTopic.set(id, [...(byTopic.get(id) ?? []), p.partition]);
    }
    return [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions }));
  }
}

function isCoordinatorError(code: number): boolean {
  return code === 16 || code === 15 || code === 14;
}
