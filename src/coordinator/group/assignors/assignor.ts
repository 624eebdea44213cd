// Server-side partition assignors of KIP-848 consumer groups, Kafka's
// ConsumerGroupPartitionAssignor: given every member's subscription (as topic ids) and its
// current target assignment, compute the next target assignment. Pure and deterministic: the
// same input gives the same output, whatever order maps were filled in.

import type { Assignment } from '../assignment.js';

export interface AssignmentMemberSpec {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  /** Topics the member subscribes to that exist (in the subscription metadata). */
  readonly subscribedTopicIds: ReadonlySet<string>;
  /** The member's current target assignment (its predecessor's for a replacing static member). */
  readonly assignment: Assignment;
}

export interface GroupSpec {
  /** Sorted by member id. */
  readonly members: readonly AssignmentMemberSpec[];
}

/** Partition counts of the subscribed topics. */
export interface SubscribedTopicDescriber {
  /** The partition count, or -1 for a topic the group's metadata does not know. */
  numPartitions(topicId: string): number;
}

export interface ConsumerGroupPartitionAssignor {
  readonly name: string;
  /** The new target assignment of every member in `group.members`. */
  assign(group: GroupSpec, topics: SubscribedTopicDescriber): Map<string, Assignment>;
}
