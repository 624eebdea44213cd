// Consumer lag of one group: per partition, the committed offset against the log end offset, and
// which member owns the partition now — the rows of `kafka-consumer-groups.sh --describe`, computed
// where both numbers live. Rows cover every partition the group committed or its members own.
//
// Owners come from the current assignment: a KIP-848 member's assigned partitions, or, for a
// classic group using the "consumer" protocol type, each member's ConsumerProtocolAssignment as
// its leader computed it (other protocol types, such as Connect's, carry no partitions we can read).
// Lag is null when nothing is committed or the partition no longer exists, as Kafka's tool
// prints "-".

import { Reader } from '../../protocol/primitives/index.js';
import { decodeConsumerProtocolAssignment } from '../../protocol/generated/message/consumer-protocol-assignment.js';
import type { GroupCoordinatorShard } from './group-coordinator-shard.js';
import { ClassicGroup } from './classic-group.js';
import type { TopicsView } from './topics-view.js';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** null when the group never committed this partition. */
  readonly committedOffset: bigint | null;
  /** null when the partition does not exist (any more). */
  readonly logEndOffset: bigint | null;
  readonly lag: bigint | null;
  /** The owning member, or null when no member owns the partition. */
  readonly memberId: string | null;
  readonly groupInstanceId: string | null;
  readonly clientId: string | null;
  readonly clientHost: string | null;
}

interface Owner {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
}

/** The log end offset of a partition, or undefined when there is no such partition. */
export type EndOffsets = (topic: string, partition: number) => bigint | undefined;

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** The newest ConsumerProtocolAssignment version we know; newer ones are read with it (Kafka's rule). */
const MAX_ASSIGNMENT_VERSION = 3;

function classicOwners(
  group: ClassicGroup,
): Map<string, Owner & { topic: string; partition: number }> {
  const owners = new Map<string, Owner & { topic: string; partition: number }>();
  if (group.protocolType !== 'consumer') return owners;
  for (const m of group.members.values()) {
    if (m.assignment.length < 2) continue;
    try {
      const r = new Reader(m.assignment);
      const version = Math.min(r.readInt16(), MAX_ASSIGNMENT_VERSION);
      const assignment = decodeConsumerProtocolAssignment(r, Math.max(version, 0));
      for (const tp of assignment.assignedPartitions) {
        for (const partition of tp.partitions) {
          owners.set(key(tp.topic, partition), {
            topic: tp.topic,
            partition,
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
          });
        }
      }
    } catch {
      // An assignment that is not ConsumerProtocolAssignment: its partitions are unknown.
    }
  }
  return owners;
}

/**
 * The lag rows of `groupId` on `shard`, sorted by topic then partition; undefined when the shard
 * has no such group.
 */
export function groupLag(
  shard: GroupCoordinatorShard,
  groupId: string,
  endOffsets: EndOffsets,
  topics: TopicsView,
): PartitionLag[] | undefined {
  const group = shard.groups.get(groupId);
  if (group === undefined) return undefined;
  let owners: Map<string, Owner & { topic: string; partition: number }>;
  if (group instanceof ClassicGroup) owners = classicOwners(group);
  else {
    owners = new Map();
    for (const m of group.members.values()) {
      for (const [topicId, partitions] of m.assignedPartitions) {
        const topic = topics.byId(topicId)?.name;
        if (topic === undefined) continue;
        for (const partition of partitions) {
          owners.set(key(topic, partition), {
            topic,
            partition,
            memberId: m.memberId,
            groupInstanceId: m.instanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
          });
        }
      }
    }
  }
  const rows = new Map<string, PartitionLag>();
  const row = (topic: string, partition: number, committedOffset: bigint | null): PartitionLag => {
    const owner = owners.get(key(topic, partition));
    const logEndOffset = endOffsets(topic, partition) ?? null;
    return {
      topic,
      partition,
      committedOffset,
      logEndOffset,
      lag:
        committedOffset === null || logEndOffset === null
          ? null
          : logEndOffset > committedOffset
            ? logEndOffset - committedOffset
            : 0n,
      memberId: owner?.memberId ?? null,
      groupInstanceId: owner?.groupInstanceId ?? null,
      clientId: owner?.clientId ?? null,
      clientHost: owner?.clientHost ?? null,
    };
  };
  for (const { topic, partition, offset } of shard.offsets.list(groupId)) {
    rows.set(key(topic, partition), row(topic, partition, offset.committedOffset));
  }
  for (const { topic, partition } of owners.values()) {
    if (!rows.has(key(topic, partition)))
      rows.set(key(topic, partition), row(topic, partition, null));
  }
  return [...rows.values()].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}
