// The transaction coordinator service: each transactional id is served by the shard of its
// `__transaction_state` partition, on the coordinator runtime (records appended before the
// answer, replay at start-up, a deadline timer). This file adds what is particular to
// transactions: producer ids for InitProducerId, and the markers. When a transaction is prepared
// (EndTxn, a fenced producer, a timeout) the PrepareCommit/PrepareAbort record is written first,
// the client is answered, then a COMMIT or ABORT marker goes to every partition of the
// transaction; once all are written, the CompleteCommit/CompleteAbort record. Markers that fail
// are retried until they succeed or the partition is gone; after a restart, transactions found
// prepared get their markers again.

import { KafkaError } from '../../errors/kafka-error.js';
import type { RecordBatch } from '../../protocol/records/index.js';
import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
} from '../../protocol/generated/api/init-producer-id.js';
import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  AddPartitionsToTxnResponseAddPartitionsToTxnResult,
} from '../../protocol/generated/api/add-partitions-to-txn.js';
import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
} from '../../protocol/generated/api/add-offsets-to-txn.js';
import type { EndTxnRequest, EndTxnResponse } from '../../protocol/generated/api/end-txn.js';
import type { DescribeTransactionsResponseTransactionState } from '../../protocol/generated/api/describe-transactions.js';
import type {
  ListTransactionsRequest,
  ListTransactionsResponse,
} from '../../protocol/generated/api/list-transactions.js';
import {
  CoordinatorRuntime,
  type InternalTopicHost,
  type ShardResult,
} from '../coordinator-runtime.js';
import {
  TransactionCoordinatorShard,
  type CoordinatorResultWithMarkers,
  type TransactionRequestContext,
} from './transaction-coordinator-shard.js';
import type { TransactionCoordinatorConfig } from './transaction-coordinator-config.js';
import type { TransactionMarkers } from './transaction-metadata.js';
import { addPartitionsErrorResult } from './add-partitions-result.js';

export const TRANSACTION_STATE_TOPIC_NAME = '__transaction_state';

/** One marker for one partition, as the coordinator asks a partition leader to write it. */
export interface PartitionMarker {
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  commit: boolean;
}

export interface TransactionCoordinatorOptions {
  host: InternalTopicHost;
  config: () => TransactionCoordinatorConfig;
  /** Fresh producer ids, never handed out before (the broker's ProducerIdManager). */
  generateProducerId(): Promise<bigint>;
  /** Whether a partition exists, for AddPartitionsToTxn. */
  partitionExists(topic: string, partition: number): boolean;
  /** The `__consumer_offsets` partition of a group, for AddOffsetsToTxn. */
  groupPartition(groupId: string): Promise<number>;
  /**
   * Writes a marker to a partition led here. Resolves when written; a partition that no longer
   * exists throws KafkaError UNKNOWN_TOPIC_OR_PARTITION (the marker is then skipped, as Kafka).
   */
  writeMarker(topic: string, partition: number, marker: PartitionMarker): Promise<void>;
  clock?: () => number;
  leaderEpoch?: number;
  tickIntervalMs?: number;
  /** Wait before a failed marker is tried again. */
  markerRetryBackoffMs?: number;
  logger?: { warn(details: object, message: string): void };
}

/** The shard's persisted-state replay of one `__transaction_state` batch. */
function replayBatch(
  shard: TransactionCoordinatorShard,
  batch: RecordBatch,
  fromOffset: bigint,
): void {
  if (batch.isControl) return;
  for (const record of batch.records()) {
    if (record.offset < fromOffset || record.key === null) continue;
    shard.replay(record.key, record.value);
  }
}

const NEEDS_PRODUCER_ID = Symbol('needs producer id');

/** Marker errors no retry can fix. */
const FENCED_MARKER_ERRORS: ReadonlySet<string> = new Set([
  'TRANSACTION_COORDINATOR_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
]);

export class TransactionCoordinator {
  readonly #runtime: CoordinatorRuntime<TransactionCoordinatorShard>;
  readonly #options: TransactionCoordinatorOptions;
  #stopped = false;

