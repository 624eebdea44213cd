// Kafka's RangeAssignor (partition.assignment.strategy "range"), run by the classic group's leader:
// for each topic, the members subscribed to it sorted (by group instance id when they have one,
// else by member id), and its partitions, in order, split into contiguous ranges — the first
// numPartitions % numMembers members get one extra. Also the ConsumerProtocol encodings the
// members exchange: an int16 version, then ConsumerProtocolSubscription / ConsumerProtocolAssignment.
import {
  decodeConsumerProtocolAssignment,
  encodeConsumerProtocolAssignment,
} from '../../protocol/generated/message/consumer-protocol-assignment.js';
import {
  decodeConsumerProtocolSubscription,
  encodeConsumerProtocolSubscription,
} from '../../protocol/generated/message/consumer-protocol-subscription.js';
import { Reader, Writer } from '../../protocol/primitives/index.js';
import type { TopicPartition } from './list-offsets.js';

/** The newest ConsumerProtocol versions Samsa's codecs know; newer ones are read with these. */
const MAX_SUBSCRIPTION_VERSION = 3;
const MAX_ASSIGNMENT_VERSION = 3;

export interface MemberSubscription {
  memberId: string;
  groupInstanceId: string | null;
  topics: readonly string[];
}

/** member id → its partitions. `partitionCounts` gives each subscribed topic's partition count. */
export function rangeAssign(
  members: readonly MemberSubscription[],
  partitionCounts: ReadonlyMap<string, number>,
): Map<string, TopicPartition[]> {
  const out = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
  const sortKey = (m: MemberSubscription): string => m.groupInstanceId ?? m.memberId;
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
  for (const topic of topics) {
    const count = partitionCounts.get(topic);
    if (count === undefined || count <= 0) continue;
    const subscribers = members
      .filter((m) => m.topics.includes(topic))
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    const per = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    subscribers.forEach((m, i) => {
      const start = per * i + Math.min(i, extra);
      const length = per + (i + 1 > extra ? 0 : 1);
      for (let p = start; p < start + length; p++)
        out.get(m.memberId)!.push({ topic, partition: p });
    });
  }
  return out;
}

export function encodeSubscription(
  topics: readonly string[],
  owned: readonly TopicPartition[],
): Buffer {
  const w = new Writer(64);
  const version = 1;
  w.writeInt16(version);
  encodeConsumerProtocolSubscription(w, version, {
    topics: [...topics],
    userData: null,
    ownedPartitions: groupByTopic(owned),
    generationId: -1,
    rackId: null,
  });
  return w.toBuffer();
}

export function decodeSubscription(bytes: Buffer): string[] {
  const r = new Reader(bytes);
  const version = Math.min(r.readInt16(), MAX_SUBSCRIPTION_VERSION);
  return decodeConsumerProtocolSubscription(r, Math.max(version, 0)).topics;
}

export function encodeAssignment(partitions: readonly TopicPartition[]): Buffer {
  const w = new Writer(64);
  w.writeInt16(0);
  encodeConsumerProtocolAssignment(w, 0, {
    assignedPartitions: groupByTopic(partitions),
    userData: null,
  });
  return w.toBuffer();
}

/** A member's assignment as DescribeGroups or SyncGroup return it; empty bytes mean none. */
export function decodeAssignment(bytes: Buffer): TopicPartition[] {
  if (bytes.length < 2) return [];
  const r = new Reader(bytes);
  const version = Math.min(r.readInt16(), MAX_ASSIGNMENT_VERSION);
  const assignment = decodeConsumerProtocolAssignment(r, Math.max(version, 0));
  return assignment.assignedPartitions.flatMap((tp) =>
    tp.partitions.map((partition) => ({ topic: tp.topic, partition })),
  );
}

function groupByTopic(
  partitions: readonly TopicPartition[],
): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  return [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps.sort((a, b) => a - b) }));
}
