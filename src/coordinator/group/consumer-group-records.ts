// `__consumer_offsets` records of KIP-848 consumer groups, in Kafka's formats.
//
// Key versions (the int16 each key starts with, which also names the record type):
//   3 ConsumerGroupMetadata                 group epoch
//   4 ConsumerGroupPartitionMetadata        subscribed topics that exist (id, partition count)
//   5 ConsumerGroupMemberMetadata           a member's subscription
//   6 ConsumerGroupTargetAssignmentMetadata the target assignment epoch
//   7 ConsumerGroupTargetAssignmentMember   a member's target assignment
//   8 ConsumerGroupCurrentMemberAssignment  a member's epoch, state and current assignment
// Every value is version 0 and starts with that int16 too. A null value is a tombstone. Lists of
// topic partitions are written sorted (topic id, then partition), topics of the partition
// metadata by name, so equal state encodes to equal bytes.

import { Reader, Writer } from '../../protocol/primitives/index.js';
import {
  decodeConsumerGroupMetadataKey,
  encodeConsumerGroupMetadataKey,
} from '../../protocol/generated/group-coordinator/consumer-group-metadata-key.js';
import {
  decodeConsumerGroupMetadataValue,
  encodeConsumerGroupMetadataValue,
} from '../../protocol/generated/group-coordinator/consumer-group-metadata-value.js';
import {
  decodeConsumerGroupPartitionMetadataKey,
  encodeConsumerGroupPartitionMetadataKey,
} from '../../protocol/generated/group-coordinator/consumer-group-partition-metadata-key.js';
import {
  decodeConsumerGroupPartitionMetadataValue,
  encodeConsumerGroupPartitionMetadataValue,
} from '../../protocol/generated/group-coordinator/consumer-group-partition-metadata-value.js';
import {
  decodeConsumerGroupMemberMetadataKey,
  encodeConsumerGroupMemberMetadataKey,
} from '../../protocol/generated/group-coordinator/consumer-group-member-metadata-key.js';
import {
  decodeConsumerGroupMemberMetadataValue,
  encodeConsumerGroupMemberMetadataValue,
  type ConsumerGroupMemberMetadataValue,
} from '../../protocol/generated/group-coordinator/consumer-group-member-metadata-value.js';
import {
  decodeConsumerGroupTargetAssignmentMetadataKey,
  encodeConsumerGroupTargetAssignmentMetadataKey,
} from '../../protocol/generated/group-coordinator/consumer-group-target-assignment-metadata-key.js';
import {
  decodeConsumerGroupTargetAssignmentMetadataValue,
  encodeConsumerGroupTargetAssignmentMetadataValue,
} from '../../protocol/generated/group-coordinator/consumer-group-target-assignment-metadata-value.js';
import {
  decodeConsumerGroupTargetAssignmentMemberKey,
  encodeConsumerGroupTargetAssignmentMemberKey,
} from '../../protocol/generated/group-coordinator/consumer-group-target-assignment-member-key.js';
import {
  decodeConsumerGroupTargetAssignmentMemberValue,
  encodeConsumerGroupTargetAssignmentMemberValue,
} from '../../protocol/generated/group-coordinator/consumer-group-target-assignment-member-value.js';
import {
  decodeConsumerGroupCurrentMemberAssignmentKey,
  encodeConsumerGroupCurrentMemberAssignmentKey,
} from '../../protocol/generated/group-coordinator/consumer-group-current-member-assignment-key.js';
import {
  decodeConsumerGroupCurrentMemberAssignmentValue,
  encodeConsumerGroupCurrentMemberAssignmentValue,
  type ConsumerGroupCurrentMemberAssignmentValue,
} from '../../protocol/generated/group-coordinator/consumer-group-current-member-assignment-value.js';
import type { CoordinatorRecord } from './records.js';
import {
  assignmentFromTopicPartitions,
  assignmentToTopicPartitions,
  compareStrings,
  type Assignment,
} from './assignment.js';
import {
  MEMBER_STATE_VALUES,
  memberStateFromValue,
  type ConsumerGroupMember,
  type TopicMetadata,
} from './consumer-group.js';

