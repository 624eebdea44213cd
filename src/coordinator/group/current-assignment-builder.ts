// Incremental reconciliation of one member towards its target assignment, Kafka's
// CurrentAssignmentBuilder.
//
// A member never owns a partition another member still owns. Moving towards a new target:
//   1. Partitions it owns that left its target are first revoked: the member stays in its epoch
//      in UNREVOKED_PARTITIONS until a heartbeat reports owned partitions without them.
//   2. Then it moves to the target epoch and gets the target partitions that are free; those
//      still owned by another member (their previous owner has not revoked them yet) are
//      "unreleased": the member waits in UNRELEASED_PARTITIONS and gets them on a later
//      heartbeat, once their owner let them go.
//   3. With nothing left to revoke or wait for, the member is STABLE at the target epoch.

import type { ConsumerGroupHeartbeatRequestTopicPartitions } from '../../protocol/generated/api/consumer-group-heartbeat.js';
import { EMPTY_ASSIGNMENT, addPartition, assignmentHas, type Assignment } from './assignment.js';
import type { ConsumerGroupMember } from './consumer-group.js';
import { KafkaError } from '../../errors/kafka-error.js';

export interface ReconcileInput {
  targetAssignmentEpoch: number;
  targetAssignment: Assignment;
  /** The epoch of the member owning a partition, or -1 when it is free. */
  currentPartitionEpoch: (topicId: string, partition: number) => number;
  /** The partitions the member reported owning in this heartbeat; null when not sent. */
  ownedTopicPartitions: readonly ConsumerGroupHeartbeatRequestTopicPartitions[] | null;
}

/** The member's next state; the same object when nothing changes. */
export function reconcileMember(
  member: ConsumerGroupMember,
  input: ReconcileInput,
): ConsumerGroupMember {
  switch (member.state) {
    case 'STABLE':
      // A newer target is available: move towards it.
      if (member.memberEpoch !== input.targetAssignmentEpoch) {
        return computeNextAssignment(member, member.memberEpoch, input);
      }
      return member;
    case 'UNREVOKED_PARTITIONS':
      // Wait until the member no longer reports any partition it must revoke.
      if (ownsAnyOf(input.ownedTopicPartitions, member.partitionsPendingRevocation)) return member;
      return computeNextAssignment(member, member.memberEpoch, input);
    case 'UNRELEASED_PARTITIONS':
      return computeNextAssignment(member, member.memberEpoch, input);
    case 'UNKNOWN':
      // A state a newer coordinator wrote: start over, once the member holds nothing.
      if (input.ownedTopicPartitions === null || input.ownedTopicPartitions.length > 0) {
        throw new KafkaError(
          'FENCED_MEMBER_EPOCH',
          'The consumer group member is in a unknown state. The member must abandon all its partitions and rejoin.',
        );
      }
      return computeNextAssignment(member, input.targetAssignmentEpoch, input);
  }
}

function ownsAnyOf(
  owned: readonly ConsumerGroupHeartbeatRequestTopicPartitions[] | null,
  revoking: Assignment,
): boolean {
  // Not reporting owned partitions means nothing was acknowledged.
  if (owned === null) return true;
  for (const tp of owned) {
    for (const p of tp.partitions) if (assignmentHas(revoking, tp.topicId, p)) return true;
  }
  return false;
}

function computeNextAssignment(
  member: ConsumerGroupMember,
  memberEpoch: number,
  input: ReconcileInput,
): ConsumerGroupMember {
  const target = input.targetAssignment;
  const current = member.assignedPartitions;
  const assigned = new Map<string, Set<number>>();
  const pendingRevocation = new Map<string, Set<number>>();
  const pendingAssignment = new Map<string, Set<number>>();
  let hasUnreleased = false;

  const topicIds = new Set([...target.keys(), ...current.keys()]);
  for (const topicId of topicIds) {
    const targetPartitions = target.get(topicId) ?? new Set<number>();
    const currentPartitions = current.get(topicId) ?? new Set<number>();
    for (const p of currentPartitions) {
      // Kept: assigned ∩ target. Revoked: assigned − target.
      if (targetPartitions.has(p)) addPartition(assigned, topicId, p);
      else addPartition(pendingRevocation, topicId, p);
    }
    for (const p of targetPartitions) {
      if (currentPartitions.has(p)) continue;
      // Owned by another member (its own pending revocations aside): unreleased for now.
      const owned =
        input.currentPartitionEpoch(topicId, p) !== -1 &&
        !assignmentHas(member.partitionsPendingRevocation, topicId, p);
      if (owned) hasUnreleased = true;
      else addPartition(pendingAssignment, topicId, p);
    }
  }

  if (pendingRevocation.size > 0 && ownsAnyOf(input.ownedTopicPartitions, pendingRevocation)) {
    // Revoke first: the member stays in its epoch until it acknowledges.
    return {
      ...member,
      state: 'UNREVOKED_PARTITIONS',
      ...epochs(member, memberEpoch),
      assignedPartitions: assigned,
      partitionsPendingRevocation: pendingRevocation,
    };
  }
  for (const [topicId, partitions] of pendingAssignment) {
    for (const p of partitions) addPartition(assigned, topicId, p);
  }
  return {
    ...member,
    state: hasUnreleased ? 'UNRELEASED_PARTITIONS' : 'STABLE',
    ...epochs(member, input.targetAssignmentEpoch),
    assignedPartitions: assigned,
    partitionsPendingRevocation: EMPTY_ASSIGNMENT,
  };
}

/** Kafka's updateMemberEpoch: the previous epoch becomes the one the member had. */
function epochs(
  member: ConsumerGroupMember,
  memberEpoch: number,
): { memberEpoch: number; previousMemberEpoch: number } {
  return { memberEpoch, previousMemberEpoch: member.memberEpoch };
}
