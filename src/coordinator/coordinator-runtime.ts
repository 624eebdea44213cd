// The runtime both coordinators (groups in `__consumer_offsets`, transactions in
// `__transaction_state`) run on: one deterministic shard per partition of the coordinator's
// internal topic; the records a shard returns are appended to that partition before the response
// is released; at start-up each partition is replayed into a fresh shard; a timer drives the
// shards' deadlines. Kafka's CoordinatorRuntime, without threads.
//
// Invariants:
// - A shard's state only ever runs ahead of its partition by records already handed to
//   `appendAsLeader`, which assigns offsets synchronously in call order; so the log holds the
//   records in the order the state machine produced them.
// - No response leaves before the records of the change it reports are in the log: a request
//   waits for its own append, and a response resolved by a later call (a JoinGroup completed by
//   another member's join) waits for the partition's latest append at the time it resolved.
// - When an append fails the shard is rebuilt from its partition, so memory never keeps a change
//   the log lost; the request gets the storage error.
//
// Ownership is per partition: `load(partition)` and `unload(partition)` are what cluster mode
// will call when leadership of a partition moves.

import { KafkaError } from '../errors/kafka-error.js';
import {
  buildRecordBatch,
  readRecordBatches,
  type RecordBatch,
} from '../protocol/records/index.js';
import { toCompressionType } from '../protocol/compression/compression-type.js';
import type { PartitionLog } from '../storage/index.js';
import { partitionFor } from './partition-for.js';

/** One record for a coordinator's partition; `value: null` is a tombstone. */
export interface CoordinatorRecord {
  key: Buffer;
  value: Buffer | null;
}

/** The producer whose transaction a shard's records belong to (TxnOffsetCommit). */
export interface RecordsTransaction {
  producerId: bigint;
  producerEpoch: number;
}

/** What a shard operation returns: a response (maybe resolved later) and the records to write. */
export interface ShardResult<T> {
  response: T;
  records: CoordinatorRecord[];
  transaction?: RecordsTransaction;
}

/** What the runtime needs from the broker for the coordinator's internal topic. */
export interface InternalTopicHost {
  /** The partition count of the topic, or undefined while it does not exist. */
  partitionCount(): number | undefined;
  /** Creates the topic; KafkaError on failure. */
  create(): Promise<void>;
  /** The log of one of its partitions. */
  log(partition: number): PartitionLog;
}

export interface CoordinatorRuntimeOptions<S> {
  topicName: string;
  host: InternalTopicHost;
  /** A fresh, empty shard for a partition about to be loaded. */
  newShard(partition: number): S;
  /** Applies one stored batch (data, transactional or control) to a shard being loaded. */
  replayBatch(shard: S, batch: RecordBatch, fromOffset: bigint): void;
  /**
   * Fires the shard's deadlines; the records are written like any change, then `afterAppend`
   * runs (the transaction coordinator sends the markers of the transactions it aborted).
   */
  tick(
    shard: S,
    partition: number,
    now: number,
  ): { records: CoordinatorRecord[]; afterAppend?: () => void };
  /**
   * The key's deadlines due at `now`, fired before a request for that key runs: the periodic tick
   * can be up to an interval late, and a request must see the state exact timers would have left
   * (a member whose session just ended is gone). The records are written before the request's.
   */
  expireDue?(shard: S, key: string, now: number): CoordinatorRecord[];
  /** The codec id of the batches written (offsets.topic.compression.codec). */
  compressionCodec?: () => number;
  clock?: () => number;
  leaderEpoch?: number;
  /** How often deadlines are checked. */
  tickIntervalMs?: number;
  logger?: { warn(details: object, message: string): void };
}

/** Records are written in batches below this size, well under the default max.message.bytes. */
const MAX_BATCH_BYTES = 512 * 1024;
/** Bytes read per step while replaying a partition. */
const LOAD_READ_BYTES = 4 * 1024 * 1024;

interface LoadedPartition<S> {
  readonly shard: S;
  readonly log: PartitionLog;
  /** Settles when every append handed to the log so far has settled. */
  appended: Promise<void>;
}

export class CoordinatorRuntime<S> {
  readonly #options: CoordinatorRuntimeOptions<S>;
  readonly #clock: () => number;
  readonly #partitions = new Map<number, LoadedPartition<S>>();
  #partitionCount: number | undefined;
  #creating: Promise<void> | undefined;
  #ticker: NodeJS.Timeout | undefined;