export const CONSUMER_GROUP_METADATA_KEY_VERSION = 3;
export const CONSUMER_GROUP_PARTITION_METADATA_KEY_VERSION = 4;
export const CONSUMER_GROUP_MEMBER_METADATA_KEY_VERSION = 5;
export const CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA_KEY_VERSION = 6;
export const CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER_KEY_VERSION = 7;
export const CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT_KEY_VERSION = 8;
const VALUE_VERSION = 0;

function versioned(version: number, encode: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.writeInt16(version);
  encode(w);
  return w.toBuffer();
}

function record(
  keyVersion: number,
  encodeKey: (w: Writer) => void,
  encodeValue: ((w: Writer) => void) | null,
): CoordinatorRecord {
  return {
    key: versioned(keyVersion, encodeKey),
    value: encodeValue === null ? null : versioned(VALUE_VERSION, encodeValue),
  };
}

// ---- Builders ----------------------------------------------------------------------------

export function consumerGroupEpochRecord(groupId: string, epoch: number | null): CoordinatorRecord {
  const v = CONSUMER_GROUP_METADATA_KEY_VERSION;
  return record(
    v,
    (w) => encodeConsumerGroupMetadataKey(w, v, { groupId }),
    epoch === null ? null : (w) => encodeConsumerGroupMetadataValue(w, VALUE_VERSION, { epoch }),
  );
}

export function consumerGroupSubscriptionMetadataRecord(
  groupId: string,
  metadata: ReadonlyMap<string, TopicMetadata> | null,
): CoordinatorRecord {
  const v = CONSUMER_GROUP_PARTITION_METADATA_KEY_VERSION;
  return record(
    v,
    (w) => encodeConsumerGroupPartitionMetadataKey(w, v, { groupId }),
    metadata === null
      ? null
      : (w) =>
          encodeConsumerGroupPartitionMetadataValue(w, VALUE_VERSION, {
            topics: [...metadata.values()]
              .sort((a, b) => compareStrings(a.name, b.name))
              .map((t) => ({
                topicId: t.topicId,
                topicName: t.name,
                numPartitions: t.numPartitions,
                partitionMetadata: [],
              })),
          }),
  );
}

export function consumerGroupMemberSubscriptionRecord(
  groupId: string,
  memberId: string,
  member: ConsumerGroupMember | null,
): CoordinatorRecord {
  const v = CONSUMER_GROUP_MEMBER_METADATA_KEY_VERSION;
  return record(
    v,
    (w) => encodeConsumerGroupMemberMetadataKey(w, v, { groupId, memberId }),
    member === null
      ? null
      : (w) =>
          encodeConsumerGroupMemberMetadataValue(w, VALUE_VERSION, {
            instanceId: member.instanceId,
            rackId: member.rackId,
            clientId: member.clientId,
            clientHost: member.clientHost,
            subscribedTopicNames: [...member.subscribedTopicNames],
            subscribedTopicRegex: member.subscribedTopicRegex,
            rebalanceTimeoutMs: member.rebalanceTimeoutMs,
            serverAssignor: member.serverAssignor,
            classicMemberMetadata: null,
          }),
  );
}

export function consumerGroupTargetAssignmentEpochRecord(
  groupId: string,
  assignmentEpoch: number | null,
): CoordinatorRecord {
  const v = CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA_KEY_VERSION;
  return record(
    v,
    (w) => encodeConsumerGroupTargetAssignmentMetadataKey(w, v, { groupId }),
    assignmentEpoch === null
      ? null
      : (w) =>
          encodeConsumerGroupTargetAssignmentMetadataValue(w, VALUE_VERSION, { assignmentEpoch }),
  );
}

