// The classic group coordinator for one `__consumer_offsets` partition, Kafka's
// GroupCoordinatorShard (GroupMetadataManager + OffsetMetadataManager) as a deterministic
// state machine.
//
// Contract:
// - Every handler is synchronous and returns `{ response, records }`. The caller appends
//   `records` to the shard's partition, then sends the response. Nothing here does I/O or sets
//   timers: time comes from the injected `clock`, and `tick(now)` fires deadlines (session
//   timeouts, the join phase's rebalance timeout, the initial rebalance delay, pending member ids).
// - JoinGroup and SyncGroup may have to wait for other members. Their `response` is a Promise,
//   resolved synchronously (its `.then` runs on the next microtask) by the later call — another
//   join, the leader's sync, a leave, or `tick` — that completes the phase. Records produced by
//   that completion are returned from that later call, so the caller should append them before
//   flushing responses it wrote after the call (Kafka holds responses until the append commits).
// - `replay(key, value)` applies a record to state. Replaying every record a shard emitted gives
//   the same persisted state (`snapshot()`), in Kafka's formats, so the shard can be rebuilt by
//   reading its partition at start-up.
//
// The classic protocol's JoinGroup/SyncGroup/Heartbeat/LeaveGroup live in ClassicGroupManager,
// offsets in OffsetManager, offsets.retention.minutes expiry in offset-expiry.ts.
//
// The KIP-848 consumer protocol (ConsumerGroupHeartbeat, ConsumerGroupDescribe) lives in
// ConsumerGroupManager; `groups` holds both group types, as Kafka's one map does. Classic
// requests against a consumer group get Kafka's errors (an empty consumer group gives way to a
// classic JoinGroup); classic members joining a consumer group (KIP-848's online upgrade) are not
// implemented.
//
// Not yet implemented: transactional offset commits.

import { randomUUID } from 'node:crypto';
import { ErrorCodes } from '../../errors/generated/error-codes.js';
import type {
  DescribeGroupsRequest,
  DescribeGroupsResponse,
} from '../../protocol/generated/api/describe-groups.js';
import type {
  ListGroupsRequest,
  ListGroupsResponse,
} from '../../protocol/generated/api/list-groups.js';
import type {
  DeleteGroupsRequest,
  DeleteGroupsResponse,
} from '../../protocol/generated/api/delete-groups.js';
import type { GroupMetadataValue } from '../../protocol/generated/group-coordinator/group-metadata-value.js';
import type {
  JoinGroupRequest,
  JoinGroupResponse,
} from '../../protocol/generated/api/join-group.js';
import type {
  SyncGroupRequest,
  SyncGroupResponse,
} from '../../protocol/generated/api/sync-group.js';
import type {
  HeartbeatRequest,
  HeartbeatResponse,
} from '../../protocol/generated/api/heartbeat.js';
import type {
  LeaveGroupRequest,
  LeaveGroupResponse,
} from '../../protocol/generated/api/leave-group.js';
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/generated/api/consumer-group-heartbeat.js';
import type {
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
} from '../../protocol/generated/api/consumer-group-describe.js';
import { describeGroups, listGroups, syncResponse } from './responses.js';
import { ConsumerGroup } from './consumer-group.js';
import { ConsumerGroupManager } from './consumer-group-manager.js';
import { EMPTY_TOPICS_VIEW, type TopicsView } from './topics-view.js';
import { ClassicGroup } from './classic-group.js';
import { ClassicGroupManager } from './classic-group-manager.js';
import { cleanupGroupMetadata } from './offset-expiry.js';
import { decodeRecord, groupMetadataRecord, type CoordinatorRecord } from './records.js';
import { OffsetStore } from './offset-store.js';
import type { ShardResult } from '../coordinator-runtime.js';
import { PendingTransactionalOffsets } from './pending-transactional-offsets.js';
import { OffsetManager } from './offset-manager.js';
import type { GroupConfigOverrides } from '../../config/index.js';

const E = ErrorCodes;

export interface GroupCoordinatorConfig {
  /** group.min.session.timeout.ms */
  groupMinSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  groupMaxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms */
  groupInitialRebalanceDelayMs: number;
  /** group.max.size */
  groupMaxSize: number;
  /** offset.metadata.max.bytes */
  offsetMetadataMaxBytes: number;
  /** offsets.retention.minutes, in milliseconds */
  offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms */
  offsetsRetentionCheckIntervalMs: number;
  /** group.consumer.session.timeout.ms */
  consumerGroupSessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms */
  consumerGroupHeartbeatIntervalMs: number;
  /** group.consumer.max.size */
  consumerGroupMaxSize: number;
  /**
   * group.consumer.assignors: short names (uniform, range) or Kafka's class names
   * (org.apache.kafka.coordinator.group.assignor.UniformAssignor); the first is the default.
   */
  consumerGroupAssignors: readonly string[];
}

