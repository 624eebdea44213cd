// Replay of the KIP-848 consumer group records (key versions 3 to 8), Kafka's
// GroupMetadataManager.replay overloads, and the persisted view the replay property compares.
// Replay is the only way consumer group state changes: handlers apply their own records
// through it, so a live shard and one loaded from its partition hold the same groups.

import { EMPTY_ASSIGNMENT, assignmentToTopicPartitions, compareStrings } from './assignment.js';
import type { ClassicGroup } from './classic-group.js';
import {
  ConsumerGroup,
  LEAVE_GROUP_MEMBER_EPOCH,
  newConsumerGroupMember,
  type ConsumerGroupMember,
} from './consumer-group.js';
import type { ConsumerGroupRecord } from './consumer-group-records.js';

type Groups = Map<string, ClassicGroup | ConsumerGroup>;

function consumerGroupOf(groups: Groups, groupId: string): ConsumerGroup | undefined {
  const group = groups.get(groupId);
  return group instanceof ConsumerGroup ? group : undefined;
}

/**
 * Applies one consumer group record, Kafka's GroupMetadataManager.replay overloads. `now`
 * starts the session of a member that appears (also when loading, as Kafka's onLoaded does).
 */
export function replayConsumerGroupRecord(
  groups: Groups,
  r: ConsumerGroupRecord,
  now: number,
  sessionTimeoutMs: number,
): void {
  switch (r.kind) {
    case 'group-epoch': {
      if (r.epoch !== null) {
        const group = persistedGroup(groups, r.groupId);
        group.groupEpoch = r.epoch;
        group.updateState();
      } else {
        const group = consumerGroupOf(groups, r.groupId);
        if (group !== undefined) {
          group.state = 'Dead';
          groups.delete(r.groupId);
        }
      }
      return;
    }
    case 'subscription-metadata': {
      if (r.topics !== null) persistedGroup(groups, r.groupId).subscriptionMetadata = r.topics;
      else {
        const group = consumerGroupOf(groups, r.groupId);
        if (group !== undefined) group.subscriptionMetadata = new Map();
      }
      return;
    }
    case 'member-subscription': {
      if (r.value !== null) {
        const group = persistedGroup(groups, r.groupId);
        const old = group.members.get(r.memberId);
        group.updateMember({ ...(old ?? newConsumerGroupMember(r.memberId)), ...r.value });
        // A member's session starts when it appears, also when loading (as Kafka's onLoaded).
        if (!group.sessionDeadlines.has(r.memberId)) {
          group.sessionDeadlines.set(r.memberId, now + sessionTimeoutMs);
        }
      } else {
        consumerGroupOf(groups, r.groupId)?.removeMember(r.memberId);
      }
      return;
    }
    case 'target-assignment-epoch': {
      if (r.assignmentEpoch !== null) {
        const group = persistedGroup(groups, r.groupId);
        group.assignmentEpoch = r.assignmentEpoch;
        group.updateState();
      } else {
        const group = consumerGroupOf(groups, r.groupId);
        if (group !== undefined) {
          group.assignmentEpoch = -1;
          group.updateState();
        }
      }
      return;
    }
    case 'target-assignment': {
      if (r.assignment !== null) {
        persistedGroup(groups, r.groupId).setTargetAssignment(r.memberId, r.assignment);
      } else {
        consumerGroupOf(groups, r.groupId)?.setTargetAssignment(r.memberId, null);
      }
      return;
    }
    case 'current-assignment': {
      if (r.value !== null) {
        const group = persistedGroup(groups, r.groupId);
        const old = group.members.get(r.memberId) ?? newConsumerGroupMember(r.memberId);
        const member: ConsumerGroupMember = { ...old, ...r.value };
        group.updateMember(member);
        if (!group.sessionDeadlines.has(r.memberId)) {
          group.sessionDeadlines.set(r.memberId, now + sessionTimeoutMs);
        }
        // A member with partitions to revoke must do so within its rebalance timeout.
        if (member.state === 'UNREVOKED_PARTITIONS') {
          if (group.rebalanceDeadlines.get(r.memberId)?.epoch !== member.memberEpoch) {
            group.rebalanceDeadlines.set(r.memberId, {
              epoch: member.memberEpoch,
              deadline: now + member.rebalanceTimeoutMs,
            });
          }
        } else {
          group.rebalanceDeadlines.delete(r.memberId);
        }
      } else {
        const group = consumerGroupOf(groups, r.groupId);
        const old = group?.members.get(r.memberId);
        if (group !== undefined && old !== undefined) {
          group.updateMember({
            ...old,
            memberEpoch: LEAVE_GROUP_MEMBER_EPOCH,
            previousMemberEpoch: LEAVE_GROUP_MEMBER_EPOCH,
            assignedPartitions: EMPTY_ASSIGNMENT,
            partitionsPendingRevocation: EMPTY_ASSIGNMENT,
          });
        }
      }
      return;
    }
  }
}

/**
 * The group a replayed record belongs to, created if needed. An empty classic group (one that
 * only held offsets) gives way, as Kafka's getOrMaybeCreatePersistedConsumerGroup does.
 */
function persistedGroup(groups: Groups, groupId: string): ConsumerGroup {
  const group = groups.get(groupId);
  if (group instanceof ConsumerGroup) return group;
  if (group !== undefined && !(group.state === 'Empty' && group.isEmpty())) {
    throw new Error(`Cannot replay a consumer group record of ${groupId}: it is a classic group`);
  }
  const created = new ConsumerGroup(groupId);
  groups.set(groupId, created);
  return created;
}

/** The persisted view of every consumer group, for the shard's snapshot. */
export function consumerGroupsSnapshot(groups: Groups): unknown[] {
  return [...groups.values()]
    .filter((g): g is ConsumerGroup => g instanceof ConsumerGroup)
    .sort((a, b) => compareStrings(a.groupId, b.groupId))
    .map((g) => ({
      groupId: g.groupId,
      state: g.state,
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      subscriptionMetadata: [...g.subscriptionMetadata.values()].sort((a, b) =>
        compareStrings(a.name, b.name),
      ),
      members: [...g.members.values()]
        .sort((a, b) => compareStrings(a.memberId, b.memberId))
        .map((m) => ({
          ...m,
          subscribedTopicNames: [...m.subscribedTopicNames],
          assignedPartitions: assignmentToTopicPartitions(m.assignedPartitions),
          partitionsPendingRevocation: assignmentToTopicPartitions(m.partitionsPendingRevocation),
        })),
      targetAssignment: [...g.targetAssignment.entries()]
        .sort(([a], [b]) => compareStrings(a, b))
        .map(([memberId, a]) => ({ memberId, partitions: assignmentToTopicPartitions(a) })),
    }));
}