export function consumerGroupTargetAssignmentRecord(
  groupId: string,
  memberId: string,
  assignment: Assignment | null,
): CoordinatorRecord {
  const v = CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER_KEY_VERSION;
  return record(
    v,
    (w) => encodeConsumerGroupTargetAssignmentMemberKey(w, v, { groupId, memberId }),
    assignment === null
      ? null
      : (w) =>
          encodeConsumerGroupTargetAssignmentMemberValue(w, VALUE_VERSION, {
            topicPartitions: assignmentToTopicPartitions(assignment),
          }),
  );
}

export function consumerGroupCurrentAssignmentRecord(
  groupId: string,
  memberId: string,
  member: ConsumerGroupMember | null,
): CoordinatorRecord {
  const v = CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT_KEY_VERSION;
  return record(
    v,
    (w) => encodeConsumerGroupCurrentMemberAssignmentKey(w, v, { groupId, memberId }),
    member === null
      ? null
      : (w) =>
          encodeConsumerGroupCurrentMemberAssignmentValue(w, VALUE_VERSION, {
            memberEpoch: member.memberEpoch,
            previousMemberEpoch: member.previousMemberEpoch,
            state: MEMBER_STATE_VALUES[member.state],
            assignedPartitions: assignmentToTopicPartitions(member.assignedPartitions),
            partitionsPendingRevocation: assignmentToTopicPartitions(
              member.partitionsPendingRevocation,
            ),
          }),
  );
}

/** Kafka's removeMember: the member's three tombstones, in Kafka's order. */
export function consumerGroupMemberTombstones(
  groupId: string,
  memberId: string,
): CoordinatorRecord[] {
  return [
    consumerGroupCurrentAssignmentRecord(groupId, memberId, null),
    consumerGroupTargetAssignmentRecord(groupId, memberId, null),
    consumerGroupMemberSubscriptionRecord(groupId, memberId, null),
  ];
}

// ---- Decoding ----------------------------------------------------------------------------

/** The persisted part of a member subscription, as replay applies it. */
export interface MemberSubscriptionValue {
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string;
  rebalanceTimeoutMs: number;
  serverAssignor: string | null;
}

export interface MemberAssignmentValue {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: ConsumerGroupMember['state'];
  assignedPartitions: Assignment;
  partitionsPendingRevocation: Assignment;
}

export type ConsumerGroupRecord =
  | { kind: 'group-epoch'; groupId: string; epoch: number | null }
  | {
      kind: 'subscription-metadata';
      groupId: string;
      topics: ReadonlyMap<string, TopicMetadata> | null;
    }
  | {
      kind: 'member-subscription';
      groupId: string;
      memberId: string;
      value: MemberSubscriptionValue | null;
    }
  | { kind: 'target-assignment-epoch'; groupId: string; assignmentEpoch: number | null }
  | { kind: 'target-assignment'; groupId: string; memberId: string; assignment: Assignment | null }
  | {
      kind: 'current-assignment';
      groupId: string;
      memberId: string;
      value: MemberAssignmentValue | null;
    };

function valueReader(value: Buffer): { r: Reader; version: number } {
  const r = new Reader(value);
  return { r, version: r.readInt16() };
}

function subscriptionFromValue(v: ConsumerGroupMemberMetadataValue): MemberSubscriptionValue {
  return {
    instanceId: v.instanceId,
    rackId: v.rackId,
    clientId: v.clientId,
    clientHost: v.clientHost,
    subscribedTopicNames: [...new Set(v.subscribedTopicNames)].sort(compareStrings),
    subscribedTopicRegex: v.subscribedTopicRegex ?? '',
    rebalanceTimeoutMs: v.rebalanceTimeoutMs,
    serverAssignor: v.serverAssignor,
  };
}

