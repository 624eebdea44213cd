// Consumer: a Fetcher plus, with a group id, group membership and committed offsets — what
// `samsa consume` and `samsa perf consume` read through.
//
// - Without a group, the consumer assigns itself every partition of its topics (or of the topics
//   its pattern matches, checked again every `metadataMaxAgeMs`) and starts each at
//   auto.offset.reset, or where it was told to (`assign` with offsets). Nothing is committed.
// - With a group, it is a member: the classic protocol by default (JoinGroup/SyncGroup with the
//   range assignor, what every Kafka broker serves), or KIP-848's ConsumerGroupHeartbeat with
//   group.protocol=consumer. Assigned partitions start at the group's committed offsets, else at
//   auto.offset.reset. With enable.auto.commit, positions are committed every
//   auto.commit.interval.ms, before partitions are given up in a rebalance, and on close.
import type { KafkaClient } from './kafka-client.js';
import { ClassicGroupMember } from './classic-member.js';
import { ConsumerGroupMember } from './consumer-member.js';
import { kafkaErrorFor } from './errors.js';
import { Fetcher, type ConsumerRecord, type FetcherOptions } from './fetcher.js';
import { commitOffsets, fetchCommittedOffsets, type CommitIdentity } from './group-offsets.js';
import { tpKey, type TopicPartition } from './list-offsets.js';

export type Subscription =
  | { kind: 'topics'; topics: readonly string[] }
  | { kind: 'pattern'; pattern: RegExp }
  | {
      kind: 'assign';
      partitions: readonly (TopicPartition & { offset: bigint | 'earliest' | 'latest' })[];
    };

export interface ConsumerOptions extends FetcherOptions {
  groupId?: string | null;
  /** group.protocol: classic (default) or consumer (KIP-848). */
  groupProtocol?: 'classic' | 'consumer';
  groupInstanceId?: string | null;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /** group.remote.assignor for group.protocol=consumer. */
  serverAssignor?: string | null;
  enableAutoCommit?: boolean;
  autoCommitIntervalMs?: number;
  /** How often a pattern (or a group's topics) is matched against the cluster again; default 5 s. */
  metadataMaxAgeMs?: number;
  /** allow.auto.create.topics: a subscribed topic that is missing is created when the broker allows. */
  allowAutoTopicCreation?: boolean;
  /** Called after each (re)assignment with the partitions now assigned. */
  onAssigned?: (partitions: readonly TopicPartition[]) => void;
}

const INTERNAL = /^__/;

export class Consumer {
  readonly #client: KafkaClient;
  readonly #subscription: Subscription;
  readonly #fetcher: Fetcher;
  readonly #groupId: string | null;
  readonly #classic: ClassicGroupMember | null = null;
  readonly #kip848: ConsumerGroupMember | null = null;
  readonly #autoCommit: boolean;
  readonly #autoCommitIntervalMs: number;
  readonly #metadataMaxAgeMs: number;
  readonly #autoCreate: boolean;
  readonly #onAssigned: ((partitions: readonly TopicPartition[]) => void) | undefined;
  #topics: string[] = [];
  #topicsCheckedAt = 0;
  #started = false;
  #appliedVersion = -1;
  #lastCommit = Date.now();
  #closed = false;

