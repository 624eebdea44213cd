// ConsumerGroupHeartbeat (KIP-848) on one shard, Kafka's GroupMetadataManager
// consumerGroupHeartbeat: join (epoch 0), heartbeat, leave (epoch -1) and a static member's
// temporary leave (epoch -2).
//
// A heartbeat goes through Kafka's three steps: (1) create or update the member, bumping the
// group epoch when its subscription (names or regex) or the subscribed topics' metadata changed;
// (2) compute a new target assignment when the group epoch moved past the assignment epoch;
// (3) reconcile the member towards its target (current-assignment-builder.ts). Every change is a
// record; the records are applied through the shard's replay only once the request is known to
// succeed, so an error (a KafkaError, answered with its code) leaves the state untouched.

import { ErrorCodes } from '../../errors/generated/error-codes.js';
import { KafkaError } from '../../errors/kafka-error.js';
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatRequestTopicPartitions,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/generated/api/consumer-group-heartbeat.js';
import {
  EMPTY_ASSIGNMENT,
  assignmentToTopicPartitions,
  assignmentsEqual,
  type Assignment,
} from './assignment.js';
import {
  ConsumerGroup,
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  isReconciledTo,
  memberMetadataEquals,
  newConsumerGroupMember,
  sameNames,
  sortedUnique,
  subscriptionMetadataEquals,
  type ConsumerGroupMember,
} from './consumer-group.js';
import {
  consumerGroupCurrentAssignmentRecord,
  consumerGroupEpochRecord,
  consumerGroupMemberSubscriptionRecord,
  consumerGroupMemberTombstones,
  consumerGroupSubscriptionMetadataRecord,
  consumerGroupTargetAssignmentRecord,
} from './consumer-group-records.js';
import type { ConsumerGroupManager } from './consumer-group-manager.js';
import { memberTimings } from './member-timings.js';
import { reconcileMember } from './current-assignment-builder.js';
import { groupMetadataRecord, type CoordinatorRecord } from './records.js';
import { buildTargetAssignment } from './target-assignment-builder.js';
import { compileTopicRegex } from './topic-regex.js';
import type { CoordinatorResult, RequestContext } from './group-coordinator-shard.js';

const E = ErrorCodes;

function invalid(message: string): KafkaError {
  return new KafkaError('INVALID_REQUEST', message);
}

function blank(s: string | null): boolean {
  return s !== null && s.trim() === '';
}

/** Epoch, previous epoch, state and partitions: the ConsumerGroupCurrentMemberAssignment part. */
function memberAssignmentEquals(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return (
    a.memberEpoch === b.memberEpoch &&
    a.previousMemberEpoch === b.previousMemberEpoch &&
    a.state === b.state &&
    assignmentsEqual(a.assignedPartitions, b.assignedPartitions) &&
    assignmentsEqual(a.partitionsPendingRevocation, b.partitionsPendingRevocation)
  );
}

/** Whether every partition the member reports is in `assigned` (false when it reports none). */
function isSubset(
  owned: readonly ConsumerGroupHeartbeatRequestTopicPartitions[] | null,
  assigned: Assignment,
): boolean {
  if (owned === null) return false;
  for (const tp of owned) {
    const partitions = assigned.get(tp.topicId);
    if (partitions === undefined) return false;
    for (const p of tp.partitions) if (!partitions.has(p)) return false;
  }
  return true;
}

export class ConsumerGroupHeartbeatHandler {
  readonly #m: ConsumerGroupManager;

  constructor(manager: ConsumerGroupManager) {
    this.#m = manager;
  }

  heartbeat(
    req: ConsumerGroupHeartbeatRequest,
    ctx: RequestContext,
  ): CoordinatorResult<ConsumerGroupHeartbeatResponse> {
    try {
      this.#validateRequest(req, ctx.apiVersion);
      if (
        req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH ||
        req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH
      ) {
        return this.#leave(req);
      }
      return this.#heartbeat(req, ctx);
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      return {
        response: {
          throttleTimeMs: 0,
          errorCode: err.errorCode,
          errorMessage: err.message,
          memberId: null,
          memberEpoch: 0,
          heartbeatIntervalMs: 0,
          assignment: null,
        },
        records: [],
      };
    }
  }