function assignmentFromValue(v: ConsumerGroupCurrentMemberAssignmentValue): MemberAssignmentValue {
  return {
    memberEpoch: v.memberEpoch,
    previousMemberEpoch: v.previousMemberEpoch,
    state: memberStateFromValue(v.state),
    assignedPartitions: assignmentFromTopicPartitions(v.assignedPartitions),
    partitionsPendingRevocation: assignmentFromTopicPartitions(v.partitionsPendingRevocation),
  };
}

/**
 * Decodes a consumer group record whose key version (already read from `kr`) is 3 to 8; null
 * for any other key version.
 */
export function decodeConsumerGroupRecord(
  kr: Reader,
  keyVersion: number,
  value: Buffer | null,
): ConsumerGroupRecord | null {
  switch (keyVersion) {
    case CONSUMER_GROUP_METADATA_KEY_VERSION: {
      const { groupId } = decodeConsumerGroupMetadataKey(kr, keyVersion);
      if (value === null) return { kind: 'group-epoch', groupId, epoch: null };
      const { r, version } = valueReader(value);
      return {
        kind: 'group-epoch',
        groupId,
        epoch: decodeConsumerGroupMetadataValue(r, version).epoch,
      };
    }
    case CONSUMER_GROUP_PARTITION_METADATA_KEY_VERSION: {
      const { groupId } = decodeConsumerGroupPartitionMetadataKey(kr, keyVersion);
      if (value === null) return { kind: 'subscription-metadata', groupId, topics: null };
      const { r, version } = valueReader(value);
      const topics = new Map<string, TopicMetadata>();
      for (const t of decodeConsumerGroupPartitionMetadataValue(r, version).topics) {
        topics.set(t.topicName, {
          topicId: t.topicId,
          name: t.topicName,
          numPartitions: t.numPartitions,
        });
      }
      return { kind: 'subscription-metadata', groupId, topics };
    }
    case CONSUMER_GROUP_MEMBER_METADATA_KEY_VERSION: {
      const { groupId, memberId } = decodeConsumerGroupMemberMetadataKey(kr, keyVersion);
      if (value === null) return { kind: 'member-subscription', groupId, memberId, value: null };
      const { r, version } = valueReader(value);
      return {
        kind: 'member-subscription',
        groupId,
        memberId,
        value: subscriptionFromValue(decodeConsumerGroupMemberMetadataValue(r, version)),
      };
    }
    case CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA_KEY_VERSION: {
      const { groupId } = decodeConsumerGroupTargetAssignmentMetadataKey(kr, keyVersion);
      if (value === null) {
        return { kind: 'target-assignment-epoch', groupId, assignmentEpoch: null };
      }
      const { r, version } = valueReader(value);
      return {
        kind: 'target-assignment-epoch',
        groupId,
        assignmentEpoch: decodeConsumerGroupTargetAssignmentMetadataValue(r, version)
          .assignmentEpoch,
      };
    }
    case CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER_KEY_VERSION: {
      const { groupId, memberId } = decodeConsumerGroupTargetAssignmentMemberKey(kr, keyVersion);
      if (value === null) {
        return { kind: 'target-assignment', groupId, memberId, assignment: null };
      }
      const { r, version } = valueReader(value);
      return {
        kind: 'target-assignment',
        groupId,
        memberId,
        assignment: assignmentFromTopicPartitions(
          decodeConsumerGroupTargetAssignmentMemberValue(r, version).topicPartitions,
        ),
      };
    }
    case CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT_KEY_VERSION: {
      const { groupId, memberId } = decodeConsumerGroupCurrentMemberAssignmentKey(kr, keyVersion);
      if (value === null) return { kind: 'current-assignment', groupId, memberId, value: null };
      const { r, version } = valueReader(value);
      return {
        kind: 'current-assignment',
        groupId,
        memberId,
        value: assignmentFromValue(decodeConsumerGroupCurrentMemberAssignmentValue(r, version)),
      };
    }
    default:
      return null;
  }
}