  constructor(client: KafkaClient, subscription: Subscription, options: ConsumerOptions = {}) {
    this.#client = client;
    this.#subscription = subscription;
    this.#fetcher = new Fetcher(client, options);
    this.#groupId = options.groupId ?? null;
    this.#autoCommit = this.#groupId !== null && options.enableAutoCommit !== false;
    this.#autoCommitIntervalMs = options.autoCommitIntervalMs ?? 5_000;
    this.#metadataMaxAgeMs = options.metadataMaxAgeMs ?? 5_000;
    this.#autoCreate = options.allowAutoTopicCreation !== false;
    this.#onAssigned = options.onAssigned;
    if (this.#groupId !== null) {
      if (subscription.kind === 'assign') {
        throw new Error(
          'A consumer with a group subscribes to topics; it cannot assign partitions',
        );
      }
      if (options.groupProtocol === 'consumer') {
        this.#kip848 = new ConsumerGroupMember(client, {
          groupId: this.#groupId,
          topics: [],
          groupInstanceId: options.groupInstanceId ?? null,
          ...(options.rebalanceTimeoutMs === undefined
            ? {}
            : { rebalanceTimeoutMs: options.rebalanceTimeoutMs }),
          serverAssignor: options.serverAssignor ?? null,
        });
      } else {
        this.#classic = new ClassicGroupMember(client, {
          groupId: this.#groupId,
          groupInstanceId: options.groupInstanceId ?? null,
          ...(options.sessionTimeoutMs === undefined
            ? {}
            : { sessionTimeoutMs: options.sessionTimeoutMs }),
          ...(options.heartbeatIntervalMs === undefined
            ? {}
            : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
          ...(options.rebalanceTimeoutMs === undefined
            ? {}
            : { rebalanceTimeoutMs: options.rebalanceTimeoutMs }),
        });
      }
    }
  }

  /** The group member's id ('' without a group, or before joining). */
  get memberId(): string {
    return this.#classic?.memberId ?? this.#kip848?.memberId ?? '';
  }

  assignment(): TopicPartition[] {
    return this.#fetcher.assignment();
  }

  position(topic: string, partition: number): bigint | null {
    return this.#fetcher.position(topic, partition);
  }

  /** Moves a partition's position (records already returned past it are read again). */
  seek(topic: string, partition: number, offset: bigint): void {
    this.#fetcher.seek(topic, partition, offset);
  }

  /** Joins, rebalances and commits as needed, then fetches once; may return no records. */
  async poll(): Promise<ConsumerRecord[]> {
    if (this.#closed) throw new Error('The consumer is closed');
    if (!this.#started) await this.#start();
    if (Date.now() - this.#topicsCheckedAt >= this.#metadataMaxAgeMs) await this.#checkTopics();
    if (this.#classic !== null && this.#classic.rejoinNeeded) await this.#rejoinClassic();
    if (this.#kip848 !== null) await this.#applyKip848();
    if (this.#autoCommit && Date.now() - this.#lastCommit >= this.#autoCommitIntervalMs) {
      await this.commit().catch(() => undefined);
    }
    return this.#fetcher.poll();
  }

  /** Commits the current positions of the assigned partitions (a group consumer only). */
  async commit(partitions?: readonly TopicPartition[]): Promise<void> {
    const identity = this.#identity();
    if (this.#groupId === null || identity === null) return;
    this.#lastCommit = Date.now();
    const offsets = (partitions ?? this.#fetcher.assignment()).flatMap((p) => {
      const offset = this.#fetcher.position(p.topic, p.partition);
      return offset === null ? [] : [{ ...p, offset }];
    });
    const failed = await commitOffsets(this.#client, this.#groupId, offsets, identity);
    const first = failed.values().next();
    if (!first.done) throw first.value;
  }

  /** Commits (with enable.auto.commit) and leaves the group. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#autoCommit && this.#started) await this.commit().catch(() => undefined);
    } finally {
      this.#classic?.stop();
      await this.#classic?.leave().catch(() => undefined);
      await this.#kip848?.leave().catch(() => undefined);
    }
  }

  #identity(): CommitIdentity | null {
    if (this.#classic !== null) {
      return this.#classic.generationId < 0 ? null : this.#classic.commitIdentity;
    }
    if (this.#kip848 !== null) {
      return this.#kip848.memberEpoch <= 0 ? null : this.#kip848.commitIdentity;
    }
    return null;
  }

  async #start(): Promise<void> {
    this.#started = true;
    const s = this.#subscription;
    if (s.kind === 'assign') {
      const topics = [...new Set(s.partitions.map((p) => p.topic))];
      const metadata = await this.#client.metadata(topics, {
        allowAutoTopicCreation: this.#autoCreate,
      });
      for (const p of s.partitions) {
        const t = metadata.topics.find((x) => x.name === p.topic);
        if (t === undefined || t.errorCode !== 0) {
          throw kafkaErrorFor(t?.errorCode || 3, `Topic '${p.topic}' does not exist`);
        }
        if (!t.partitions.some((x) => x.partitionIndex === p.partition)) {
          throw kafkaErrorFor(
            3,
            `Partition ${p.partition} of topic '${p.topic}' does not exist (it has ${t.partitions.length})`,
          );
        }
      }
      this.#fetcher.assign(s.partitions);
      for (const p of s.partitions) {
        if (typeof p.offset === 'bigint') this.#fetcher.seek(p.topic, p.partition, p.offset);
        else this.#fetcher.seekTo(p.offset, [p]);
      }
      this.#onAssigned?.(this.#fetcher.assignment());
      this.#topicsCheckedAt = Number.POSITIVE_INFINITY;
      return;
    }
    if (s.kind === 'topics') {
      const metadata = await this.#client.metadata(s.topics, {
        allowAutoTopicCreation: this.#autoCreate,
      });
      for (const name of s.topics) {
        const t = metadata.topics.find((x) => x.name === name);
        // LEADER_NOT_AVAILABLE: just auto-created; it will be there by the first fetch.
        if (t === undefined || (t.errorCode !== 0 && t.errorCode !== 5)) {
          throw kafkaErrorFor(t?.errorCode || 3, `Topic '${name}' does not exist`);
        }
      }
    }
    await this.#checkTopics();
    if (this.#kip848 !== null) await this.#kip848.join();
  }

  /** Matches the subscription against the cluster; reassigns (or rejoins) when it changed. */
  async #checkTopics(): Promise<void> {
    const s = this.#subscription;
    this.#topicsCheckedAt = Date.now();
    if (s.kind === 'assign') return;
    const metadata = await this.#client.metadata(s.kind === 'topics' ? s.topics : null);
    const partitions: TopicPartition[] = [];
    const topics: string[] = [];
    for (const t of metadata.topics) {
      if (t.errorCode !== 0 || t.name === null) continue;
      const match =
        s.kind === 'topics'
          ? s.topics.includes(t.name)
          : s.pattern.test(t.name) && !t.isInternal && !INTERNAL.test(t.name);
      if (!match) continue;
      topics.push(t.name);
      for (const p of t.partitions) partitions.push({ topic: t.name, partition: p.partitionIndex });
    }
    topics.sort();
    const changed =
      topics.length !== this.#topics.length || topics.some((t, i) => t !== this.#topics[i]);
    const count = partitions.length;
    const before = this.#partitionCount;
    this.#partitionCount = count;
    this.#topics = topics;
    if (this.#groupId === null) {
      if (changed || count !== before) {
        this.#fetcher.assign(partitions);
        this.#onAssigned?.(this.#fetcher.assignment());
      }
      return;
    }
    if (this.#classic !== null && (changed || (count !== before && before !== -1))) {
      this.#classic.rejoinNeeded = true;
    }
    if (this.#kip848 !== null && changed) this.#kip848.setTopics(topics);
  }

  #partitionCount = -1;

  async #rejoinClassic(): Promise<void> {
    const member = this.#classic!;
    if (this.#autoCommit && member.generationId >= 0) {
      await this.commit().catch(() => undefined);
    }
    const assigned = await member.join(this.#topics);
    this.#fetcher.assign(assigned);
    await this.#startFromCommitted(assigned, member.commitIdentity);
    this.#onAssigned?.(this.#fetcher.assignment());
  }

  async #applyKip848(): Promise<void> {
    const member = this.#kip848!;
    if (member.failure !== null) throw member.failure;
    if (member.assignment === null || member.assignmentVersion === this.#appliedVersion) return;
    this.#appliedVersion = member.assignmentVersion;
    const target = member.assignment;
    const wanted = new Set(target.map((p) => tpKey(p.topic, p.partition)));
    const current = this.#fetcher.assignment();
    const revoked = current.filter((p) => !wanted.has(tpKey(p.topic, p.partition)));
    if (revoked.length > 0 && this.#autoCommit) await this.commit(revoked).catch(() => undefined);
    const had = new Set(current.map((p) => tpKey(p.topic, p.partition)));
    const added = target.filter((p) => !had.has(tpKey(p.topic, p.partition)));
    this.#fetcher.assign(target);
    await this.#startFromCommitted(added, member.commitIdentity);
    this.#onAssigned?.(this.#fetcher.assignment());
    await member.acknowledge(target);
  }

  async #startFromCommitted(
    partitions: readonly TopicPartition[],
    identity: CommitIdentity,
  ): Promise<void> {
    if (partitions.length === 0 || this.#groupId === null) return;
    const committed = await fetchCommittedOffsets(this.#client, this.#groupId, partitions, {
      requireStable: true,
      ...(this.#kip848 !== null
        ? { memberId: identity.memberId, memberEpoch: identity.generationIdOrMemberEpoch }
        : {}),
    });
    for (const p of partitions) {
      const c = committed.get(tpKey(p.topic, p.partition));
      if (c !== undefined) this.#fetcher.seek(p.topic, p.partition, c.offset);
    }
  }
}
