// ListOffsets for many partitions at once: grouped by leader, one request per leader, answered
// per partition. Timestamps are Kafka's: -1 latest (the log end offset, or the last stable offset
// with read_committed), -2 earliest, or a time in ms (the first offset at or after it; -1 when
// there is none).
import type { KafkaError } from '../../errors/kafka-error.js';
import { Apis } from '../../protocol/generated/index.js';
import { kafkaErrorFor } from './errors.js';
import type { KafkaClient } from './kafka-client.js';

export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface OffsetQuery extends TopicPartition {
  timestamp: bigint;
}

export interface OffsetAnswer extends TopicPartition {
  /** -1 when the log has no offset for the timestamp. */
  offset: bigint;
  error: KafkaError | null;
}

export const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** Offsets for `queries`, keyed by tpKey. Partitions without a leader answer LEADER_NOT_AVAILABLE. */
export async function listOffsets(
  client: KafkaClient,
  queries: readonly OffsetQuery[],
  options: { isolationLevel?: 0 | 1 } = {},
): Promise<Map<string, OffsetAnswer>> {
  const out = new Map<string, OffsetAnswer>();
  if (queries.length === 0) return out;
  const topics = [...new Set(queries.map((q) => q.topic))];
  const metadata = await client.metadata(topics);
  const leaders = new Map<string, number>();
  for (const t of metadata.topics) {
    for (const p of t.partitions) leaders.set(tpKey(t.name ?? '', p.partitionIndex), p.leaderId);
    if (t.errorCode !== 0) {
      for (const q of queries.filter((x) => x.topic === t.name)) {
        out.set(tpKey(q.topic, q.partition), {
          ...q,
          offset: -1n,
          error: kafkaErrorFor(
            t.errorCode,
            t.errorCode === 3 ? `Topic '${q.topic}' does not exist` : null,
          ),
        });
      }
    }
  }
  const byLeader = new Map<number, OffsetQuery[]>();
  for (const q of queries) {
    const k = tpKey(q.topic, q.partition);
    if (out.has(k)) continue;
    const leader = leaders.get(k);
    if (leader === undefined || leader < 0) {
      out.set(k, {
        topic: q.topic,
        partition: q.partition,
        offset: -1n,
        error: kafkaErrorFor(
          leader === undefined ? 3 : 5,
          leader === undefined
            ? `Partition ${q.topic}-${q.partition} does not exist`
            : `Partition ${q.topic}-${q.partition} has no leader`,
        ),
      });
      continue;
    }
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), q]);
  }
  await Promise.all(
    [...byLeader].map(async ([leader, list]) => {
      const byTopic = new Map<string, OffsetQuery[]>();
      for (const q of list) byTopic.set(q.topic, [...(byTopic.get(q.topic) ?? []), q]);
      const conn = await client.connection(leader);
      const version = conn.versionFor(Apis.ListOffsets);
      const response = await conn.send(
        Apis.ListOffsets,
        {
          replicaId: -1,
          isolationLevel: options.isolationLevel ?? 0,
          timeoutMs: 30_000,
          topics: [...byTopic].map(([name, qs]) => ({
            name,
            partitions: qs.map((q) => ({
              partitionIndex: q.partition,
              currentLeaderEpoch: -1,
              timestamp: q.timestamp,
              maxNumOffsets: 1,
            })),
          })),
        },
        { version },
      );
      for (const t of response.topics) {
        for (const p of t.partitions) {
          const offset = version === 0 ? (p.oldStyleOffsets[0] ?? -1n) : p.offset;
          out.set(tpKey(t.name, p.partitionIndex), {
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.errorCode === 0 ? offset : -1n,
            error: p.errorCode === 0 ? null : kafkaErrorFor(p.errorCode),
          });
        }
      }
    }),
  );
  return out;
}
