// Shared by the consumer-group interop tests: broker overrides that make groups fast, a bounded
// poll for conditions spanning several clients, records whose value names their partition and
// offset, and the group's state as KafkaJS's admin sees it (OffsetFetch v4, DescribeGroups v2,
// ListGroups v2).
import assert from 'node:assert/strict';
import { AssignerProtocol, type Admin } from 'kafkajs';
import { kafkajsClient } from '../../support/kafkajs-client.js';

/** No initial rebalance delay, sessions down to 1 s, 3 `__consumer_offsets` partitions. */
export const FAST_GROUPS = {
  'group.initial.rebalance.delay.ms': 0,
  'group.min.session.timeout.ms': 1000,
  'offsets.topic.num.partitions': 3,
} as const;

/**
 * Polls `done` every 50 ms until it holds; fails after `timeoutMs` with `describe()` (the clients'
 * output) in the message.
 */
export async function waitUntil(
  what: string,
  done: () => boolean,
  timeoutMs: number,
  describe: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`No ${what} within ${timeoutMs} ms\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The value of the record at `offset` of `partition`. */
export function recordValue(partition: number, offset: number): string {
  return `p${partition}-${offset}`;
}

/**
 * Appends records [from, to) to every partition of `topic` (values from recordValue), one
 * acknowledged Produce per partition, and checks they landed at exactly those offsets.
 */
export async function produceRange(
  bootstrap: string,
  topic: string,
  partitions: number,
  from: number,
  to: number,
): Promise<void> {
  const producer = kafkajsClient(bootstrap).producer();
  await producer.connect();
  try {
    for (let p = 0; p < partitions; p++) {
      const messages = [];
      for (let o = from; o < to; o++) messages.push({ value: recordValue(p, o), partition: p });
      const [result] = await producer.send({ topic, messages, acks: -1 });
      assert.equal(
        result?.baseOffset,
        String(from),
        `records ${from}..${to - 1} of partition ${p}`,
      );
    }
  } finally {
    await producer.disconnect();
  }
}

export interface GroupView {
  state: string;
  protocolType: string;
  protocol: string;
  /** [clientId, sorted partitions of `topic`] per member, sorted by client id. */
  members: [string, number[]][];
}

/**
 * A connected KafkaJS admin that has read the cluster's metadata: KafkaJS picks the broker for
 * FindCoordinator from its metadata, and a fresh admin has none ("No brokers in the broker pool").
 */
async function groupAdmin(bootstrap: string): Promise<Admin> {
  const admin = kafkajsClient(bootstrap, 'samsa-interop-group-admin').admin();
  await admin.connect();
  try {
    await admin.fetchTopicMetadata();
  } catch (err) {
    await admin.disconnect();
    throw err;
  }
  return admin;
}

/** The group as DescribeGroups shows it, assignments decoded (the consumer protocol). */
export async function describeGroup(
  bootstrap: string,
  groupId: string,
  topic: string,
): Promise<GroupView> {
  const admin = await groupAdmin(bootstrap);
  try {
    const { groups } = await admin.describeGroups([groupId]);
    assert.equal(groups.length, 1);
    const group = groups[0]!;
    return {
      state: group.state,
      protocolType: group.protocolType,
      protocol: group.protocol,
      members: group.members
        .map((m): [string, number[]] => {
          const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
          return [m.clientId, [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b)];
        })
        .sort((a, b) => a[0].localeCompare(b[0])),
    };
  } finally {
    await admin.disconnect();
  }
}

/** Committed offsets of `groupId` on `topic` by partition (-1 where none), through OffsetFetch. */
export async function committedOffsets(
  bootstrap: string,
  groupId: string,
  topic: string,
): Promise<number[]> {
  const admin = await groupAdmin(bootstrap);
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.equal(entry?.topic, topic);
    return [...entry.partitions]
      .sort((a, b) => a.partition - b.partition)
      .map((p) => Number(p.offset));
  } finally {
    await admin.disconnect();
  }
}

/** Group ids and protocol types through ListGroups, sorted. */
export async function listGroups(bootstrap: string): Promise<[string, string][]> {
  const admin = await groupAdmin(bootstrap);
  try {
    const { groups } = await admin.listGroups();
    return groups
      .map((g): [string, string] => [g.groupId, g.protocolType])
      .sort((a, b) => a[0].localeCompare(b[0]));
  } finally {
    await admin.disconnect();
  }
}
