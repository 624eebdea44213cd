// OffsetCommit, OffsetFetch and OffsetDelete for one shard, Kafka's OffsetMetadataManager.
// Who may commit to a classic group: see ClassicGroup.validateOffsetCommit — a member of the
// current generation, or generation -1 while the group is Empty. Generation -1 to an unknown group
// creates a "simple" group that only commits offsets. Each committed partition becomes one
// OffsetCommit record; v1's commit timestamp and v2-4's retention time are honoured.

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
import type { OffsetCommitKey } from '../../protocol/generated/group-coordinator/offset-commit-key.js';
import type { OffsetCommitValue } from '../../protocol/generated/group-coordinator/offset-commit-value.js';
import type { CoordinatorRecord } from './records.js';
import { offsetCommitRecord } from './records.js';
import { ConsumerGroup } from './consumer-group.js';
import { offsetFromRecordValue, offsetToRecordValue } from './offset-store.js';
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
  #validateCommit(req: OffsetCommitRequest, ctx: RequestContext): number {
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
      );
    }
    return group.validateOffsetCommit(
      req.memberId,
      req.groupInstanceId,
      req.generationIdOrMemberEpoch,
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
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode = error;
        const metadata = p.committedMetadata ?? '';
        if (
          errorCode === E.NONE.code &&
          Buffer.byteLength(metadata) > this.#shard.config.offsetMetadataMaxBytes
        ) {
          errorCode = E.OFFSET_METADATA_TOO_LARGE.code;
        }
        if (errorCode === E.NONE.code) {
          const offset = {
            committedOffset: p.committedOffset,
            committedLeaderEpoch: p.committedLeaderEpoch,
            metadata,
            // v1 may name the commit time; later versions leave it -1.
            commitTimestamp: p.commitTimestamp === -1n ? now : p.commitTimestamp,
            expireTimestamp,
          };
          this.#shard.offsets.set(req.groupId, t.name, p.partitionIndex, offset);
          records.push(
            offsetCommitRecord(
              { group: req.groupId, topic: t.name, partition: p.partitionIndex },
              offsetToRecordValue(offset),
            ),
          );
        }
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    }));
    return { response: { throttleTimeMs: 0, topics }, records };
  }

  #fetchGroup(
    groupId: string,
    topics: { name: string; partitionIndexes: number[] }[] | null,
  ): { name: string; partitions: OffsetFetchResponsePartitions[] }[] {
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
          topics: errorCode === E.NONE.code ? this.#fetchGroup(g.groupId, g.topics) : [],
          errorCode,
        };
      });
      return {
        response: { throttleTimeMs: 0, topics: [], errorCode: E.NONE.code, groups },
        records: [],
      };
    }
    const topics = this.#fetchGroup(req.groupId, req.topics);
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
      records.push(offsetCommitRecord({ group: groupId, topic, partition }, null));
    }
    return records;
  }

  replay(key: OffsetCommitKey, value: OffsetCommitValue | null): void {
    if (value === null) {
      this.#shard.offsets.delete(key.group, key.topic, key.partition);
      return;
    }
    this.#shard.getOrCreateGroup(key.group);
    this.#shard.offsets.set(key.group, key.topic, key.partition, offsetFromRecordValue(value));
  }
}
