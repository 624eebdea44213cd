// OffsetCommit, TxnOffsetCommit, OffsetFetch and OffsetDelete for one shard, Kafka's
// OffsetMetadataManager.
// Who may commit to a classic group: see ClassicGroup.validateOffsetCommit — a member of the
// current generation, or generation -1 while the group is Empty. Generation -1 to an unknown group
// creates a "simple" group that only commits offsets. Each committed partition becomes one
// OffsetCommit record; v1's commit timestamp and v2-4's retention time are honoured.
// TxnOffsetCommit writes the same records in a transactional batch; they stay pending
// (PendingTransactionalOffsets) until the transaction's marker reaches the partition.

import { ErrorCodes } from '../../errors/generated/error-codes.js';
import type {
  OffsetCommitRequest,
  OffsetCommitResponse,
} from '../../protocol/generated/api/offset-commit.js';
import type {
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponsePartitions,
} from '../../protocol/generated/api/offset-fetch.js';
import type {
  OffsetDeleteRequest,
  OffsetDeleteResponse,
} from '../../protocol/generated/api/offset-delete.js';
import type {
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
} from '../../protocol/generated/api/txn-offset-commit.js';
import type { OffsetCommitKey } from '../../protocol/generated/group-coordinator/offset-commit-key.js';
import type { OffsetCommitValue } from '../../protocol/generated/group-coordinator/offset-commit-value.js';
import type { CoordinatorRecord } from './records.js';
import { offsetCommitRecord } from './records.js';
import { ConsumerGroup } from './consumer-group.js';
import {
  offsetFromRecordValue,
  offsetToRecordValue,
  type OffsetAndMetadata,
} from './offset-store.js';
import type {
  CoordinatorResult,
  GroupCoordinatorShard,
  RequestContext,
} from './group-coordinator-shard.js';

const E = ErrorCodes;

export class OffsetManager {
  readonly #shard: GroupCoordinatorShard;
  readonly #clock: () => number;

  constructor(shard: GroupCoordinatorShard, clock: () => number) {
    this.#shard = shard;
    this.#clock = clock;
  }