  /** Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid. */
  #validateRequest(req: ConsumerGroupHeartbeatRequest, apiVersion: number): void {
    // From v1 the client generates its member id (KIP-1082); v0 may join with an empty one.
    if (
      (apiVersion >= 1 || req.memberEpoch > 0 || req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) &&
      blank(req.memberId)
    ) {
      throw invalid("MemberId can't be empty.");
    }
    if (blank(req.groupId)) throw invalid("GroupId can't be empty.");
    if (blank(req.instanceId)) throw invalid("InstanceId can't be empty.");
    if (blank(req.rackId)) throw invalid("RackId can't be empty.");
    if (req.memberEpoch === 0) {
      if (req.rebalanceTimeoutMs === -1) {
        throw invalid('RebalanceTimeoutMs must be provided in first request.');
      }
      if (req.topicPartitions === null || req.topicPartitions.length > 0) {
        throw invalid('TopicPartitions must be empty when (re-)joining.');
      }
      if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) {
        throw invalid(
          'Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.',
        );
      }
    } else if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      if (req.instanceId === null) throw invalid("InstanceId can't be null.");
    } else if (req.memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      throw invalid('MemberEpoch is invalid.');
    }
    if (req.serverAssignor !== null && !this.#m.assignorNames.includes(req.serverAssignor)) {
      throw new KafkaError(
        'UNSUPPORTED_ASSIGNOR',
        `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${this.#m.assignorNames.join(', ')}.`,
      );
    }
  }

  /** The group a heartbeat addresses; a joining member (epoch 0) may create it. */
  #groupForHeartbeat(
    groupId: string,
    create: boolean,
    records: CoordinatorRecord[],
  ): ConsumerGroup {
    const existing = this.#m.deps.groups.get(groupId);
    if (existing instanceof ConsumerGroup) return existing;
    if (existing === undefined) {
      if (!create)
        throw new KafkaError('GROUP_ID_NOT_FOUND', `Consumer group ${groupId} not found.`);
      return new ConsumerGroup(groupId);
    }
    // An empty classic group gives way (its offsets stay); any other is refused.
    if (create && existing.state === 'Empty' && existing.isEmpty()) {
      records.push(groupMetadataRecord(groupId, null));
      return new ConsumerGroup(groupId);
    }
    throw new KafkaError('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a consumer group.`);
  }

  #heartbeat(
    req: ConsumerGroupHeartbeatRequest,
    ctx: RequestContext,
  ): CoordinatorResult<ConsumerGroupHeartbeatResponse> {
    const { config, topics } = this.#m.deps;
    const now = this.#m.deps.clock();
    const records: CoordinatorRecord[] = [];
    const groupId = req.groupId;
    const timings = memberTimings(this.#m.deps, groupId);
    const create = req.memberEpoch === 0;
    const group = this.#groupForHeartbeat(groupId, create, records);

    let memberId = req.memberId;
    if (
      group.members.size >= config.consumerGroupMaxSize &&
      (memberId === '' || !group.members.has(memberId))
    ) {
      throw new KafkaError(
        'GROUP_MAX_SIZE_REACHED',
        `The consumer group has reached its maximum capacity of ${config.consumerGroupMaxSize} members.`,
      );
    }
    if (memberId === '') memberId = this.#m.newMemberId();

    // The member: existing, new, or a static member replacing its departed predecessor.
    let member: ConsumerGroupMember;
    let replacedMemberId: string | null = null;
    if (req.instanceId === null) {
      const existing = group.members.get(memberId);
      if (existing === undefined && !create) {
        throw new KafkaError(
          'UNKNOWN_MEMBER_ID',
          `Member ${memberId} is not a member of group ${groupId}.`,
        );
      }
      member = existing ?? newConsumerGroupMember(memberId);
      validateMemberEpoch(member, req.memberEpoch, req.topicPartitions);
    } else {
      const previous = group.staticMember(req.instanceId);
      if (create) {
        if (previous === undefined) {
          member = group.members.get(memberId) ?? newConsumerGroupMember(memberId);
        } else {
          // The instance id is free only once its member left temporarily (epoch -2).
          if (previous.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            throw new KafkaError(
              'UNRELEASED_INSTANCE_ID',
              `Static member ${memberId} with instance id ${req.instanceId} cannot join the group because the instance id is owned by ${previous.memberId} member.`,
            );
          }
          member = { ...previous, memberId, memberEpoch: 0, previousMemberEpoch: 0 };
          replacedMemberId = previous.memberId;
          records.push(
            ...consumerGroupMemberTombstones(groupId, previous.memberId),
            consumerGroupMemberSubscriptionRecord(groupId, memberId, member),
            consumerGroupTargetAssignmentRecord(
              groupId,
              memberId,
              group.targetAssignment.get(previous.memberId) ?? EMPTY_ASSIGNMENT,
            ),
            consumerGroupCurrentAssignmentRecord(groupId, memberId, member),
          );
        }
      } else {
        if (previous === undefined) {
          throw new KafkaError('UNKNOWN_MEMBER_ID', `Instance id ${req.instanceId} is unknown.`);
        }
        if (previous.memberId !== memberId) {
          throw new KafkaError(
            'FENCED_INSTANCE_ID',
            `Static member ${memberId} with instance id ${req.instanceId} was fenced by member ${previous.memberId}.`,
          );
        }
        validateMemberEpoch(previous, req.memberEpoch, req.topicPartitions);
        member = previous;
      }
    }

    // 1. The member's subscription; a changed subscription bumps the group epoch.
    let updated: ConsumerGroupMember = {
      ...member,
      instanceId: req.instanceId ?? member.instanceId,
      rackId: req.rackId ?? member.rackId,
      rebalanceTimeoutMs:
        req.rebalanceTimeoutMs === -1 ? member.rebalanceTimeoutMs : req.rebalanceTimeoutMs,
      serverAssignor: req.serverAssignor ?? member.serverAssignor,
      subscribedTopicNames:
        req.subscribedTopicNames === null
          ? member.subscribedTopicNames
          : sortedUnique(req.subscribedTopicNames),
      subscribedTopicRegex: req.subscribedTopicRegex ?? member.subscribedTopicRegex,
      clientId: ctx.clientId,
      clientHost: ctx.clientHost,
    };
    // A new group must move away from epoch 0.
    let bumpGroupEpoch = group.groupEpoch === 0;
    if (!memberMetadataEquals(member, updated)) {
      records.push(consumerGroupMemberSubscriptionRecord(groupId, memberId, updated));
      if (!sameNames(member.subscribedTopicNames, updated.subscribedTopicNames)) {
        bumpGroupEpoch = true;
      }
    }
    if (updated.subscribedTopicRegex !== member.subscribedTopicRegex) {
      if (updated.subscribedTopicRegex !== '') compileTopicRegex(updated.subscribedTopicRegex);
      bumpGroupEpoch = true;
    }

    const updates = new Map<string, ConsumerGroupMember | null>();
    if (replacedMemberId !== null && replacedMemberId !== memberId) {
      updates.set(replacedMemberId, null);
    }
    updates.set(memberId, updated);

    // The subscribed topics that exist, and the group epoch.
    let groupEpoch = group.groupEpoch;
    let subscriptionMetadata = group.subscriptionMetadata;
    const refreshMetadata = bumpGroupEpoch || group.metadataRefreshNeeded;
    if (refreshMetadata) {
      subscriptionMetadata = this.#m.subscriptionMetadata(
        group.subscribedTopicNames(topics, updates),
      );
      if (!subscriptionMetadataEquals(subscriptionMetadata, group.subscriptionMetadata)) {
        bumpGroupEpoch = true;
        records.push(consumerGroupSubscriptionMetadataRecord(groupId, subscriptionMetadata));
      }
      if (bumpGroupEpoch) {
        groupEpoch += 1;
        records.push(consumerGroupEpochRecord(groupId, groupEpoch));
      }
    }

    // 2. A new target assignment when the group epoch moved past it.
    let targetAssignmentEpoch: number;
    let targetAssignment: Assignment;
    if (groupEpoch > group.assignmentEpoch) {
      const result = buildTargetAssignment({
        group,
        groupEpoch,
        assignor: this.#m.assignorFor(group, updates),
        updatedMembers: updates,
        subscriptionMetadata,
        subscribedTopicNames: (m) => this.#m.memberTopicNames(m),
      });
      records.push(...result.records);
      targetAssignmentEpoch = groupEpoch;
      targetAssignment = result.targetAssignment.get(memberId) ?? EMPTY_ASSIGNMENT;
    } else {
      targetAssignmentEpoch = group.assignmentEpoch;
      targetAssignment = group.targetAssignmentOf(memberId, updated.instanceId);
    }

    // 3. Reconcile the member towards its target.
    let rebalanceTimer: 'schedule' | 'cancel' | null = null;
    if (!isReconciledTo(updated, targetAssignmentEpoch)) {
      const next = reconcileMember(updated, {
        targetAssignmentEpoch,
        targetAssignment,
        currentPartitionEpoch: (topicId, partition) =>
          group.currentPartitionEpoch(topicId, partition),
        ownedTopicPartitions: req.topicPartitions,
      });
      if (!memberAssignmentEquals(next, updated)) {
        records.push(consumerGroupCurrentAssignmentRecord(groupId, memberId, next));
        rebalanceTimer = next.state === 'UNREVOKED_PARTITIONS' ? 'schedule' : 'cancel';
      }
      updated = next;
    }

    this.#m.apply(records);
    const live = this.#m.consumerGroup(groupId);
    if (live !== undefined) {
      live.sessionDeadlines.set(memberId, now + timings.sessionTimeoutMs);
      if (rebalanceTimer === 'schedule') {
        live.rebalanceDeadlines.set(memberId, {
          epoch: updated.memberEpoch,
          deadline: now + updated.rebalanceTimeoutMs,
        });
      } else if (rebalanceTimer === 'cancel') {
        live.rebalanceDeadlines.delete(memberId);
      }
      if (refreshMetadata) live.metadataRefreshNeeded = false;
    }

    // The assignment goes back on a full request (joining, or resending everything after an
    // error) and whenever it changed.
    const fullRequest =
      req.memberEpoch === 0 ||
      (req.rebalanceTimeoutMs !== -1 &&
        (req.subscribedTopicNames !== null || req.subscribedTopicRegex !== null) &&
        req.topicPartitions !== null);
    const sendAssignment =
      fullRequest || !assignmentsEqual(member.assignedPartitions, updated.assignedPartitions);
    return {
      response: {
        throttleTimeMs: 0,
        errorCode: E.NONE.code,
        errorMessage: null,
        memberId,
        memberEpoch: updated.memberEpoch,
        heartbeatIntervalMs: timings.heartbeatIntervalMs,
        assignment: sendAssignment
          ? { topicPartitions: assignmentToTopicPartitions(updated.assignedPartitions) }
          : null,
      },
      records,
    };
  }

  /** Epoch -1 (leave) or -2 (a static member leaving for now, keeping its partitions). */
  #leave(req: ConsumerGroupHeartbeatRequest): CoordinatorResult<ConsumerGroupHeartbeatResponse> {
    const group = this.#m.consumerGroupOrThrow(req.groupId);
    const response: ConsumerGroupHeartbeatResponse = {
      throttleTimeMs: 0,
      errorCode: E.NONE.code,
      errorMessage: null,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    };
    if (req.instanceId === null) {
      const member = group.members.get(req.memberId);
      if (member === undefined) {
        throw new KafkaError(
          'UNKNOWN_MEMBER_ID',
          `Member ${req.memberId} is not a member of group ${req.groupId}.`,
        );
      }
      return { response, records: this.#m.fence(group, member) };
    }
    const member = group.staticMember(req.instanceId);
    if (member === undefined) {
      throw new KafkaError('UNKNOWN_MEMBER_ID', `Instance id ${req.instanceId} is unknown.`);
    }
    if (member.memberId !== req.memberId) {
      throw new KafkaError(
        'FENCED_INSTANCE_ID',
        `Static member ${req.memberId} with instance id ${req.instanceId} was fenced by member ${member.memberId}.`,
      );
    }
    if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      const leaving: ConsumerGroupMember = {
        ...member,
        memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH,
        partitionsPendingRevocation: EMPTY_ASSIGNMENT,
      };
      const records = [
        consumerGroupCurrentAssignmentRecord(group.groupId, member.memberId, leaving),
      ];
      this.#m.apply(records);
      return {
        response: {
          ...response,
          memberId: member.memberId,
          memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH,
        },
        records,
      };
    }
    return { response, records: this.#m.fence(group, member) };
  }
}

/** Kafka's throwIfConsumerGroupMemberEpochIsInvalid. */
function validateMemberEpoch(
  member: ConsumerGroupMember,
  received: number,
  owned: readonly ConsumerGroupHeartbeatRequestTopicPartitions[] | null,
): void {
  if (received > member.memberEpoch) {
    throw new KafkaError(
      'FENCED_MEMBER_EPOCH',
      `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
    );
  }
  // The previous epoch is accepted when the response that bumped it may have been lost.
  if (
    received < member.memberEpoch &&
    (received !== member.previousMemberEpoch || !isSubset(owned, member.assignedPartitions))
  ) {
    throw new KafkaError(
      'FENCED_MEMBER_EPOCH',
      `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
    );
  }
}
