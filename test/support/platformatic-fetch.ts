// Reads a partition with @platformatic/kafka 1.x without a consumer group: Consumer.metadata for
// the topic id and leader, then Consumer.fetch (Fetch v17, by topic id) from an offset until the
// high watermark or a record count. Records come back as raw bytes with offsets and timestamps
// computed as a Kafka consumer does (base offset + delta; LogAppendTime batches carry the broker's
// time as maxTimestamp). Also a one-shot long-poll fetch for tests of fetch wake-up.
import { constants as zlib } from 'node:zlib';
import { Consumer } from '@platformatic/kafka';
import type { FetchedRecord, Header } from './interop-records.js';

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

export const PLATFORMATIC_TIMEOUT_MS = 15_000;
/** Record batch attributes bit 3: the batch's timestamps are LogAppendTime. */
const LOG_APPEND_TIME_FLAG = 0x08;

/** @platformatic/kafka reads and writes zstd with node:zlib's codec (Node 22.15 / 23.8 on). */
export function platformaticCanZstd(): boolean {
  return 'ZSTD_e_continue' in zlib;
}

export function platformaticConnection(bootstrap: string) {
  return {
    bootstrapBrokers: [bootstrap],
    clientId: 'samsa-interop-platformatic',
    timeout: 5000,
    retries: 1,
    retryDelay: 100,
  };
}

/** A consumer that never joins its group: only metadata, listOffsets and fetch are used. */
export function unjoinedConsumer(bootstrap: string): Consumer {
  return new Consumer({ ...platformaticConnection(bootstrap), groupId: 'samsa-interop-unjoined' });
}

export async function withTimeout<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface PartitionTarget {
  topicId: string;
  leader: number;
}

async function target(
  consumer: Consumer,
  topic: string,
  partition: number,
): Promise<PartitionTarget> {
  const metadata = await consumer.metadata({ topics: [topic], forceUpdate: true });
  const t = metadata.topics.get(topic);
  const p = t?.partitions[partition];
  if (t === undefined || p === undefined)
    throw new Error(`Metadata has no partition ${topic}-${partition}`);
  return { topicId: t.id, leader: p.leader };
}

export interface PartitionFetch {
  errorCode: number;
  highWatermark: bigint;
  logStartOffset: bigint;
  records: FetchedRecord[];
  /** Batch attributes of every batch returned, in order. */
  batchAttributes: number[];
}

function decodePartition(
  response: FetchResponse,
  topicId: string,
  partition: number,
): PartitionFetch {
  const p = response.responses
    .find((r) => r.topicId === topicId)
    ?.partitions.find((x) => x.partitionIndex === partition);
  if (p === undefined) throw new Error(`Fetch response lacks partition ${partition}`);
  const records: FetchedRecord[] = [];
  const batchAttributes: number[] = [];
  for (const batch of p.records ?? []) {
    batchAttributes.push(batch.attributes);
    const logAppendTime = (batch.attributes & LOG_APPEND_TIME_FLAG) !== 0;
    for (const r of batch.records) {
      records.push({
        partition,
        offset: batch.firstOffset + BigInt(r.offsetDelta),
        timestamp: logAppendTime ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta,
        key: r.key,
        value: r.value,
        headers: r.headers.map(([k, v]): Header => [k?.toString('utf8') ?? '', v]),
      });
    }
  }
  return {
    errorCode: p.errorCode,
    highWatermark: p.highWatermark,
    logStartOffset: p.logStartOffset,
    records,
    batchAttributes,
  };
}

async function fetchOnce(
  consumer: Consumer,
  where: PartitionTarget,
  partition: number,
  offset: bigint,
  maxWaitTime: number,
): Promise<PartitionFetch> {
  const response = await consumer.fetch({
    node: where.leader,
    maxWaitTime,
    minBytes: 1,
    maxBytes: 16 << 20,
    topics: [
      {
        topicId: where.topicId,
        partitions: [
          {
            partition,
            fetchOffset: offset,
            currentLeaderEpoch: -1,
            lastFetchedEpoch: -1,
            partitionMaxBytes: 8 << 20,
          },
        ],
      },
    ],
  });
  return decodePartition(response, where.topicId, partition);
}

/**
 * Every record of `topic`-`partition` from `from` up to the high watermark (or `count` records),
 * in order. Batches that start before `from` are trimmed, as consumers do.
 */
export async function platformaticFetchAll(
  bootstrap: string,
  topic: string,
  options: { partition?: number; from?: bigint; count?: number } = {},
): Promise<{ records: FetchedRecord[]; batchAttributes: number[]; highWatermark: bigint }> {
  const partition = options.partition ?? 0;
  const consumer = unjoinedConsumer(bootstrap);
  try {
    return await withTimeout(
      `@platformatic/kafka fetching ${topic}-${partition}`,
      PLATFORMATIC_TIMEOUT_MS,
      (async () => {
        const where = await target(consumer, topic, partition);
        const records: FetchedRecord[] = [];
        const batchAttributes: number[] = [];
        let next = options.from ?? 0n;
        let highWatermark = -1n;
        for (;;) {
          const fetched = await fetchOnce(consumer, where, partition, next, 100);
          if (fetched.errorCode !== 0)
            throw new Error(
              `Fetch ${topic}-${partition}@${next} failed: error ${fetched.errorCode}`,
            );
          highWatermark = fetched.highWatermark;
          batchAttributes.push(...fetched.batchAttributes);
          for (const r of fetched.records) {
            if (r.offset < next) continue;
            records.push(r);
            next = r.offset + 1n;
          }
          const enough = options.count !== undefined && records.length >= options.count;
          if (enough || next >= highWatermark) break;
          if (fetched.records.length === 0)
            throw new Error(
              `Fetch ${topic}-${partition}@${next} returned nothing below ${highWatermark}`,
            );
        }
        return {
          records: options.count === undefined ? records : records.slice(0, options.count),
          batchAttributes,
          highWatermark,
        };
      })(),
    );
  } finally {
    await consumer.close(true);
  }
}

/**
 * Issues one Fetch at `offset` with a long maxWaitTime and returns a handle: `started` resolves
 * once the request has been sent (metadata is done), `result` when the broker answers.
 */
export function platformaticLongPoll(
  bootstrap: string,
  topic: string,
  offset: bigint,
  maxWaitTime: number,
  partition = 0,
): { started: Promise<void>; result: Promise<PartitionFetch>; close: () => Promise<void> } {
  const consumer = unjoinedConsumer(bootstrap);
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const result = (async () => {
    const where = await target(consumer, topic, partition);
    const pending = fetchOnce(consumer, where, partition, offset, maxWaitTime);
    markStarted();
    return pending;
  })();
  result.catch(() => markStarted());
  return {
    started,
    result,
    close: async () => {
      await consumer.close(true);
    },
  };
}
