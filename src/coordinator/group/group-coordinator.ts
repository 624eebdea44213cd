// The group coordinator service: routes each group to the shard of its `__consumer_offsets`
// partition, writes the records a shard returns to that partition before answering, replays the
// partitions at start-up, and drives the shards' deadlines with a timer. Kafka's
// GroupCoordinatorService over CoordinatorRuntime, without threads.
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
// will call when leadership of a `__consumer_offsets` partition moves.

import { KafkaError } from '../../errors/kafka-error.js';
import {
  buildEndTransactionMarkerBatch,
  buildRecordBatch,
  ControlRecordType,
  readControlRecordKey,
  readRecordBatches,
} from '../../protocol/records/index.js';
import { toCompressionType } from '../../protocol/compression/compression-type.js';
import type { PartitionLog } from '../../storage/index.js';
import {
  GroupCoordinatorShard,
  type CoordinatorResult,
  type GroupCoordinatorConfig,
  type GroupCoordinatorShardOptions,
  type RequestContext,
} from './group-coordinator-shard.js';
import type { CoordinatorRecord } from './records.js';
import { groupLag, type EndOffsets, type PartitionLag } from './group-lag.js';
import { EMPTY_TOPICS_VIEW } from './topics-view.js';
import { partitionFor } from '../partition-for.js';

export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';

/** What the coordinator needs from the broker for its topic. */
export interface OffsetsTopicHost {
  /** The partition count of `__consumer_offsets`, or undefined while it does not exist. */
  partitionCount(): number | undefined;
  /** Creates the topic with `offsets.topic.num.partitions` partitions; KafkaError on failure. */
  create(): Promise<void>;
  /** The log of one of its partitions. */
  log(partition: number): PartitionLog;
}

export interface GroupCoordinatorOptions {
  host: OffsetsTopicHost;
  /** The shard settings, read again for every shard loaded. */
  config: () => GroupCoordinatorConfig;
  /** offsets.topic.compression.codec: the codec id of the batches written. */
  compressionCodec?: () => number;
  /** Shard options shared by every shard (topic metadata for KIP-848, the clock in tests). */
  shardOptions?: Omit<GroupCoordinatorShardOptions, 'config'>;
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

interface LoadedPartition {
  readonly shard: GroupCoordinatorShard;
  readonly log: PartitionLog;
  /** Settles when every append handed to the log so far has settled. */
  appended: Promise<void>;
}

export class GroupCoordinator {
  readonly #options: GroupCoordinatorOptions;
  readonly #clock: () => number;
  readonly #partitions = new Map<number, LoadedPartition>();
  #partitionCount: number | undefined;
  #creating: Promise<void> | undefined;
  #ticker: NodeJS.Timeout | undefined;

  constructor(options: GroupCoordinatorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
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

  /** The partitions count, creating the topic on first use as Kafka's FindCoordinator does. */
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

  partitionFor(groupId: string): number | undefined {
    return this.#partitionCount === undefined
      ? undefined
      : partitionFor(groupId, this.#partitionCount);
  }

  /**
   * The group's lag per partition (committed offset against `endOffsets`) with each partition's
   * owner; undefined when this coordinator has no such group.
   */
  lag(groupId: string, endOffsets: EndOffsets): PartitionLag[] | undefined {
    const partition = this.partitionFor(groupId);
    const loaded = partition === undefined ? undefined : this.#partitions.get(partition);
    if (loaded === undefined) return undefined;
    return groupLag(
      loaded.shard,
      groupId,
      endOffsets,
      this.#options.shardOptions?.topics ?? EMPTY_TOPICS_VIEW,
    );
  }

  /** Every loaded shard, for requests that span groups (ListGroups) and for tests. */
  shards(): GroupCoordinatorShard[] {
    return [...this.#partitions.values()].map((p) => p.shard);
  }

  /**
   * Runs one shard operation for `groupId`: the records it returns are appended before the
   * response is released. NOT_COORDINATOR when the group's partition is not loaded here.
   */
  async run<T>(
    groupId: string,
    op: (shard: GroupCoordinatorShard) => CoordinatorResult<T | Promise<T>>,
  ): Promise<T> {
    const partition = this.partitionFor(groupId);
    const loaded = partition === undefined ? undefined : this.#partitions.get(partition);
    if (partition === undefined || loaded === undefined) {
      throw new KafkaError(
        'NOT_COORDINATOR',
        `This broker is not the coordinator of group ${JSON.stringify(groupId)}`,
      );
    }
    return this.#runOn(partition, loaded, op);
  }

  /**
   * Runs `op` on the shard of every group in `groupIds` (grouped by partition) and returns the
   * per-partition results in partition order; for requests that batch groups.
   */
  async runEach<T>(
    groupIds: readonly string[],
    op: (shard: GroupCoordinatorShard, groupIds: string[]) => CoordinatorResult<T>,
  ): Promise<{ groupIds: string[]; result: T }[]> {
    const byPartition = new Map<number, string[]>();
    const unowned: string[] = [];
    for (const id of groupIds) {
      const p = this.partitionFor(id);
      if (p === undefined || !this.#partitions.has(p)) unowned.push(id);
      else {
        let list = byPartition.get(p);
        if (list === undefined) byPartition.set(p, (list = []));
        list.push(id);
      }
    }
    if (unowned.length > 0) {
      throw new KafkaError(
        'NOT_COORDINATOR',
        `This broker is not the coordinator of group ${JSON.stringify(unowned[0])}`,
      );
    }
    return Promise.all(
      [...byPartition].map(async ([p, ids]) => {
        const loaded = this.#partitions.get(p);
        if (loaded === undefined) throw new KafkaError('NOT_COORDINATOR');
        return { groupIds: ids, result: await this.#runOn(p, loaded, (s) => op(s, ids)) };
      }),
    );
  }

  async #runOn<T>(
    partition: number,
    loaded: LoadedPartition,
    op: (shard: GroupCoordinatorShard) => CoordinatorResult<T | Promise<T>>,
  ): Promise<T> {
    const { response, records, transaction } = op(loaded.shard);
    if (records.length > 0) await this.#append(partition, loaded, records, transaction);
    const value = await response;
    // The response may have been completed by a later call whose records are still in flight.
    await loaded.appended;
    return value;
  }

  /**
   * Topics were created, deleted or grew: KIP-848 groups whose subscriptions resolve differently
   * get a new group epoch (and so a new assignment); the records are written like any change.
   */
  topicsChanged(): void {
    for (const [partition, loaded] of this.#partitions) {
      const { records } = loaded.shard.onTopicsChanged();
      if (records.length > 0) {
        this.#append(partition, loaded, records).catch((err: unknown) =>
          this.#options.logger?.warn(
            { err, partition },
            'Group coordinator could not write subscription changes',
          ),
        );
      }
    }
  }

  /** Fires every due deadline of every loaded shard and writes what that changed. */
  tick(): void {
    const now = this.#clock();
    for (const [partition, loaded] of this.#partitions) {
      const { records } = loaded.shard.tick(now);
      if (records.length > 0) {
        this.#append(partition, loaded, records).catch((err: unknown) =>
          this.#options.logger?.warn(
            { err, partition },
            'Group coordinator could not write expired-member changes',
          ),
        );
      }
    }
  }

