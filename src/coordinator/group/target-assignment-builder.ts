// Computes a consumer group's next target assignment and the records that persist it, Kafka's
// TargetAssignmentBuilder: run the assignor over every member (with the change being made
// applied), then write a ConsumerGroupTargetAssignmentMember record for each member whose target
// changed and a ConsumerGroupTargetAssignmentMetadata record with the new epoch.

import {
  EMPTY_ASSIGNMENT,
  assignmentsEqual,
  compareStrings,
  type Assignment,
} from './assignment.js';
import type { AssignmentMemberSpec, ConsumerGroupPartitionAssignor } from './assignors/index.js';
import type { ConsumerGroup, ConsumerGroupMember, TopicMetadata } from './consumer-group.js';
import {
  consumerGroupTargetAssignmentEpochRecord,
  consumerGroupTargetAssignmentRecord,
} from './consumer-group-records.js';
import type { CoordinatorRecord } from './records.js';

export interface TargetAssignmentInput {
  group: ConsumerGroup;
  groupEpoch: number;
  assignor: ConsumerGroupPartitionAssignor;
  /** Members whose change is not applied yet: a new or updated member, or null for a removal. */
  updatedMembers: ReadonlyMap<string, ConsumerGroupMember | null>;
  subscriptionMetadata: ReadonlyMap<string, TopicMetadata>;
  /** A member's subscribed topic names, its regex resolved. */
  subscribedTopicNames: (member: ConsumerGroupMember) => Iterable<string>;
}

export interface TargetAssignmentResult {
  targetAssignment: Map<string, Assignment>;
  records: CoordinatorRecord[];
}

export function buildTargetAssignment(input: TargetAssignmentInput): TargetAssignmentResult {
  const { group, subscriptionMetadata } = input;
  const members = new Map(group.members);
  for (const [memberId, m] of input.updatedMembers) {
    if (m === null) members.delete(memberId);
    else members.set(memberId, m);
  }

  const partitionsById = new Map<string, number>();
  for (const t of subscriptionMetadata.values()) partitionsById.set(t.topicId, t.numPartitions);

  const specs: AssignmentMemberSpec[] = [...members.values()]
    .sort((a, b) => compareStrings(a.memberId, b.memberId))
    .map((m) => {
      const topicIds = new Set<string>();
      for (const name of input.subscribedTopicNames(m)) {
        const t = subscriptionMetadata.get(name);
        if (t !== undefined) topicIds.add(t.topicId);
      }
      let assignment = group.targetAssignment.get(m.memberId) ?? EMPTY_ASSIGNMENT;
      // A static member replacing a departed one starts from its predecessor's target.
      const previousId = group.staticMemberId(m.instanceId);
      if (
        input.updatedMembers.has(m.memberId) &&
        previousId !== undefined &&
        previousId !== m.memberId
      ) {
        assignment = group.targetAssignment.get(previousId) ?? EMPTY_ASSIGNMENT;
      }
      return {
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        subscribedTopicIds: topicIds,
        assignment,
      };
    });

  const computed = input.assignor.assign(
    { members: specs },
    { numPartitions: (topicId) => partitionsById.get(topicId) ?? -1 },
  );

  const targetAssignment = new Map<string, Assignment>();
  const records: CoordinatorRecord[] = [];
  for (const spec of specs) {
    const next = computed.get(spec.memberId) ?? EMPTY_ASSIGNMENT;
    targetAssignment.set(spec.memberId, next);
    const previous = group.targetAssignment.get(spec.memberId);
    if (previous === undefined || !assignmentsEqual(previous, next)) {
      records.push(consumerGroupTargetAssignmentRecord(group.groupId, spec.memberId, next));
    }
  }
  records.push(consumerGroupTargetAssignmentEpochRecord(group.groupId, input.groupEpoch));
  return { targetAssignment, records };
}