  constructor(options: TransactionCoordinatorOptions) {
    this.#options = options;
    this.#runtime = new CoordinatorRuntime({
      topicName: TRANSACTION_STATE_TOPIC_NAME,
      host: options.host,
      newShard: () =>
        new TransactionCoordinatorShard({
          config: options.config(),
          partitionExists: options.partitionExists,
          coordinatorEpoch: options.leaderEpoch ?? 0,
          ...(options.clock === undefined ? {} : { clock: options.clock }),
        }),
      replayBatch,
      tick: (shard, partition, now) => {
        const { records, markers } = shard.tick(now);
        return { records, afterAppend: () => this.#sendAll(partition, markers) };
      },
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.leaderEpoch === undefined ? {} : { leaderEpoch: options.leaderEpoch }),
      ...(options.tickIntervalMs === undefined ? {} : { tickIntervalMs: options.tickIntervalMs }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  }

  /** Loads existing partitions, then finishes the transactions they left prepared. */
  async start(): Promise<void> {
    await this.#runtime.start();
    this.#resumePrepared();
  }

  stop(): void {
    this.#stopped = true;
    this.#runtime.stop();
  }

  /** The partition count, creating `__transaction_state` on first use. */
  async ensureTopic(): Promise<number> {
    const created = this.#runtime.partitionFor('') === undefined;
    const count = await this.#runtime.ensureTopic();
    if (created) this.#resumePrepared();
    return count;
  }

  #resumePrepared(): void {
    for (const [partition, shard] of this.#runtime.shards()) {
      this.#sendAll(partition, shard.pendingMarkers());
    }
  }

