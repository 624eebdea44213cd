// Fetcher: the consuming half of a Kafka consumer, for a set of assigned partitions.
//
// Each assigned partition has a position: the next offset to read, or a pending reset (earliest
// or latest, resolved with ListOffsets before the next fetch). poll() sends one Fetch to each
// leader of an assigned partition — long-polling up to maxWaitMs — and returns the records at or
// after each position, advancing the positions past them.
//
// - Fetch v13+ names topics by id; older versions by name. Both come from Metadata.
// - A fetch from the middle of a batch returns the whole batch; records before the position are
//   dropped here. Control batches (transaction markers) are skipped.
// - read_committed (isolation level 1): the broker stops at the last stable offset and lists the
//   aborted transactions the response overlaps; batches of those producers inside an aborted
//   transaction are dropped, until that producer's ABORT marker (Kafka's consumer does the same).
// - OFFSET_OUT_OF_RANGE resets the position by auto.offset.reset; a leader change or an unknown
//   topic id refreshes the metadata before the next fetch.
import { KafkaError } from '../../errors/kafka-error.js';
import { Apis } from '../../protocol/generated/index.js';
import type { FetchResponsePartitionData } from '../../protocol/generated/api/fetch.js';
import {
  ControlRecordType,
  readControlRecordKey,
  readRecordBatches,
  TimestampType,
  type RecordHeader,
} from '../../protocol/records/index.js';
import { ClientError, kafkaErrorFor } from './errors.js';
import { ZERO_UUID, type KafkaClient } from './kafka-client.js';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  listOffsets,
  tpKey,
  type TopicPartition,
} from './list-offsets.js';

export type OffsetResetPolicy = 'earliest' | 'latest' | 'none';

export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** The batch's partition leader epoch (-1 when unknown). */
  leaderEpoch: number;
}

export interface FetcherOptions {
  /** 0 read_uncommitted (default), 1 read_committed. */
  isolationLevel?: 0 | 1;
  /** How long the broker may hold a fetch that has no data; default 500 ms (fetch.max.wait.ms). */
  maxWaitMs?: number;
  /** fetch.min.bytes; default 1. */
  minBytes?: number;
  /** fetch.max.bytes; default 50 MiB. */
  maxBytes?: number;
  /** max.partition.fetch.bytes; default 1 MiB. */
  partitionMaxBytes?: number;
  /** What an out-of-range or missing position resets to; default latest. */
  autoOffsetReset?: OffsetResetPolicy;
}

interface Position extends TopicPartition {
  /** The next offset to read; null while a reset is pending. */
  offset: bigint | null;
  reset: 'earliest' | 'latest' | null;
}

interface TopicMeta {
  topicId: string;
  leaders: Map<number, number>;
}

const REFRESH_ERRORS = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'UNKNOWN_TOPIC_ID',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'KAFKA_STORAGE_ERROR',
  'OFFSET_NOT_AVAILABLE',
  'NOT_COORDINATOR',
]);

export class Fetcher {
  readonly #client: KafkaClient;
  readonly #isolationLevel: 0 | 1;
  readonly #maxWaitMs: number;
  readonly #minBytes: number;
  readonly #maxBytes: number;
  readonly #partitionMaxBytes: number;
  readonly #autoOffsetReset: OffsetResetPolicy;
  readonly #positions = new Map<string, Position>();
  #meta = new Map<string, TopicMeta>();
  #metaStale = true;

  constructor(client: KafkaClient, options: FetcherOptions = {}) {
    this.#client = client;
    this.#isolationLevel = options.isolationLevel ?? 0;
    this.#maxWaitMs = options.maxWaitMs ?? 500;
    this.#minBytes = options.minBytes ?? 1;
    this.#maxBytes = options.maxBytes ?? 52_428_800;
    this.#partitionMaxBytes = options.partitionMaxBytes ?? 1_048_576;
    this.#autoOffsetReset = options.autoOffsetReset ?? 'latest';
  }