  /**
   * Writes a transaction's end marker to one partition and applies it to its shard: pending
   * transactional offsets of the producer become committed (commit) or are dropped (abort).
   * The transaction coordinator calls this for the `__consumer_offsets` partitions of a
   * transaction that committed offsets (AddOffsetsToTxn).
   */
  async writeTransactionMarker(
    partition: number,
    marker: {
      producerId: bigint;
      producerEpoch: number;
      coordinatorEpoch: number;
      commit: boolean;
    },
  ): Promise<void> {
    const loaded = this.#partitions.get(partition);
    if (loaded === undefined) {
      throw new KafkaError(
        'NOT_COORDINATOR',
        `This broker does not coordinate ${GROUP_METADATA_TOPIC_NAME}-${partition}`,
      );
    }
    loaded.shard.replayEndTransactionMarker(marker.producerId, marker.commit);
    const batch = buildEndTransactionMarkerBatch({
      type: marker.commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
      producerId: marker.producerId,
      producerEpoch: marker.producerEpoch,
      coordinatorEpoch: marker.coordinatorEpoch,
      timestamp: BigInt(this.#clock()),
    });
    await this.#track(partition, loaded, [this.#write(loaded, batch)]);
  }

  #append(
    partition: number,
    loaded: LoadedPartition,
    records: readonly CoordinatorRecord[],
    transaction?: { producerId: bigint; producerEpoch: number },
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
  #write(loaded: LoadedPartition, batch: Buffer): Promise<unknown> {
    return loaded.log.appendAsLeader(batch, {
      leaderEpoch: this.#options.leaderEpoch ?? 0,
      origin: 'coordinator',
    });
  }

  /** Chains `writes` into the partition's append order; a failure rebuilds the shard. */
  #track(partition: number, loaded: LoadedPartition, writes: Promise<unknown>[]): Promise<void> {
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
    const shard = new GroupCoordinatorShard({
      ...this.#options.shardOptions,
      config: this.#options.config(),
    });
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const { records } = await log.read(offset, {
        maxBytes: LOAD_READ_BYTES,
        isolation: 'log_end',
      });
      const { batches } = readRecordBatches(records);
      if (batches.length === 0) break;
      for (const batch of batches) {
        if (batch.isControl) {
          for (const record of batch.records()) {
            const { type } = readControlRecordKey(record.key);
            if (type === ControlRecordType.COMMIT || type === ControlRecordType.ABORT) {
              shard.replayEndTransactionMarker(batch.producerId, type === ControlRecordType.COMMIT);
            }
          }
        } else {
          const producerId = batch.isTransactional ? batch.producerId : -1n;
          for (const record of batch.records()) {
            if (record.offset < offset || record.key === null) continue;
            shard.replay(record.key, record.value, producerId);
          }
        }
        offset = batch.nextOffset;
      }
    }
    this.#partitions.set(partition, { shard, log, appended: Promise.resolve() });
  }

  /** Gives up one partition (its groups are served elsewhere, or the topic is gone). */
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

/** The request context the shards take, from a request's version, client id and address. */
export function shardContext(
  apiVersion: number,
  clientId: string | null,
  clientAddress: string,
): RequestContext {
  const colon = clientAddress.lastIndexOf(':');
  const host = colon === -1 ? clientAddress : clientAddress.slice(0, colon);
  return { apiVersion, clientId: clientId ?? '', clientHost: `/${host}` };
}