  #partition(transactionalId: string): number {
    const partition = this.#runtime.partitionFor(transactionalId);
    if (partition === undefined) {
      throw new KafkaError(
        'NOT_COORDINATOR',
        `This broker is not the coordinator of transactional id ${JSON.stringify(transactionalId)}`,
      );
    }
    return partition;
  }

  /** Runs a shard operation that may prepare transactions, then sends their markers. */
  async #run<T>(
    transactionalId: string,
    op: (shard: TransactionCoordinatorShard) => CoordinatorResultWithMarkers<T>,
  ): Promise<T> {
    const partition = this.#partition(transactionalId);
    const { response, markers } = await this.#runtime.run(transactionalId, (shard) => {
      const result = op(shard);
      return { response: result, records: result.records };
    });
    this.#sendAll(partition, markers);
    return response;
  }

  /** InitProducerId with a transactional id (a plain idempotent producer never gets here). */
  async initProducerId(
    request: InitProducerIdRequest & { transactionalId: string },
    ctx: TransactionRequestContext,
  ): Promise<InitProducerIdResponse> {
    const partition = this.#partition(request.transactionalId);
    let producerId: bigint | undefined;
    // The shard asks at most once for a fresh id, and never again once it has one.
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await this.#runtime.run(
        request.transactionalId,
        (
          shard,
        ): ShardResult<
          typeof NEEDS_PRODUCER_ID | CoordinatorResultWithMarkers<InitProducerIdResponse>
        > => {
          const r = shard.initProducerId(request, ctx, producerId);
          return r.needsProducerId
            ? { response: NEEDS_PRODUCER_ID, records: [] }
            : { response: r, records: r.records };
        },
      );
      if (result === NEEDS_PRODUCER_ID) {
        producerId = await this.#options.generateProducerId();
        continue;
      }
      this.#sendAll(partition, result.markers);
      return result.response;
    }
    throw new Error('The transaction coordinator asked twice for a producer id');
  }

  addPartitionsToTxn(
    request: AddPartitionsToTxnRequest,
    ctx: TransactionRequestContext,
  ): Promise<AddPartitionsToTxnResponse> {
    return this.#run(request.v3AndBelowTransactionalId, (shard) =>
      shard.addPartitionsToTxn(request, ctx),
    );
  }

  /** One transaction of a batched (v4+) AddPartitionsToTxn; NOT_COORDINATOR-style errors inline. */
  async addPartitionsToTransaction(
    transaction: AddPartitionsToTxnRequest['transactions'][number],
    ctx: TransactionRequestContext,
  ): Promise<AddPartitionsToTxnResponseAddPartitionsToTxnResult> {
    try {
      return await this.#run(transaction.transactionalId, (shard) =>
        shard.addPartitionsToTransaction(transaction, ctx),
      );
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      return addPartitionsErrorResult(transaction, err.errorCode);
    }
  }

  async addOffsetsToTxn(
    request: AddOffsetsToTxnRequest,
    ctx: TransactionRequestContext,
  ): Promise<AddOffsetsToTxnResponse> {
    const offsetsPartition = await this.#options.groupPartition(request.groupId);
    return this.#run(request.transactionalId, (shard) =>
      shard.addOffsetsToTxn(request, ctx, offsetsPartition),
    );
  }

  endTxn(request: EndTxnRequest, ctx: TransactionRequestContext): Promise<EndTxnResponse> {
    return this.#run(request.transactionalId, (shard) => shard.endTxn(request, ctx));
  }

  describeTransaction(transactionalId: string): DescribeTransactionsResponseTransactionState {
    const shard = this.#runtime.shard(this.#partition(transactionalId));
    if (shard === undefined) throw new KafkaError('NOT_COORDINATOR');
    return shard.describeTransaction(transactionalId);
  }

  /** ListTransactions over every partition led here. */
  listTransactions(request: ListTransactionsRequest): ListTransactionsResponse {
    // An empty shard answers the request-level parts (unknown state filters) the same way.
    const base = new TransactionCoordinatorShard().listTransactions(request);
    return {
      ...base,
      transactionStates: this.#runtime
        .shards()
        .flatMap(([, shard]) => shard.listTransactions(request).transactionStates),
    };
  }

  /** Sends the markers of each prepared transaction, then completes it. Never rejects. */
  #sendAll(partition: number, markers: readonly TransactionMarkers[]): void {
    for (const m of markers) {
      this.#complete(partition, m).catch((err: unknown) =>
        this.#options.logger?.warn(
          { err, transactionalId: m.transactionalId },
          'Transaction coordinator could not complete a transaction',
        ),
      );
    }
  }

  async #complete(partition: number, markers: TransactionMarkers): Promise<void> {
    const marker: PartitionMarker = {
      producerId: markers.producerId,
      producerEpoch: markers.producerEpoch,
      coordinatorEpoch: markers.coordinatorEpoch,
      commit: markers.transactionResult,
    };
    const outcomes = await Promise.all(
      markers.topics.flatMap((t) =>
        t.partitionIndexes.map((p) => this.#writeUntilDone(t.name, p, marker)),
      ),
    );
    if (this.#stopped || outcomes.includes('fenced')) return;
    const { markers: more } = await this.#runtime.runOnPartition(partition, (shard) => {
      const result = shard.completeTransaction(markers);
      return { response: result, records: result.records };
    });
    this.#sendAll(partition, more);
  }

  /**
   * Writes one marker, retrying transient failures. 'fenced': the partition refused it for good
   * (a newer producer epoch or coordinator epoch wrote there), so the transaction is left to the
   * coordinator that fenced it, as Kafka's marker handler does.
   */
  async #writeUntilDone(
    topic: string,
    partition: number,
    marker: PartitionMarker,
  ): Promise<'written' | 'fenced'> {
    const backoffMs = this.#options.markerRetryBackoffMs ?? 100;
    for (;;) {
      if (this.#stopped) return 'fenced';
      try {
        await this.#options.writeMarker(topic, partition, marker);
        return 'written';
      } catch (err) {
        if (err instanceof KafkaError) {
          // A partition deleted since it joined the transaction needs no marker (Kafka's
          // TransactionMarkerChannelManager drops it too).
          if (err.errorName === 'UNKNOWN_TOPIC_OR_PARTITION') return 'written';
          if (FENCED_MARKER_ERRORS.has(err.errorName)) {
            this.#options.logger?.warn(
              { err, topic, partition },
              'Transaction marker refused by the partition; leaving the transaction as is',
            );
            return 'fenced';
          }
        }
        this.#options.logger?.warn(
          { err, topic, partition },
          'Transaction marker not written; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, backoffMs).unref());
      }
    }
  }
}