  /** Replaces the assignment; partitions kept keep their positions, new ones need a seek or reset. */
  assign(partitions: readonly TopicPartition[]): void {
    const keep = new Set(partitions.map((p) => tpKey(p.topic, p.partition)));
    for (const k of [...this.#positions.keys()]) if (!keep.has(k)) this.#positions.delete(k);
    for (const p of partitions) {
      const k = tpKey(p.topic, p.partition);
      if (!this.#positions.has(k)) {
        const reset = this.#autoOffsetReset === 'none' ? null : this.#autoOffsetReset;
        this.#positions.set(k, { topic: p.topic, partition: p.partition, offset: null, reset });
      }
    }
    this.#metaStale = true;
  }

  assignment(): TopicPartition[] {
    return [...this.#positions.values()].map((p) => ({ topic: p.topic, partition: p.partition }));
  }

  /** The next offset to read from a partition (null while a reset is pending). */
  position(topic: string, partition: number): bigint | null {
    return this.#positions.get(tpKey(topic, partition))?.offset ?? null;
  }

  seek(topic: string, partition: number, offset: bigint): void {
    const p = this.#positions.get(tpKey(topic, partition));
    if (p !== undefined) {
      p.offset = offset;
      p.reset = null;
    }
  }

  seekTo(where: 'earliest' | 'latest', partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      const p = this.#positions.get(tpKey(tp.topic, tp.partition));
      if (p !== undefined) {
        p.offset = null;
        p.reset = where;
      }
    }
  }

  /** One round of fetches; the records past each position, in offset order per partition. */
  async poll(): Promise<ConsumerRecord[]> {
    if (this.#positions.size === 0) {
      await sleep(this.#maxWaitMs);
      return [];
    }
    await this.#resolveResets();
    if (this.#metaStale) await this.#refreshMetadata();
    const byLeader = new Map<number, Position[]>();
    for (const p of this.#positions.values()) {
      if (p.offset === null) continue;
      const leader = this.#meta.get(p.topic)?.leaders.get(p.partition);
      if (leader === undefined || leader < 0) {
        this.#metaStale = true;
        continue;
      }
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    if (byLeader.size === 0) {
      await sleep(Math.min(this.#maxWaitMs, 100));
      return [];
    }
    const results = await Promise.all(
      [...byLeader].map(([leader, positions]) => this.#fetchFrom(leader, positions)),
    );
    return results.flat();
  }

  async #refreshMetadata(): Promise<void> {
    const topics = [...new Set([...this.#positions.values()].map((p) => p.topic))];
    const response = await this.#client.metadata(topics);
    const meta = new Map<string, TopicMeta>();
    for (const t of response.topics) {
      if (t.name === null || t.errorCode !== 0) continue;
      meta.set(t.name, {
        topicId: t.topicId,
        leaders: new Map(t.partitions.map((p) => [p.partitionIndex, p.leaderId])),
      });
    }
    this.#meta = meta;
    this.#metaStale = false;
  }

  async #resolveResets(): Promise<void> {
    const pending = [...this.#positions.values()].filter((p) => p.offset === null);
    if (pending.length === 0) return;
    const unresolvable = pending.find((p) => p.reset === null);
    if (unresolvable !== undefined) {
      throw new ClientError(
        'SAMSA_ERR_CLIENT_CONFIG',
        `Partition ${unresolvable.topic}-${unresolvable.partition} has no committed offset and auto.offset.reset is none`,
      );
    }
    const answers = await listOffsets(
      this.#client,
      pending.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        timestamp: p.reset === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP,
      })),
      { isolationLevel: this.#isolationLevel },
    );
    for (const p of pending) {
      const answer = answers.get(tpKey(p.topic, p.partition));
      if (answer === undefined) continue;
      if (answer.error !== null) {
        if (REFRESH_ERRORS.has(answer.error.errorName)) {
          this.#metaStale = true;
          continue;
        }
        throw answer.error;
      }
      p.offset = answer.offset;
      p.reset = null;
    }
  }

  async #fetchFrom(leader: number, positions: Position[]): Promise<ConsumerRecord[]> {
    const conn = await this.#client.connection(leader);
    const version = conn.versionFor(Apis.Fetch);
    const byTopic = new Map<string, Position[]>();
    for (const p of positions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
    const names = new Map<string, string>();
    const topics = [...byTopic].map(([topic, ps]) => {
      const topicId = this.#meta.get(topic)?.topicId ?? ZERO_UUID;
      names.set(topicId, topic);
      return {
        // v13+ name topics by id only; earlier versions by name only.
        topic: version >= 13 ? '' : topic,
        topicId: version >= 13 ? topicId : ZERO_UUID,
        partitions: ps.map((p) => ({
          partition: p.partition,
          currentLeaderEpoch: -1,
          fetchOffset: p.offset!,
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: this.#partitionMaxBytes,
          replicaDirectoryId: ZERO_UUID,
        })),
      };
    });
    const response = await conn.send(
      Apis.Fetch,
      {
        replicaId: -1,
        maxWaitMs: this.#maxWaitMs,
        minBytes: this.#minBytes,
        maxBytes: this.#maxBytes,
        isolationLevel: this.#isolationLevel,
        sessionId: 0,
        sessionEpoch: -1,
        topics,
        forgottenTopicsData: [],
        rackId: '',
      },
      { version, timeoutMs: this.#maxWaitMs + 30_000 },
    );
    if (response.errorCode !== 0) throw kafkaErrorFor(response.errorCode);
    const records: ConsumerRecord[] = [];
    for (const t of response.responses) {
      const topic = version >= 13 ? names.get(t.topicId) : t.topic;
      if (topic === undefined) continue;
      for (const p of t.partitions) {
        const position = this.#positions.get(tpKey(topic, p.partitionIndex));
        if (position === undefined || position.offset === null) continue;
        if (p.errorCode !== 0) {
          this.#partitionError(position, kafkaErrorFor(p.errorCode));
          continue;
        }
        this.#read(position, p, records);
      }
    }
    return records;
  }

  #partitionError(position: Position, err: KafkaError): void {
    if (err.errorName === 'OFFSET_OUT_OF_RANGE') {
      if (this.#autoOffsetReset === 'none') {
        throw new KafkaError(
          'OFFSET_OUT_OF_RANGE',
          `Offset ${position.offset} is out of range for partition ${position.topic}-${position.partition}, and auto.offset.reset is none`,
        );
      }
      position.offset = null;
      position.reset = this.#autoOffsetReset;
      return;
    }
    if (REFRESH_ERRORS.has(err.errorName)) {
      this.#metaStale = true;
      return;
    }
    throw new KafkaError(
      err.errorName === 'UNKNOWN' ? 'UNKNOWN_SERVER_ERROR' : err.errorName,
      `Cannot fetch ${position.topic}-${position.partition}: ${err.message}`,
    );
  }

  #read(position: Position, data: FetchResponsePartitionData, out: ConsumerRecord[]): void {
    if (data.records === null || data.records.length === 0) return;
    const { batches } = readRecordBatches(data.records);
    const aborted = [...(data.abortedTransactions ?? [])].sort((a, b) =>
      a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0,
    );
    const abortedProducers = new Set<bigint>();
    let next = position.offset!;
    for (const batch of batches) {
      if (batch.lastOffset < next) continue;
      if (this.#isolationLevel === 1) {
        while (aborted.length > 0 && aborted[0]!.firstOffset <= batch.lastOffset) {
          abortedProducers.add(aborted.shift()!.producerId);
        }
      }
      if (batch.isControl) {
        if (this.#isolationLevel === 1 && abortedProducers.has(batch.producerId)) {
          for (const r of batch.records()) {
            if (r.key !== null && readControlRecordKey(r.key).type === ControlRecordType.ABORT) {
              abortedProducers.delete(batch.producerId);
            }
          }
        }
        next = batch.nextOffset;
        continue;
      }
      if (
        this.#isolationLevel === 1 &&
        batch.isTransactional &&
        abortedProducers.has(batch.producerId)
      ) {
        next = batch.nextOffset;
        continue;
      }
      const timestampType =
        batch.timestampType === TimestampType.LogAppendTime ? 'LogAppendTime' : 'CreateTime';
      const leaderEpoch = batch.partitionLeaderEpoch;
      for (const r of batch.records()) {
        if (r.offset < next) continue;
        out.push({
          topic: position.topic,
          partition: position.partition,
          offset: r.offset,
          timestamp: r.timestamp,
          timestampType,
          key: r.key,
          value: r.value,
          headers: r.headers,
          leaderEpoch,
        });
      }
      next = batch.nextOffset;
    }
    position.offset = next;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
