// The KIP-848 consumer group protocol of one shard: ConsumerGroupHeartbeat, ConsumerGroupDescribe,
// session and rebalance timeouts, topic changes, and the replay of the consumer group records.
// Kafka's GroupMetadataManager for groups of type "consumer".
//
// As in Kafka, a handler never changes state directly. It validates the request against the
// current state, computes the records of the change, then applies them through the shard's
// `replay` (consumer-group-replay.ts), the same path that loads the partition at start-up. An
// error thrown half-way (a KafkaError, answered with its code) leaves the state untouched. Only
// the soft state (deadlines) is set outside replay. The heartbeat itself is in
// consumer-group-heartbeat.ts.
//
// Regex subscriptions are resolved when needed against the current topic names (Kafka resolves
// them asynchronously and persists the result in records this project's specs do not define);
// `onTopicsChanged` re-resolves every group so a created or deleted topic bumps the epoch of the
// groups whose subscribed topics changed.

import { randomBytes } from 'node:crypto';
import { ErrorCodes } from '../../errors/generated/error-codes.js';
import { KafkaError } from '../../errors/kafka-error.js';
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/generated/api/consumer-group-heartbeat.js';
import type {
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
  ConsumerGroupDescribeResponseDescribedGroup,
  ConsumerGroupDescribeResponseTopicPartitions,
} from '../../protocol/generated/api/consumer-group-describe.js';
import {
  EMPTY_ASSIGNMENT,
  assignmentToTopicPartitions,
  compareStrings,
  type Assignment,
} from './assignment.js';
import { consumerGroupAssignors, type ConsumerGroupPartitionAssignor } from './assignors/index.js';
import type { ClassicGroup } from './classic-group.js';
import {
  ConsumerGroup,
  subscriptionMetadataEquals,
  type ConsumerGroupMember,
  type TopicMetadata,
} from './consumer-group.js';
import { ConsumerGroupHeartbeatHandler } from './consumer-group-heartbeat.js';
import {
  consumerGroupCurrentAssignmentRecord,
  consumerGroupEpochRecord,
  consumerGroupMemberSubscriptionRecord,
  consumerGroupMemberTombstones,
  consumerGroupSubscriptionMetadataRecord,
  consumerGroupTargetAssignmentEpochRecord,
  consumerGroupTargetAssignmentRecord,
  type ConsumerGroupRecord,
} from './consumer-group-records.js';
import { consumerGroupsSnapshot, replayConsumerGroupRecord } from './consumer-group-replay.js';
import type { CoordinatorRecord } from './records.js';
import { resolveTopicRegex } from './topic-regex.js';
import type { TopicsView } from './topics-view.js';
import type {
  CoordinatorResult,
  GroupCoordinatorConfig,
  RequestContext,
} from './group-coordinator-shard.js';
import type { GroupConfigOverrides } from '../../config/index.js';
import { memberTimings } from './member-timings.js';

const E = ErrorCodes;
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export interface ConsumerGroupManagerDeps {
  /** The shard's groups, classic and consumer. */
  groups: Map<string, ClassicGroup | ConsumerGroup>;
  config: GroupCoordinatorConfig;
  topics: TopicsView;
  clock: () => number;
  /** Member ids the coordinator generates (ConsumerGroupHeartbeat v0 with an empty id). */
  newMemberId?: () => string;
  /** The shard's replay: every change is applied through it. */
  replay: (key: Buffer, value: Buffer | null) => void;
  /** A group's config overrides (GROUP config resources); the broker's values where absent. */
  groupConfig?: (groupId: string) => GroupConfigOverrides;
}