  constructor(options: CoordinatorRuntimeOptions<S>) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  get topicName(): string {
    return this.#options.topicName;
  }

  now(): number {
    return this.#clock();
  }

  /** Loads every partition of an existing topic and starts the deadline timer. */
  async start(): Promise<void> {
    const count = this.#options.host.partitionCount();
    if (count !== undefined) await this.#loadAll(count);
    this.#ticker = setInterval(() => this.tick(), this.#options.tickIntervalMs ?? 100);
    this.#ticker.unref();
  }

  stop(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  /** The partition count, creating the topic on first use as Kafka's FindCoordinator does. */
  async ensureTopic(): Promise<number> {
    if (this.#partitionCount !== undefined) return this.#partitionCount;
    this.#creating ??= (async () => {
      if (this.#options.host.partitionCount() === undefined) await this.#options.host.create();
      const count = this.#options.host.partitionCount();
      if (count === undefined) throw new KafkaError('COORDINATOR_NOT_AVAILABLE');
      await this.#loadAll(count);
    })().finally(() => {
      this.#creating = undefined;
    });
    await this.#creating;
    return this.#partitionCount ?? 0;
  }

  /** The partition that owns `key` (a group or transactional id), once the topic is loaded. */
  partitionFor(key: string): number | undefined {
    return this.#partitionCount === undefined ? undefined : partitionFor(key, this.#partitionCount);
  }

  /** The shard of a loaded partition. */
  shard(partition: number): S | undefined {
    return this.#partitions.get(partition)?.shard;
  }

  /** Every loaded shard with its partition. */
  shards(): [partition: number, shard: S][] {
    return [...this.#partitions].map(([p, loaded]) => [p, loaded.shard]);
  }

  #loaded(key: string): [number, LoadedPartition<S>] {
    const partition = this.partitionFor(key);
    const loaded = partition === undefined ? undefined : this.#partitions.get(partition);
    if (partition === undefined || loaded === undefined) {
      throw new KafkaError(
        'NOT_COORDINATOR',
        `This broker is not the coordinator of ${JSON.stringify(key)}`,
      );
    }
    return [partition, loaded];
  }

  /**
   * Runs one shard operation for `key`: the records it returns are appended before the response
   * is released. NOT_COORDINATOR when the key's partition is not loaded here.
   */
  async run<T>(key: string, op: (shard: S) => ShardResult<T | Promise<T>>): Promise<T> {
    const [partition, loaded] = this.#loaded(key);
    const due = this.#options.expireDue?.(loaded.shard, key, this.#clock()) ?? [];
    if (due.length > 0) this.#appendExpired(partition, loaded, due);
    return this.#runOn(partition, loaded, op);
  }

  /** As `run`, on a partition given by number. */
  async runOnPartition<T>(
    partition: number,
    op: (shard: S) => ShardResult<T | Promise<T>>,
  ): Promise<T> {
    const loaded = this.#partitions.get(partition);
    if (loaded === undefined) {
      throw new KafkaError(
        'NOT_COORDINATOR',
        `This broker does not coordinate ${this.#options.topicName}-${partition}`,
      );
    }
    return this.#runOn(partition, loaded, op);
  }

  async #runOn<T>(
    partition: number,
    loaded: LoadedPartition<S>,
    op: (shard: S) => ShardResult<T | Promise<T>>,
  ): Promise<T> {
    const { response, records, transaction } = op(loaded.shard);
    if (records.length > 0) await this.#append(partition, loaded, records, transaction);
    const value = await response;
    // The response may have been completed by a later call whose records are still in flight.
    await loaded.appended;
    return value;
  }

  /**
   * Appends a batch built elsewhere (a transaction marker) to a partition, in order with the
   * shard's own records. The caller applies its effect to the shard first, synchronously.
   */
  writeBatch(partition: number, batch: Buffer): Promise<void> {
    const loaded = this.#partitions.get(partition);
    if (loaded === undefined) {
      return Promise.reject(
        new KafkaError(
          'NOT_COORDINATOR',
          `This broker does not coordinate ${this.#options.topicName}-${partition}`,
        ),
      );
    }
    return this.#track(partition, loaded, [this.#write(loaded, batch)]);
  }