  /** Kafka's OffsetMetadataManager.validateOffsetCommit. */
  #validateCommit(
    req: Pick<
      OffsetCommitRequest,
      'groupId' | 'memberId' | 'groupInstanceId' | 'generationIdOrMemberEpoch'
    >,
    ctx: RequestContext,
    isTransactional = false,
  ): number {
    const group = this.#shard.groups.get(req.groupId);
    if (group === undefined) {
      // Generation -1 comes from the admin client or a consumer without group management: the
      // commit creates a simple group, whatever member id it names.
      if (req.generationIdOrMemberEpoch < 0) return E.NONE.code;
      // v9+ answers GROUP_ID_NOT_FOUND (right for both protocols); older versions keep
      // ILLEGAL_GENERATION for compatibility.
      return ctx.apiVersion >= 9 ? E.GROUP_ID_NOT_FOUND.code : E.ILLEGAL_GENERATION.code;
    }
    if (group instanceof ConsumerGroup) {
      // KIP-848 members commit with their member epoch: STALE_MEMBER_EPOCH when it differs.
      return group.validateOffsetCommit(
        req.memberId,
        req.generationIdOrMemberEpoch,
        ctx.apiVersion,
        isTransactional,
      );
    }
    return group.validateOffsetCommit(
      req.memberId,
      req.groupInstanceId,
      req.generationIdOrMemberEpoch,
      isTransactional,
    );
  }

  offsetCommit(
    req: OffsetCommitRequest,
    ctx: RequestContext,
  ): CoordinatorResult<OffsetCommitResponse> {
    const records: CoordinatorRecord[] = [];
    const error = req.groupId === '' ? E.INVALID_GROUP_ID.code : this.#validateCommit(req, ctx);
    const now = BigInt(this.#clock());
    if (error === E.NONE.code) {
      this.#shard.getOrCreateGroup(req.groupId);
      this.#shard.classicOffsetCommitted(req.groupId, req.memberId);
    }
    // OffsetCommit v2-4 may ask for a retention of their own (-1: the broker's).
    const expireTimestamp = req.retentionTimeMs === -1n ? -1n : now + req.retentionTimeMs;
    const topics = this.#commitEach(
      req.groupId,
      req.topics,
      error,
      records,
      (p) => ({
        committedOffset: p.committedOffset,
        committedLeaderEpoch: p.committedLeaderEpoch,
        metadata: p.committedMetadata ?? '',
        // v1 may name the commit time; later versions leave it -1.
        commitTimestamp: p.commitTimestamp === -1n ? now : p.commitTimestamp,
        expireTimestamp,
      }),
      (topic, partition, offset) => {
        this.#shard.offsets.set(req.groupId, topic, partition, offset);
        this.#shard.pendingOffsets.supersede(req.groupId, topic, partition);
      },
    );
    return { response: { throttleTimeMs: 0, topics }, records };
  }

  /**
   * The per-partition part of both commit APIs: the metadata size check, the record, and
   * `store` for each partition that may commit; returns each partition's error.
   */
  #commitEach<P extends { partitionIndex: number; committedMetadata: string | null }>(
    groupId: string,
    topics: readonly { name: string; partitions: readonly P[] }[],
    error: number,
    records: CoordinatorRecord[],
    offsetOf: (p: P) => OffsetAndMetadata,
    store: (topic: string, partition: number, offset: OffsetAndMetadata) => void,
  ): { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] {
    return topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode = error;
        if (
          errorCode === E.NONE.code &&
          Buffer.byteLength(p.committedMetadata ?? '') > this.#shard.config.offsetMetadataMaxBytes
        ) {
          errorCode = E.OFFSET_METADATA_TOO_LARGE.code;
        }
        if (errorCode === E.NONE.code) {
          const offset = offsetOf(p);
          store(t.name, p.partitionIndex, offset);
          records.push(
            offsetCommitRecord(
              { group: groupId, topic: t.name, partition: p.partitionIndex },
              offsetToRecordValue(offset),
            ),
          );
        }
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    }));
  }

  /**
   * TxnOffsetCommit: validated like OffsetCommit (v3+ name the member and generation; older
   * versions commit as a simple group), recorded in a transactional batch of the producer, and
   * pending until the transaction ends. The caller writes `records` with `transaction`.
   */
  txnOffsetCommit(
    req: TxnOffsetCommitRequest,
    ctx: RequestContext,
  ): CoordinatorResult<TxnOffsetCommitResponse> & {
    transaction: { producerId: bigint; producerEpoch: number };
  } {
    const records: CoordinatorRecord[] = [];
    const error =
      req.groupId === ''
        ? E.INVALID_GROUP_ID.code
        : this.#validateCommit(
            {
              groupId: req.groupId,
              memberId: req.memberId,
              groupInstanceId: req.groupInstanceId,
              generationIdOrMemberEpoch: req.generationId,
            },
            // Kafka answers ILLEGAL_GENERATION, not GROUP_ID_NOT_FOUND, on this API.
            { ...ctx, apiVersion: 0 },
            true,
          );
    const now = BigInt(this.#clock());
    if (error === E.NONE.code) this.#shard.getOrCreateGroup(req.groupId);
    const topics = this.#commitEach(
      req.groupId,
      req.topics,
      error,
      records,
      (p) => ({
        committedOffset: p.committedOffset,
        committedLeaderEpoch: p.committedLeaderEpoch,
        metadata: p.committedMetadata ?? '',
        commitTimestamp: now,
        expireTimestamp: -1n,
      }),
      (topic, partition, offset) =>
        this.#shard.pendingOffsets.add(req.producerId, {
          group: req.groupId,
          topic,
          partition,
          offset,
        }),
    );
    return {
      response: { throttleTimeMs: 0, topics },
      records,
      transaction: { producerId: req.producerId, producerEpoch: req.producerEpoch },
    };
  }

  /** A transaction's end marker reached this partition: its offsets apply (commit) or vanish. */
  completeTransaction(producerId: bigint, commit: boolean): void {
    for (const { group, topic, partition, offset } of this.#shard.pendingOffsets.complete(
      producerId,
      commit,
    )) {
      this.#shard.getOrCreateGroup(group);
      this.#shard.offsets.set(group, topic, partition, offset);
    }
  }

  #fetchGroup(
    groupId: string,
    topics: { name: string; partitionIndexes: number[] }[] | null,
    requireStable: boolean,
  ): { name: string; partitions: OffsetFetchResponsePartitions[] }[] {
    const pending = this.#shard.pendingOffsets;
    const offsets = this.#shard.offsets;
    if (topics === null) {
      const byTopic = new Map<string, OffsetFetchResponsePartitions[]>();
      for (const { topic, partition, offset } of offsets.list(groupId)) {
        let list = byTopic.get(topic);
        if (list === undefined) byTopic.set(topic, (list = []));
        list.push({
          partitionIndex: partition,
          committedOffset: offset.committedOffset,
          committedLeaderEpoch: offset.committedLeaderEpoch,
          metadata: offset.metadata,
          errorCode: E.NONE.code,
        });
      }
      return [...byTopic].map(([name, partitions]) => ({ name, partitions }));
    }
    return topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => {
        if (requireStable && pending.has(groupId, t.name, partitionIndex)) {
          // An open transaction will change this offset: the client retries (v7+, KIP-447).
          return {
            partitionIndex,
            committedOffset: -1n,
            committedLeaderEpoch: -1,
            metadata: '',
            errorCode: E.UNSTABLE_OFFSET_COMMIT.code,
          };
        }
        const o = offsets.get(groupId, t.name, partitionIndex);
        return {
          partitionIndex,
          committedOffset: o?.committedOffset ?? -1n,
          committedLeaderEpoch: o?.committedLeaderEpoch ?? -1,
          metadata: o?.metadata ?? '',
          errorCode: E.NONE.code,
        };
      }),
    }));
  }

  /** v0-7 answer `groupId`/`topics` at the top level; v8+ answer every entry of `groups`. */
  offsetFetch(
    req: OffsetFetchRequest,
    ctx: RequestContext,
  ): CoordinatorResult<OffsetFetchResponse> {
    if (ctx.apiVersion >= 8) {
      const groups = req.groups.map((g) => {
        // v9+ names the member: a consumer group checks it and its member epoch.
        const group = this.#shard.groups.get(g.groupId);
        const errorCode =
          group instanceof ConsumerGroup
            ? group.validateOffsetFetch(g.memberId, g.memberEpoch)
            : E.NONE.code;
        return {
          groupId: g.groupId,
          topics:
            errorCode === E.NONE.code
              ? this.#fetchGroup(g.groupId, g.topics, req.requireStable)
              : [],
          errorCode,
        };
      });
      return {
        response: { throttleTimeMs: 0, topics: [], errorCode: E.NONE.code, groups },
        records: [],
      };
    }
    const topics = this.#fetchGroup(
      req.groupId,
      req.topics,
      ctx.apiVersion >= 7 && req.requireStable,
    );
    return {
      response: { throttleTimeMs: 0, topics, errorCode: E.NONE.code, groups: [] },
      records: [],
    };
  }

  offsetDelete(
    req: OffsetDeleteRequest,
    _ctx: RequestContext,
  ): CoordinatorResult<OffsetDeleteResponse> {
    const records: CoordinatorRecord[] = [];
    const group = this.#shard.groups.get(req.groupId);
    if (group === undefined || group.state === 'Dead') {
      return {
        response: { errorCode: E.GROUP_ID_NOT_FOUND.code, throttleTimeMs: 0, topics: [] },
        records,
      };
    }
    let subscribed: Set<string> | null = new Set();
    if (group instanceof ConsumerGroup) {
      subscribed = this.#shard.consumerGroupSubscribedTopics(group);
    } else if (!group.isEmpty()) {
      subscribed = group.subscribedTopics();
      if (subscribed === null) {
        return {
          response: { errorCode: E.NON_EMPTY_GROUP.code, throttleTimeMs: 0, topics: [] },
          records,
        };
      }
    }
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (subscribed?.has(t.name) === true) {
          return { partitionIndex: p.partitionIndex, errorCode: E.GROUP_SUBSCRIBED_TO_TOPIC.code };
        }
        this.#shard.pendingOffsets.supersede(req.groupId, t.name, p.partitionIndex);
        if (this.#shard.offsets.delete(req.groupId, t.name, p.partitionIndex)) {
          records.push(
            offsetCommitRecord(
              { group: req.groupId, topic: t.name, partition: p.partitionIndex },
              null,
            ),
          );
        }
        return { partitionIndex: p.partitionIndex, errorCode: E.NONE.code };
      }),
    }));
    return { response: { errorCode: E.NONE.code, throttleTimeMs: 0, topics }, records };
  }

  /** Tombstones every committed offset of a group (DeleteGroups). */
  deleteAllOffsets(groupId: string): CoordinatorRecord[] {
    const records: CoordinatorRecord[] = [];
    for (const { topic, partition } of this.#shard.offsets.list(groupId)) {
      this.#shard.offsets.delete(groupId, topic, partition);
      this.#shard.pendingOffsets.supersede(groupId, topic, partition);
      records.push(offsetCommitRecord({ group: groupId, topic, partition }, null));
    }
    return records;
  }

  /** `producerId` is the batch's: ≥ 0 for a transactional batch (TxnOffsetCommit). */
  replay(key: OffsetCommitKey, value: OffsetCommitValue | null, producerId = -1n): void {
    if (producerId >= 0n) {
      if (value !== null) {
        this.#shard.pendingOffsets.add(producerId, {
          group: key.group,
          topic: key.topic,
          partition: key.partition,
          offset: offsetFromRecordValue(value),
        });
      }
      return;
    }
    this.#shard.pendingOffsets.supersede(key.group, key.topic, key.partition);
    if (value === null) {
      this.#shard.offsets.delete(key.group, key.topic, key.partition);
      return;
    }
    this.#shard.getOrCreateGroup(key.group);
    this.#shard.offsets.set(key.group, key.topic, key.partition, offsetFromRecordValue(value));
  }
}