/** Kafka's Uuid.randomUuid().toString(): 16 random bytes, base64url, never starting with '-'. */
function randomMemberId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export class ConsumerGroupManager {
  readonly #d: ConsumerGroupManagerDeps;
  readonly #assignors: ConsumerGroupPartitionAssignor[];
  readonly #newMemberId: () => string;
  readonly #heartbeat: ConsumerGroupHeartbeatHandler;

  constructor(deps: ConsumerGroupManagerDeps) {
    this.#d = deps;
    this.#assignors = consumerGroupAssignors(deps.config.consumerGroupAssignors);
    this.#newMemberId = deps.newMemberId ?? randomMemberId;
    this.#heartbeat = new ConsumerGroupHeartbeatHandler(this);
  }

  /** What the manager works on; shared with the heartbeat handler. */
  get deps(): ConsumerGroupManagerDeps {
    return this.#d;
  }

  /** A member id for a v0 member that joined without one. */
  newMemberId(): string {
    return this.#newMemberId();
  }

  /** The configured assignor names, the default first. */
  get assignorNames(): string[] {
    return this.#assignors.map((a) => a.name);
  }

  // ---- ConsumerGroupHeartbeat --------------------------------------------------------------

  heartbeat(
    req: ConsumerGroupHeartbeatRequest,
    ctx: RequestContext,
  ): CoordinatorResult<ConsumerGroupHeartbeatResponse> {
    return this.#heartbeat.heartbeat(req, ctx);
  }

  /**
   * Removes a member (left, expired, or too slow to revoke) and bumps the group epoch, Kafka's
   * consumerGroupFenceMember. The target assignment follows on the next heartbeat.
   */
  fence(group: ConsumerGroup, member: ConsumerGroupMember): CoordinatorRecord[] {
    const records = consumerGroupMemberTombstones(group.groupId, member.memberId);
    const metadata = this.subscriptionMetadata(
      group.subscribedTopicNames(this.#d.topics, new Map([[member.memberId, null]])),
    );
    if (!subscriptionMetadataEquals(metadata, group.subscriptionMetadata)) {
      records.push(consumerGroupSubscriptionMetadataRecord(group.groupId, metadata));
    }
    records.push(consumerGroupEpochRecord(group.groupId, group.groupEpoch + 1));
    this.apply(records);
    return records;
  }

  // ---- ConsumerGroupDescribe ---------------------------------------------------------------

  describe(req: ConsumerGroupDescribeRequest): ConsumerGroupDescribeResponse {
    const groups = req.groupIds.map((groupId): ConsumerGroupDescribeResponseDescribedGroup => {
      const group = this.#d.groups.get(groupId);
      if (!(group instanceof ConsumerGroup)) {
        return {
          errorCode: E.GROUP_ID_NOT_FOUND.code,
          errorMessage:
            group === undefined
              ? `Group ${groupId} not found.`
              : `Group ${groupId} is not a consumer group.`,
          groupId,
          groupState: '',
          groupEpoch: 0,
          assignmentEpoch: 0,
          assignorName: '',
          members: [],
          authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
        };
      }
      return {
        errorCode: E.NONE.code,
        errorMessage: null,
        groupId,
        groupState: group.state,
        groupEpoch: group.groupEpoch,
        assignmentEpoch: group.assignmentEpoch,
        assignorName: this.assignorFor(group, new Map()).name,
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          instanceId: m.instanceId,
          rackId: m.rackId,
          memberEpoch: m.memberEpoch,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: [...m.subscribedTopicNames],
          subscribedTopicRegex: m.subscribedTopicRegex === '' ? null : m.subscribedTopicRegex,
          assignment: { topicPartitions: this.#describePartitions(m.assignedPartitions) },
          targetAssignment: {
            topicPartitions: this.#describePartitions(
              group.targetAssignment.get(m.memberId) ?? EMPTY_ASSIGNMENT,
            ),
          },
        })),
        authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      };
    });
    return { throttleTimeMs: 0, groups };
  }

  /** Topic names from the topics view; partitions of topics it no longer knows are left out. */
  #describePartitions(a: Assignment): ConsumerGroupDescribeResponseTopicPartitions[] {
    const out: ConsumerGroupDescribeResponseTopicPartitions[] = [];
    for (const { topicId, partitions } of assignmentToTopicPartitions(a)) {
      const topic = this.#d.topics.byId(topicId);
      if (topic !== undefined) out.push({ topicId, topicName: topic.name, partitions });
    }
    return out;
  }

  // ---- Time and topics ---------------------------------------------------------------------

  /** Fences members whose session expired or who did not revoke within their rebalance timeout. */
  /** Fences the group's members whose session or rebalance deadline has passed. */
  expire(group: ConsumerGroup, now: number): CoordinatorRecord[] {
    const records: CoordinatorRecord[] = [];
    for (const memberId of [...group.members.keys()]) {
      const member = group.members.get(memberId);
      if (member === undefined) continue;
      const session = group.sessionDeadlines.get(memberId);
      if (session !== undefined && session <= now) {
        records.push(...this.fence(group, member));
        continue;
      }
      const rebalance = group.rebalanceDeadlines.get(memberId);
      if (rebalance !== undefined && rebalance.deadline <= now) {
        if (member.memberEpoch === rebalance.epoch) records.push(...this.fence(group, member));
        else group.rebalanceDeadlines.delete(memberId);
      }
    }
    return records;
  }

  /**
   * Recomputes every group's subscribed topics against the topics view; a group whose topics
   * changed (created, deleted, matched by a regex, or with more partitions) gets a new epoch and
   * rebalances on its members' next heartbeats.
   */
  onTopicsChanged(): CoordinatorRecord[] {
    const records: CoordinatorRecord[] = [];
    for (const group of [...this.#d.groups.values()]) {
      if (!(group instanceof ConsumerGroup)) continue;
      const metadata = this.subscriptionMetadata(group.subscribedTopicNames(this.#d.topics));
      group.metadataRefreshNeeded = false;
      if (subscriptionMetadataEquals(metadata, group.subscriptionMetadata)) continue;
      const changes = [
        consumerGroupSubscriptionMetadataRecord(group.groupId, metadata),
        consumerGroupEpochRecord(group.groupId, group.groupEpoch + 1),
      ];
      this.apply(changes);
      records.push(...changes);
    }
    return records;
  }

  // ---- Other APIs against consumer groups --------------------------------------------------

  /**
   * Deletes a consumer group with tombstones for all its records, Kafka's
   * createGroupTombstoneRecords (DeleteGroups of an empty group, or an empty group that a
   * classic JoinGroup takes over).
   */
  deleteGroup(group: ConsumerGroup): CoordinatorRecord[] {
    const id = group.groupId;
    const memberIds = [...group.members.keys()];
    const records = [
      ...memberIds.map((m) => consumerGroupCurrentAssignmentRecord(id, m, null)),
      ...memberIds.map((m) => consumerGroupTargetAssignmentRecord(id, m, null)),
      consumerGroupTargetAssignmentEpochRecord(id, null),
      ...memberIds.map((m) => consumerGroupMemberSubscriptionRecord(id, m, null)),
      consumerGroupSubscriptionMetadataRecord(id, null),
      consumerGroupEpochRecord(id, null),
    ];
    this.apply(records);
    group.state = 'Dead';
    return records;
  }

  /**
   * For a classic JoinGroup: an empty consumer group is deleted so that a classic group can take
   * its id, as Kafka's maybeDeleteEmptyConsumerGroup; returns its tombstones (none when the id is
   * not an empty consumer group). A non-empty consumer group stays and refuses the classic member
   * (Kafka would let it join through the classic protocol, the KIP-848 upgrade path, which this
   * coordinator does not implement).
   */
  takeOverEmptyGroup(groupId: string): CoordinatorRecord[] {
    const group = this.#d.groups.get(groupId);
    if (!(group instanceof ConsumerGroup) || !group.isEmpty()) return [];
    return this.deleteGroup(group);
  }

  /**
   * The error Kafka gives a classic SyncGroup, Heartbeat or LeaveGroup member of a consumer
   * group, none of whose members use the classic protocol here; null when the group is not a
   * consumer group.
   */
  classicMemberError(groupId: string, memberId: string, instanceId: string | null): number | null {
    const group = this.#d.groups.get(groupId);
    if (!(group instanceof ConsumerGroup)) return null;
    if (instanceId !== null) {
      const member = group.staticMember(instanceId);
      if (member !== undefined && member.memberId !== memberId) return E.FENCED_INSTANCE_ID.code;
    }
    return E.UNKNOWN_MEMBER_ID.code;
  }

  /** Every topic the group subscribes to, names and regex matches (OffsetDelete). */
  subscribedTopics(group: ConsumerGroup): Set<string> {
    return group.subscribedTopicNames(this.#d.topics);
  }

  // ---- Replay ------------------------------------------------------------------------------

  /** Applies one consumer group record (the shard's replay routes them here). */
  replay(r: ConsumerGroupRecord): void {
    replayConsumerGroupRecord(
      this.#d.groups,
      r,
      this.#d.clock(),
      memberTimings(this.#d, r.groupId).sessionTimeoutMs,
    );
  }

  /** The persisted view of every consumer group, for the shard's snapshot. */
  snapshot(): unknown[] {
    return consumerGroupsSnapshot(this.#d.groups);
  }

  // ---- Helpers, shared with the heartbeat handler --------------------------------------------

  /** Applies records through the shard's replay, the only way consumer group state changes. */
  apply(records: readonly CoordinatorRecord[]): void {
    for (const r of records) this.#d.replay(r.key, r.value);
  }

  consumerGroup(groupId: string): ConsumerGroup | undefined {
    const group = this.#d.groups.get(groupId);
    return group instanceof ConsumerGroup ? group : undefined;
  }

  consumerGroupOrThrow(groupId: string): ConsumerGroup {
    const group = this.#d.groups.get(groupId);
    if (group instanceof ConsumerGroup) return group;
    throw new KafkaError(
      'GROUP_ID_NOT_FOUND',
      group === undefined
        ? `Consumer group ${groupId} not found.`
        : `Group ${groupId} is not a consumer group.`,
    );
  }

  /** The subscription metadata of these topic names: those that exist, with id and size. */
  subscriptionMetadata(names: Iterable<string>): Map<string, TopicMetadata> {
    const out = new Map<string, TopicMetadata>();
    for (const name of [...names].sort(compareStrings)) {
      const topic = this.#d.topics.byName(name);
      if (topic !== undefined) {
        out.set(name, { topicId: topic.topicId, name, numPartitions: topic.partitions });
      }
    }
    return out;
  }

  /** A member's subscribed topic names, its regex resolved against the current topics. */
  memberTopicNames(m: ConsumerGroupMember): string[] {
    if (m.subscribedTopicRegex === '') return [...m.subscribedTopicNames];
    return [
      ...m.subscribedTopicNames,
      ...resolveTopicRegex(m.subscribedTopicRegex, this.#d.topics.names()),
    ];
  }

  /** The assignor most members ask for, else the default (the first configured). */
  assignorFor(
    group: ConsumerGroup,
    updates: ReadonlyMap<string, ConsumerGroupMember | null>,
  ): ConsumerGroupPartitionAssignor {
    const name = group.preferredServerAssignor(this.assignorNames, updates);
    return this.#assignors.find((a) => a.name === name) ?? this.#assignors[0]!;
  }
}