  /** Appends records a shard produced outside a request (deadlines, metadata changes). */
  appendRecords(partition: number, records: readonly CoordinatorRecord[]): Promise<void> {
    const loaded = this.#partitions.get(partition);
    if (loaded === undefined || records.length === 0) return Promise.resolve();
    return this.#append(partition, loaded, records);
  }

  /** Fires every due deadline of every loaded shard and writes what that changed. */
  tick(): void {
    const now = this.#clock();
    for (const [partition, loaded] of this.#partitions) {
      const { records, afterAppend } = this.#options.tick(loaded.shard, partition, now);
      if (records.length > 0) this.#appendExpired(partition, loaded, records, afterAppend);
    }
  }

  #appendExpired(
    partition: number,
    loaded: LoadedPartition<S>,
    records: readonly CoordinatorRecord[],
    afterAppend?: () => void,
  ): void {
    this.#append(partition, loaded, records).then(afterAppend, (err: unknown) =>
      this.#options.logger?.warn(
        { err, partition, topic: this.#options.topicName },
        'Coordinator could not write the changes of expired deadlines',
      ),
    );
  }

  #append(
    partition: number,
    loaded: LoadedPartition<S>,
    records: readonly CoordinatorRecord[],
    transaction?: RecordsTransaction,
  ): Promise<void> {
    const now = BigInt(this.#clock());
    const compression = toCompressionType(this.#options.compressionCodec?.() ?? 0);
    const writes: Promise<unknown>[] = [];
    for (const chunk of chunks(records)) {
      const batch = buildRecordBatch({
        compression,
        records: chunk.map((r) => ({ key: r.key, value: r.value, timestamp: now })),
        ...(transaction === undefined
          ? {}
          : {
              producerId: transaction.producerId,
              producerEpoch: transaction.producerEpoch,
              isTransactional: true,
            }),
      });
      writes.push(this.#write(loaded, batch));
    }
    return this.#track(partition, loaded, writes);
  }

  /** appendAsLeader assigns offsets before its first await: call order is log order. */
  #write(loaded: LoadedPartition<S>, batch: Buffer): Promise<unknown> {
    return loaded.log.appendAsLeader(batch, {
      leaderEpoch: this.#options.leaderEpoch ?? 0,
      origin: 'coordinator',
    });
  }

  /** Chains `writes` into the partition's append order; a failure rebuilds the shard. */
  #track(partition: number, loaded: LoadedPartition<S>, writes: Promise<unknown>[]): Promise<void> {
    const done = Promise.all(writes).then(
      () => undefined,
      async (err: unknown) => {
        // Memory is ahead of the log: rebuild the shard from what the log really holds.
        if (this.#partitions.get(partition) === loaded) await this.#reload(partition);
        throw err;
      },
    );
    const previous = loaded.appended;
    loaded.appended = Promise.all([previous, done.catch(() => undefined)]).then(() => undefined);
    return done;
  }

  async #loadAll(count: number): Promise<void> {
    for (let p = 0; p < count; p++) await this.load(p);
    this.#partitionCount = count;
  }

  /** Becomes the coordinator of one partition: replays its records into a fresh shard. */
  async load(partition: number): Promise<void> {
    const log = this.#options.host.log(partition);
    const shard = this.#options.newShard(partition);
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const { records } = await log.read(offset, {
        maxBytes: LOAD_READ_BYTES,
        isolation: 'log_end',
      });
      const { batches } = readRecordBatches(records);
      if (batches.length === 0) break;
      for (const batch of batches) {
        this.#options.replayBatch(shard, batch, offset);
        offset = batch.nextOffset;
      }
    }
    this.#partitions.set(partition, { shard, log, appended: Promise.resolve() });
  }

  /** Gives up one partition (its keys are served elsewhere, or the topic is gone). */
  unload(partition: number): void {
    this.#partitions.delete(partition);
  }

  async #reload(partition: number): Promise<void> {
    this.unload(partition);
    await this.load(partition);
  }
}

function* chunks(records: readonly CoordinatorRecord[]): Generator<CoordinatorRecord[]> {
  let chunk: CoordinatorRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = r.key.length + (r.value?.length ?? 0) + 32;
    if (chunk.length > 0 && bytes + size > MAX_BATCH_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(r);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
