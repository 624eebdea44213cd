// The group coordinator service: each group is served by the shard of its `__consumer_offsets`
// partition, on the coordinator runtime (../coordinator-runtime.ts: records appended before the
// answer, replay at start-up, a deadline timer). This file adds what is particular to groups:
// how a stored batch is replayed (transactional offset commits and their markers included),
// KIP-848 subscriptions following topic changes, transaction markers for
// `__consumer_offsets`, and consumer lag.

import { KafkaError } from '../../errors/kafka-error.js';
import {
  buildEndTransactionMarkerBatch,
  ControlRecordType,
  readControlRecordKey,
  type RecordBatch,
} from '../../protocol/records/index.js';
import {
  CoordinatorRuntime,
  type InternalTopicHost,
  type ShardResult,
} from '../coordinator-runtime.js';
import {
  GroupCoordinatorShard,
  type GroupCoordinatorConfig,
  type GroupCoordinatorShardOptions,
  type RequestContext,
} from './group-coordinator-shard.js';
import { groupLag, type EndOffsets, type PartitionLag } from './group-lag.js';
import { EMPTY_TOPICS_VIEW } from './topics-view.js';

export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';

/** What the coordinator needs from the broker for `__consumer_offsets`. */
export type OffsetsTopicHost = InternalTopicHost;

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

/** A `__consumer_offsets` batch replayed into a shard being loaded. */
function replayBatch(shard: GroupCoordinatorShard, batch: RecordBatch, fromOffset: bigint): void {
  if (batch.isControl) {
    for (const record of batch.records()) {
      const { type } = readControlRecordKey(record.key);
      if (type === ControlRecordType.COMMIT || type === ControlRecordType.ABORT) {
        shard.replayEndTransactionMarker(batch.producerId, type === ControlRecordType.COMMIT);
      }
    }
    return;
  }
  const producerId = batch.isTransactional ? batch.producerId : -1n;
  for (const record of batch.records()) {
    if (record.offset < fromOffset || record.key === null) continue;
    shard.replay(record.key, record.value, producerId);
  }
}

export class GroupCoordinator {
  readonly #runtime: CoordinatorRuntime<GroupCoordinatorShard>;
  readonly #options: GroupCoordinatorOptions;

  constructor(options: GroupCoordinatorOptions) {
    this.#options = options;
    this.#runtime = new CoordinatorRuntime({
      topicName: GROUP_METADATA_TOPIC_NAME,
      host: options.host,
      newShard: () =>
        new GroupCoordinatorShard({ ...options.shardOptions, config: options.config() }),
      replayBatch,
      tick: (shard, _partition, now) => ({ records: shard.tick(now).records }),
      expireDue: (shard, groupId, now) => shard.expireDue(groupId, now),
      ...(options.compressionCodec === undefined
        ? {}
        : { compressionCodec: options.compressionCodec }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.leaderEpoch === undefined ? {} : { leaderEpoch: options.leaderEpoch }),
      ...(options.tickIntervalMs === undefined ? {} : { tickIntervalMs: options.tickIntervalMs }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  }

  start(): Promise<void> {
    return this.#runtime.start();
  }

  stop(): void {
    this.#runtime.stop();
  }

  /** The partition count, creating `__consumer_offsets` on first use as FindCoordinator does. */
  ensureTopic(): Promise<number> {
    return this.#runtime.ensureTopic();
  }

  partitionFor(groupId: string): number | undefined {
    return this.#runtime.partitionFor(groupId);
  }

  /** Every loaded shard, for requests that span groups (ListGroups) and for tests. */
  shards(): GroupCoordinatorShard[] {
    return this.#runtime.shards().map(([, shard]) => shard);
  }

  /**
   * Runs one shard operation for `groupId`: the records it returns are appended before the
   * response is released. NOT_COORDINATOR when the group's partition is not loaded here.
   */
  run<T>(
    groupId: string,
    op: (shard: GroupCoordinatorShard) => ShardResult<T | Promise<T>>,
  ): Promise<T> {
    return this.#runtime.run(groupId, op);
  }

  /**
   * The group's lag per partition (committed offset against `endOffsets`) with each partition's
   * owner; undefined when this coordinator has no such group.
   */
  lag(groupId: string, endOffsets: EndOffsets): PartitionLag[] | undefined {
    const partition = this.partitionFor(groupId);
    const shard = partition === undefined ? undefined : this.#runtime.shard(partition);
    if (shard === undefined) return undefined;
    return groupLag(
      shard,
      groupId,
      endOffsets,
      this.#options.shardOptions?.topics ?? EMPTY_TOPICS_VIEW,
    );
  }

  /**
   * Topics were created, deleted or grew: KIP-848 groups whose subscriptions resolve differently
   * get a new group epoch (and so a new assignment); the records are written like any change.
   */
  topicsChanged(): void {
    for (const [partition, shard] of this.#runtime.shards()) {
      this.#runtime
        .appendRecords(partition, shard.onTopicsChanged().records)
        .catch((err: unknown) =>
          this.#options.logger?.warn(
            { err, partition },
            'Group coordinator could not write subscription changes',
          ),
        );
    }
  }

  /**
   * Writes a transaction's end marker to one `__consumer_offsets` partition and applies it to its
   * shard: pending transactional offsets of the producer become committed (commit) or are
   * dropped (abort). The transaction coordinator calls this for the partitions a transaction
   * added with AddOffsetsToTxn.
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
    const shard = this.#runtime.shard(partition);
    if (shard === undefined) {
      throw new KafkaError(
        'NOT_COORDINATOR',
        `This broker does not coordinate ${GROUP_METADATA_TOPIC_NAME}-${partition}`,
      );
    }
    shard.replayEndTransactionMarker(marker.producerId, marker.commit);
    await this.#runtime.writeBatch(
      partition,
      buildEndTransactionMarkerBatch({
        type: marker.commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
        producerId: marker.producerId,
        producerEpoch: marker.producerEpoch,
        coordinatorEpoch: marker.coordinatorEpoch,
        timestamp: BigInt(this.#runtime.now()),
      }),
    );
  }
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