export const DEFAULT_GROUP_COORDINATOR_CONFIG: GroupCoordinatorConfig = {
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupInitialRebalanceDelayMs: 3000,
  groupMaxSize: 2_147_483_647,
  offsetMetadataMaxBytes: 4096,
  offsetsRetentionMs: 10080 * 60_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  consumerGroupSessionTimeoutMs: 45_000,
  consumerGroupHeartbeatIntervalMs: 5000,
  consumerGroupMaxSize: 2_147_483_647,
  consumerGroupAssignors: ['uniform', 'range'],
};

/** Who sent the request: the API version decides MEMBER_ID_REQUIRED and response shapes. */
export interface RequestContext {
  apiVersion: number;
  clientId: string;
  clientHost: string;
}

/** A response (maybe resolved later) plus the records to write first; see the runtime. */
export type CoordinatorResult<T> = ShardResult<T>;

export interface GroupCoordinatorShardOptions {
  config?: Partial<GroupCoordinatorConfig>;
  clock?: () => number;
  /** Member id suffix generator; Kafka uses a random UUID. Injected for reproducible tests. */
  newId?: () => string;
  /** Topic names, ids and partition counts, for KIP-848 subscriptions. No topics by default. */
  topics?: TopicsView;
  /** A group's config overrides (GROUP config resources); none by default. */
  groupConfig?: (groupId: string) => GroupConfigOverrides;
}

export class GroupCoordinatorShard {
  readonly config: GroupCoordinatorConfig;
  readonly groups = new Map<string, ClassicGroup | ConsumerGroup>();
  readonly topics: TopicsView;
  readonly offsets = new OffsetStore();
  /** Offsets of open transactions, applied when their marker arrives. */
  readonly pendingOffsets = new PendingTransactionalOffsets();
  readonly #clock: () => number;
  readonly #offsetManager: OffsetManager;
  readonly #classic: ClassicGroupManager;
  readonly #consumer: ConsumerGroupManager;
  /** When the next offset retention pass is due. */
  #nextOffsetsCleanup: number;

  constructor(options: GroupCoordinatorShardOptions = {}) {
    this.config = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...options.config };
    this.#clock = options.clock ?? Date.now;
    this.#offsetManager = new OffsetManager(this, this.#clock);
    this.#classic = new ClassicGroupManager(this, options.newId ?? randomUUID);
    this.topics = options.topics ?? EMPTY_TOPICS_VIEW;
    this.#consumer = new ConsumerGroupManager({
      groups: this.groups,
      config: this.config,
      topics: this.topics,
      clock: this.#clock,
      newMemberId: options.newId,
      replay: (key, value) => this.replay(key, value),
      ...(options.groupConfig === undefined ? {} : { groupConfig: options.groupConfig }),
    });
    this.#nextOffsetsCleanup = this.#clock() + this.config.offsetsRetentionCheckIntervalMs;
  }

  now(): number {
    return this.#clock();
  }

  // ---- Classic protocol (delegated) -----------------------------------------------------

  /** A classic JoinGroup; an empty consumer group with its id gives way, as in Kafka. */
  joinGroup(
    req: JoinGroupRequest,
    ctx: RequestContext,
  ): CoordinatorResult<Promise<JoinGroupResponse>> {
    const valid =
      req.groupId !== '' &&
      req.sessionTimeoutMs >= this.config.groupMinSessionTimeoutMs &&
      req.sessionTimeoutMs <= this.config.groupMaxSessionTimeoutMs;
    const takeover = valid ? this.#consumer.takeOverEmptyGroup(req.groupId) : [];
    const result = this.#classic.joinGroup(req, ctx);
    if (takeover.length > 0) result.records.unshift(...takeover);
    return result;
  }
  syncGroup(
    req: SyncGroupRequest,
    ctx: RequestContext,
  ): CoordinatorResult<Promise<SyncGroupResponse>> {
    const error = this.#consumer.classicMemberError(req.groupId, req.memberId, req.groupInstanceId);
    if (error !== null) return { response: Promise.resolve(syncResponse(error)), records: [] };
    return this.#classic.syncGroup(req, ctx);
  }
  heartbeat(req: HeartbeatRequest, ctx: RequestContext): CoordinatorResult<HeartbeatResponse> {
    const error = this.#consumer.classicMemberError(req.groupId, req.memberId, req.groupInstanceId);
    if (error !== null) return { response: { throttleTimeMs: 0, errorCode: error }, records: [] };
    return this.#classic.heartbeat(req, ctx);
  }
  leaveGroup(req: LeaveGroupRequest, ctx: RequestContext): CoordinatorResult<LeaveGroupResponse> {
    if (!(this.groups.get(req.groupId) instanceof ConsumerGroup)) {
      return this.#classic.leaveGroup(req, ctx);
    }
    // Kafka answers each member of a consumer group; none uses the classic protocol here.
    const v3 = ctx.apiVersion >= 3;
    const identities = v3 ? req.members : [{ memberId: req.memberId, groupInstanceId: null }];
    const members = identities.map((id) => ({
      memberId: id.memberId,
      groupInstanceId: id.groupInstanceId,
      errorCode:
        this.#consumer.classicMemberError(req.groupId, id.memberId, id.groupInstanceId) ??
        E.UNKNOWN_MEMBER_ID.code,
    }));
    return {
      response: {
        throttleTimeMs: 0,
        errorCode: v3 ? E.NONE.code : (members[0]?.errorCode ?? E.NONE.code),
        members: v3 ? members : [],
      },
      records: [],
    };
  }

  // ---- Consumer protocol, KIP-848 (delegated) --------------------------------------------

  consumerGroupHeartbeat(
    req: ConsumerGroupHeartbeatRequest,
    ctx: RequestContext,
  ): CoordinatorResult<ConsumerGroupHeartbeatResponse> {
    return this.#consumer.heartbeat(req, ctx);
  }

  consumerGroupDescribe(
    req: ConsumerGroupDescribeRequest,
    _ctx: RequestContext,
  ): CoordinatorResult<ConsumerGroupDescribeResponse> {
    return { response: this.#consumer.describe(req), records: [] };
  }

  /**
   * Call when topics were created or deleted or gained partitions: consumer groups whose
   * subscribed topics (names and regex matches) changed get a new epoch and rebalance.
   */
  onTopicsChanged(): CoordinatorResult<null> {
    return { response: null, records: this.#consumer.onTopicsChanged() };
  }

  /** The topics a consumer group subscribes to, names and regex matches (OffsetDelete). */
  consumerGroupSubscribedTopics(group: ConsumerGroup): Set<string> {
    return this.#consumer.subscribedTopics(group);
  }

  /** Keeps a classic member's session alive after it committed offsets (Kafka does so). */
  classicOffsetCommitted(groupId: string, memberId: string): void {
    const group = this.groups.get(groupId);
    if (group instanceof ClassicGroup) this.#classic.offsetCommitted(group, memberId);
  }

  // ---- Time ------------------------------------------------------------------------------

  /**
   * Fires every deadline due at `now`: expired sessions, join/sync phase timeouts, pending ids,
   * and every `offsetsRetentionCheckIntervalMs` the offset retention pass.
   */
  tick(now: number = this.now()): CoordinatorResult<null> {
    const records: CoordinatorRecord[] = [];
    for (const group of [...this.groups.values()]) this.#expire(group, now, records);
    if (now >= this.#nextOffsetsCleanup) {
      this.#nextOffsetsCleanup = now + this.config.offsetsRetentionCheckIntervalMs;
      records.push(...cleanupGroupMetadata(this, now));
    }
    return { response: null, records };
  }

  /** Fires one group's deadlines due at `now` (before a request for it; see CoordinatorRuntime). */
  expireDue(groupId: string, now: number = this.now()): CoordinatorRecord[] {
    const group = this.groups.get(groupId);
    const records: CoordinatorRecord[] = [];
    if (group !== undefined) this.#expire(group, now, records);
    return records;
  }

  #expire(group: ClassicGroup | ConsumerGroup, now: number, records: CoordinatorRecord[]): void {
    if (group instanceof ClassicGroup) this.#classic.tick(group, now, records);
    else records.push(...this.#consumer.expire(group, now));
  }

  // ---- Admin -----------------------------------------------------------------------------

  describeGroups(
    req: DescribeGroupsRequest,
    ctx: RequestContext,
  ): CoordinatorResult<DescribeGroupsResponse> {
    return { response: describeGroups(this.groups, req, ctx.apiVersion), records: [] };
  }

  listGroups(req: ListGroupsRequest, _ctx: RequestContext): CoordinatorResult<ListGroupsResponse> {
    return { response: listGroups(this.groups, req), records: [] };
  }

  deleteGroups(
    req: DeleteGroupsRequest,
    _ctx: RequestContext,
  ): CoordinatorResult<DeleteGroupsResponse> {
    const records: CoordinatorRecord[] = [];
    const results = req.groupsNames.map((groupId) => {
      const group = this.groups.get(groupId);
      if (group === undefined || group.state === 'Dead')
        return { groupId, errorCode: E.GROUP_ID_NOT_FOUND.code };
      if (group.state !== 'Empty') return { groupId, errorCode: E.NON_EMPTY_GROUP.code };
      records.push(...this.#offsetManager.deleteAllOffsets(groupId));
      if (group instanceof ConsumerGroup) {
        records.push(...this.#consumer.deleteGroup(group));
        return { groupId, errorCode: E.NONE.code };
      }
      records.push(groupMetadataRecord(groupId, null));
      group.state = 'Dead';
      this.groups.delete(groupId);
      return { groupId, errorCode: E.NONE.code };
    });
    return { response: { throttleTimeMs: 0, results }, records };
  }

  // ---- Offsets (delegated) ---------------------------------------------------------------

  get offsetCommit(): OffsetManager['offsetCommit'] {
    return this.#offsetManager.offsetCommit.bind(this.#offsetManager);
  }
  get offsetFetch(): OffsetManager['offsetFetch'] {
    return this.#offsetManager.offsetFetch.bind(this.#offsetManager);
  }
  get offsetDelete(): OffsetManager['offsetDelete'] {
    return this.#offsetManager.offsetDelete.bind(this.#offsetManager);
  }
  get txnOffsetCommit(): OffsetManager['txnOffsetCommit'] {
    return this.#offsetManager.txnOffsetCommit.bind(this.#offsetManager);
  }

  /**
   * A transaction's COMMIT or ABORT marker was written to this partition (or is being replayed):
   * the producer's pending offsets become committed or are dropped.
   */
  replayEndTransactionMarker(producerId: bigint, commit: boolean): void {
    this.#offsetManager.completeTransaction(producerId, commit);
  }

  // ---- Replay ----------------------------------------------------------------------------

  /**
   * Applies one `__consumer_offsets` record (in partition order) to the shard's state.
   * `producerId` is the batch's producer id when the batch is transactional, else -1.
   */
  replay(key: Buffer, value: Buffer | null, producerId = -1n): void {
    const record = decodeRecord(key, value);
    if (record.type === 'offset-commit') {
      this.#offsetManager.replay(record.key, record.value, producerId);
    } else if (record.type === 'consumer-group') this.#consumer.replay(record.record);
    else if (record.type === 'group-metadata') {
      if (record.value === null) {
        this.groups.delete(record.group);
      } else {
        this.groups.set(
          record.group,
          ClassicGroup.fromRecordValue(record.group, record.value, this.now()),
        );
      }
    }
  }

  /** The group, created Empty if absent (an offset commit from a "simple" group creates one). */
  getOrCreateGroup(groupId: string): ClassicGroup | ConsumerGroup {
    let group = this.groups.get(groupId);
    if (group === undefined) this.groups.set(groupId, (group = new ClassicGroup(groupId)));
    return group;
  }

  /**
   * The persisted view of the shard: what replaying its records must reproduce. In-memory-only
   * groups (Empty, generation 0, no offsets) and transient fields are left out.
   */
  snapshot(): unknown {
    const groups = [...this.groups.values()]
      .filter((g): g is ClassicGroup => g instanceof ClassicGroup)
      .filter(
        (g) =>
          !(g.state === 'Empty' && g.generationId === 0 && !this.offsets.hasOffsets(g.groupId)),
      )
      .map((g) => {
        const value: Partial<GroupMetadataValue> = g.toRecordValue();
        delete value.currentStateTimestamp;
        return { groupId: g.groupId, state: g.state, ...value };
      })
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
    const consumerGroups = this.#consumer.snapshot();
    const groupIds = [
      ...groups.map((g) => g.groupId),
      ...[...this.groups.values()]
        .filter((g) => g instanceof ConsumerGroup)
        .map((g) => g.groupId)
        .sort(),
    ];
    const offsets = groupIds.map((groupId) =>
      this.offsets
        .list(groupId)
        .map((o) => ({ group: groupId, ...o }))
        .sort((a, b) =>
          a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
        ),
    );
    return { groups, offsets, consumerGroups, pendingOffsets: this.pendingOffsets.snapshot() };
  }
}
