// The transaction coordinator for one `__transaction_state` partition: Kafka's
// TransactionCoordinator + TransactionStateManager (KIP-98, with KIP-360's producer recovery) as
// a deterministic state machine, in the style of the group coordinator shard.
//
// Contract:
// - Every handler is synchronous and returns `{ response, records, markers }`. The service
//   appends `records` to the shard's partition, then writes `markers` (one entry per transaction
//   that entered PrepareCommit or PrepareAbort: its producer id, epoch, the coordinator epoch, the
//   result and its partitions), and sends the response once the records are appended — Kafka
//   answers EndTxn before the markers are written. When every partition of an entry has its
//   marker, the service calls `completeTransaction(markers)`, whose record moves the transaction
//   to CompleteCommit/CompleteAbort (an entry may list no partitions: complete it at once). Until
//   then every request on that transactional id gets CONCURRENT_TRANSACTIONS, as in Kafka while
//   a transaction completes.
// - State changes when the record is handed over, not when it is written: a second request
//   arriving before the first record is appended sees its result, and the service releases its
//   response only after its own records are appended (if an append fails the service rebuilds the
//   shard from the log). So Kafka's "pending state" collapses to PrepareCommit/PrepareAbort.
// - Producer ids come from the broker's ProducerIdManager, which is asynchronous. InitProducerId
//   returns `{ needsProducerId: true }` when it needs one (a new transactional id, or an
//   exhausted epoch); the service allocates one and calls again with it. The second call decides
//   afresh and never asks again. A handler never awaits, so the shard stays deterministic.
// - Time comes from the injected clock; `tick(now)` aborts transactions past their timeout and
//   expires idle transactional ids, each on Kafka's check interval.
// - `replay(key, value)` applies a record; replaying every record gives the same persisted state
//   (`snapshot()`). After loading, `pendingMarkers()` lists the transactions left in
//   PrepareCommit/PrepareAbort, whose markers must be written again.
//
// Only transaction version 0 (the pre-KIP-890 protocol) is served: the broker does not advertise
// the transaction.version feature, so clients never use KIP-890's epoch bump on every EndTxn.
// Kafka ties EndTxn v5 to those semantics (KafkaApis: version > 4 means TV_2), so EndTxn v5 is
// answered UNSUPPORTED_VERSION here and the handler should advertise EndTxn v0-4. AddPartitionsToTxn
// v4-5 serve the verification that a partition leader asks for before a transactional append
// (KIP-890 part 1), and also add partitions when VerifyOnly is false.

import { ErrorCodes } from '../../errors/generated/error-codes.js';
import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
} from '../../protocol/generated/api/init-producer-id.js';
import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnRequestAddPartitionsToTxnTransaction,
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
import type { CoordinatorRecord } from '../coordinator-runtime.js';
import {
  DEFAULT_TRANSACTION_COORDINATOR_CONFIG,
  type TransactionCoordinatorConfig,
} from './transaction-coordinator-config.js';
import {
  addAll,
  containsAll,
  isEpochExhausted,
  markersOf,
  nextEpoch,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  type TransactionMarkers,
  type TransactionMetadata,
} from './transaction-metadata.js';
import {
  decodeTransactionRecord,
  metadataFromRecord,
  persistedState,
  transactionRecord,
  transactionTombstone,
} from './transaction-log.js';
import { describeTransaction, listTransactions } from './transaction-admin.js';
import {
  addPartitionsResult,
  requestedPartitions,
  type PartitionSet,
} from './add-partitions-result.js';

const E = ErrorCodes;

/** Kafka's internal topics: a client's AddPartitionsToTxn (v0-3) may not name them. */
const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state']);
const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';
/** Short.MaxValue: the epoch a fence may reach but no producer is ever given. */
const MAX_PRODUCER_EPOCH = 32767;

export interface CoordinatorResultWithMarkers<T> {
  response: T;
  /** Records for the shard's `__transaction_state` partition, to append before answering. */
  records: CoordinatorRecord[];
  /** Markers to write once `records` are appended; then call `completeTransaction` for each. */
  markers: TransactionMarkers[];
}

export type InitProducerIdResult =
  | { needsProducerId: true }
  | ({ needsProducerId: false } & CoordinatorResultWithMarkers<InitProducerIdResponse>);

/** The request's API version: it decides response shapes and old clients' error codes. */
export interface TransactionRequestContext {
  apiVersion: number;
}

export interface TransactionCoordinatorShardOptions {
  config?: Partial<TransactionCoordinatorConfig>;
  clock?: () => number;
  /** The leader epoch of this `__transaction_state` partition, stamped on every marker. */
  coordinatorEpoch?: number;
  /**
   * Whether a topic partition exists, for AddPartitionsToTxn (Kafka checks its metadata cache).
   * None does by default.
   */
  partitionExists?: (topic: string, partition: number) => boolean;
}

type Outcome = { error: number; records: CoordinatorRecord[]; markers: TransactionMarkers[] };

const outcome = (
  error: number,
  txn?: TransactionMetadata,
  markers?: TransactionMarkers,
): Outcome => ({
  error,
  records: txn === undefined ? [] : [transactionRecord(txn)],
  markers: markers === undefined ? [] : [markers],
});

/** Clients before PRODUCER_FENCED existed get INVALID_PRODUCER_EPOCH, as KafkaApis does. */
function fencedFor(error: number, oldClient: boolean): number {
  return oldClient && error === E.PRODUCER_FENCED.code ? E.INVALID_PRODUCER_EPOCH.code : error;
}

function isPreparing(txn: TransactionMetadata): boolean {
  return txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort';
}

export class TransactionCoordinatorShard {
  readonly config: TransactionCoordinatorConfig;
  readonly coordinatorEpoch: number;
  /** Every live transactional id of this partition. */
  readonly transactions = new Map<string, TransactionMetadata>();
  readonly #clock: () => number;
  readonly #partitionExists: (topic: string, partition: number) => boolean;
  #nextAbortCheck: number;
  #nextExpirationCheck: number;

  constructor(options: TransactionCoordinatorShardOptions = {}) {
    this.config = { ...DEFAULT_TRANSACTION_COORDINATOR_CONFIG, ...options.config };
    this.coordinatorEpoch = options.coordinatorEpoch ?? 0;
    this.#clock = options.clock ?? Date.now;
    this.#partitionExists = options.partitionExists ?? (() => false);
    const now = this.#clock();
    this.#nextAbortCheck = now + this.config.abortTimedOutTransactionsIntervalMs;
    this.#nextExpirationCheck = now + this.config.removeExpiredTransactionalIdsIntervalMs;
  }

  now(): number {
    return this.#clock();
  }

  // ---- InitProducerId ---------------------------------------------------------------------

  /**
   * InitProducerId with a transactional id (v0-5): a new id gets `newProducerId` with epoch 0;
   * an existing one gets its epoch bumped, which fences the previous producer. An ongoing
   * transaction is aborted first under a bumped epoch, and the producer is told
   * CONCURRENT_TRANSACTIONS so that it retries once the abort completes. Returns
   * `{ needsProducerId: true }` when a producer id is needed and `newProducerId` is undefined.
   */
  initProducerId(
    request: InitProducerIdRequest,
    ctx: TransactionRequestContext,
    newProducerId?: bigint,
  ): InitProducerIdResult {
    const answer = (error: number, txn?: TransactionMetadata, extra?: Outcome) => ({
      needsProducerId: false as const,
      response: {
        throttleTimeMs: 0,
        errorCode: fencedFor(error, ctx.apiVersion < 4),
        producerId: txn === undefined ? NO_PRODUCER_ID : txn.producerId,
        producerEpoch: txn === undefined ? NO_PRODUCER_EPOCH : txn.producerEpoch,
      },
      records: extra?.records ?? (txn === undefined ? [] : [transactionRecord(txn)]),
      markers: extra?.markers ?? [],
    });
    const noProducerId = request.producerId === NO_PRODUCER_ID;
    if (noProducerId !== (request.producerEpoch === NO_PRODUCER_EPOCH)) {
      return answer(E.INVALID_REQUEST.code);
    }
    const transactionalId = request.transactionalId;
    if (transactionalId === null || transactionalId === '') return answer(E.INVALID_REQUEST.code);
    const timeoutMs = request.transactionTimeoutMs;
    if (timeoutMs <= 0 || timeoutMs > this.config.transactionMaxTimeoutMs) {
      return answer(E.INVALID_TRANSACTION_TIMEOUT.code);
    }
    const expected = noProducerId
      ? undefined
      : { producerId: request.producerId, epoch: request.producerEpoch };
    const now = this.#clock();
    const txn = this.transactions.get(transactionalId);

    if (txn === undefined) {
      if (newProducerId === undefined) return { needsProducerId: true };
      // Kafka creates the id at epoch -1 and bumps it: any ProducerId/ProducerEpoch is accepted.
      const created: TransactionMetadata = {
        transactionalId,
        producerId: newProducerId,
        previousProducerId: NO_PRODUCER_ID,
        producerEpoch: 0,
        lastProducerEpoch: NO_PRODUCER_EPOCH,
        txnTimeoutMs: timeoutMs,
        state: 'Empty',
        partitions: new Map(),
        txnStartTimestamp: -1,
        txnLastUpdateTimestamp: now,
      };
      this.transactions.set(transactionalId, created);
      return answer(E.NONE.code, created);
    }

    if (isPreparing(txn)) return answer(E.CONCURRENT_TRANSACTIONS.code);
    // KIP-360: a producer recovering with its id and epoch may only continue this producer id,
    // or the previous one if that was rotated away on an exhausted epoch (a retry).
    if (
      expected !== undefined &&
      !(
        txn.producerEpoch === NO_PRODUCER_EPOCH ||
        expected.producerId === txn.producerId ||
        (expected.producerId === txn.previousProducerId && isEpochExhausted(expected.epoch))
      )
    ) {
      return answer(E.PRODUCER_FENCED.code);
    }
    if (txn.state === 'Ongoing') {
      // Fence the producer of the ongoing transaction and abort it; this epoch is never handed
      // out: the retry bumps it again (or moves to a new producer id if that exhausts it).
      return answer(E.CONCURRENT_TRANSACTIONS.code, undefined, this.#fenceAndAbort(txn, now));
    }

    // Empty, CompleteCommit or CompleteAbort.
    if (
      isEpochExhausted(txn.producerEpoch) &&
      (expected === undefined || expected.epoch === txn.producerEpoch)
    ) {
      if (newProducerId === undefined) return { needsProducerId: true };
      txn.lastProducerEpoch = expected === undefined ? NO_PRODUCER_EPOCH : txn.producerEpoch;
      txn.previousProducerId = txn.producerId;
      txn.producerId = newProducerId;
      txn.producerEpoch = 0;
    } else {
      const bump = nextEpoch(txn, expected?.epoch);
      if (bump === undefined) return answer(E.PRODUCER_FENCED.code);
      txn.previousProducerId = txn.producerId;
      txn.producerEpoch = bump.epoch;
      txn.lastProducerEpoch = bump.lastEpoch;
    }
    txn.txnTimeoutMs = timeoutMs;
    txn.state = 'Empty';
    txn.partitions = new Map();
    txn.txnStartTimestamp = -1;
    txn.txnLastUpdateTimestamp = now;
    return answer(E.NONE.code, txn);
  }

  /**
   * Kafka's prepareFenceProducerEpoch followed by an abort on the coordinator's behalf: the
   * epoch goes up by one (so the producer's next request is fenced) and the transaction moves to
   * PrepareAbort under it.
   */
  #fenceAndAbort(txn: TransactionMetadata, now: number): Outcome {
    // An ongoing transaction's epoch was handed out, so it is below Short.MaxValue.
    if (txn.producerEpoch < MAX_PRODUCER_EPOCH) txn.producerEpoch += 1;
    txn.lastProducerEpoch = NO_PRODUCER_EPOCH;
    return this.#prepareEnd(txn, false, now);
  }

  #prepareEnd(txn: TransactionMetadata, commit: boolean, now: number): Outcome {
    txn.state = commit ? 'PrepareCommit' : 'PrepareAbort';
    txn.txnLastUpdateTimestamp = now;
    return outcome(E.NONE.code, txn, markersOf(txn, this.coordinatorEpoch));
  }

  // ---- AddPartitionsToTxn, AddOffsetsToTxn ------------------------------------------------

  /**
   * AddPartitionsToTxn, v0-3 (a producer adding partitions to its transaction) or v4-5 (a batch
   * of transactions, each added or, with VerifyOnly, checked). Every transaction of a v4+ batch
   * must belong to this shard; the service splits batches by partition and may call
   * `addPartitionsToTransaction` per transaction instead.
   */
  addPartitionsToTxn(
    request: AddPartitionsToTxnRequest,
    ctx: TransactionRequestContext,
  ): CoordinatorResultWithMarkers<AddPartitionsToTxnResponse> {
    const response: AddPartitionsToTxnResponse = {
      throttleTimeMs: 0,
      errorCode: E.NONE.code,
      resultsByTransaction: [],
      resultsByTopicV3AndBelow: [],
    };
    if (ctx.apiVersion < 4) {
      const { response: result, records } = this.addPartitionsToTransaction(
        {
          transactionalId: request.v3AndBelowTransactionalId,
          producerId: request.v3AndBelowProducerId,
          producerEpoch: request.v3AndBelowProducerEpoch,
          verifyOnly: false,
          topics: request.v3AndBelowTopics,
        },
        ctx,
      );
      return {
        response: { ...response, resultsByTopicV3AndBelow: result.topicResults },
        records,
        markers: [],
      };
    }
    const records: CoordinatorRecord[] = [];
    for (const transaction of request.transactions) {
      const result = this.addPartitionsToTransaction(transaction, ctx);
      response.resultsByTransaction.push(result.response);
      records.push(...result.records);
    }
    return { response, records, markers: [] };
  }

  /**
   * One transaction of AddPartitionsToTxn. Partitions are checked first, as KafkaApis does: an
   * internal topic named by a client (v0-3) gets TOPIC_AUTHORIZATION_FAILED, a partition that does
   * not exist UNKNOWN_TOPIC_OR_PARTITION, and then the rest OPERATION_NOT_ATTEMPTED and nothing is
   * added. Otherwise every partition gets the coordinator's one answer, or with VerifyOnly each
   * partition NONE if it is in the transaction and TRANSACTION_ABORTABLE if not.
   */
  addPartitionsToTransaction(
    transaction: AddPartitionsToTxnRequestAddPartitionsToTxnTransaction,
    ctx: TransactionRequestContext,
  ): CoordinatorResultWithMarkers<AddPartitionsToTxnResponseAddPartitionsToTxnResult> {
    const { transactionalId } = transaction;
    const requested = requestedPartitions(transaction.topics);
    const result = (error: (topic: string, partition: number) => number) => ({
      transactionalId,
      topicResults: addPartitionsResult(requested, error),
    });
    const checks = new Map<string, number>();
    for (const [topic, set] of requested) {
      for (const p of set) {
        const code =
          ctx.apiVersion < 4 && INTERNAL_TOPICS.has(topic)
            ? E.TOPIC_AUTHORIZATION_FAILED.code
            : this.#partitionExists(topic, p)
              ? E.NONE.code
              : E.UNKNOWN_TOPIC_OR_PARTITION.code;
        if (code !== E.NONE.code) checks.set(`${p}:${topic}`, code);
      }
    }
    if (checks.size > 0) {
      const response = result((t, p) => checks.get(`${p}:${t}`) ?? E.OPERATION_NOT_ATTEMPTED.code);
      return { response, records: [], markers: [] };
    }
    if (transaction.verifyOnly) {
      const error = this.#verifyError(transaction);
      const txn = this.transactions.get(transactionalId);
      const response = result((t, p) =>
        error !== E.NONE.code
          ? error
          : txn?.partitions.get(t)?.has(p) === true
            ? E.NONE.code
            : E.TRANSACTION_ABORTABLE.code,
      );
      return { response, records: [], markers: [] };
    }
    const { error, records } = this.#addPartitions(
      transactionalId,
      transaction.producerId,
      transaction.producerEpoch,
      requested,
    );
    const code = fencedFor(error, ctx.apiVersion < 2);
    return { response: result(() => code), records, markers: [] };
  }

  /** Kafka's handleVerifyPartitionsInTransaction, before it looks at the partitions. */
  #verifyError(transaction: AddPartitionsToTxnRequestAddPartitionsToTxnTransaction): number {
    if (transaction.transactionalId === '') return E.INVALID_REQUEST.code;
    const txn = this.transactions.get(transaction.transactionalId);
    if (txn === undefined || txn.producerId !== transaction.producerId) {
      return E.INVALID_PRODUCER_ID_MAPPING.code;
    }
    if (txn.producerEpoch !== transaction.producerEpoch) return E.PRODUCER_FENCED.code;
    if (isPreparing(txn)) return E.CONCURRENT_TRANSACTIONS.code;
    return E.NONE.code;
  }

  /**
   * AddOffsetsToTxn (v0-4): adds the group's `__consumer_offsets` partition, `offsetsPartition`
   * (the group coordinator's partition for the group id), to the transaction, so that its
   * TxnOffsetCommit is committed or aborted with it.
   */
  addOffsetsToTxn(
    request: AddOffsetsToTxnRequest,
    ctx: TransactionRequestContext,
    offsetsPartition: number,
  ): CoordinatorResultWithMarkers<AddOffsetsToTxnResponse> {
    const { error, records } = this.#addPartitions(
      request.transactionalId,
      request.producerId,
      request.producerEpoch,
      new Map([[GROUP_METADATA_TOPIC_NAME, new Set([offsetsPartition])]]),
    );
    return {
      response: { throttleTimeMs: 0, errorCode: fencedFor(error, ctx.apiVersion < 2) },
      records,
      markers: [],
    };
  }

  /** Kafka's handleAddPartitionsToTransaction: Empty/Complete* or Ongoing → Ongoing. */
  #addPartitions(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    added: PartitionSet,
  ): Outcome {
    if (transactionalId === '') return outcome(E.INVALID_REQUEST.code);
    const txn = this.transactions.get(transactionalId);
    if (txn === undefined || txn.producerId !== producerId) {
      return outcome(E.INVALID_PRODUCER_ID_MAPPING.code);
    }
    if (txn.producerEpoch !== producerEpoch) return outcome(E.PRODUCER_FENCED.code);
    if (isPreparing(txn)) return outcome(E.CONCURRENT_TRANSACTIONS.code);
    if (txn.state === 'Ongoing' && containsAll(txn.partitions, added)) return outcome(E.NONE.code);
    const now = this.#clock();
    if (txn.state !== 'Ongoing') txn.txnStartTimestamp = now;
    addAll(txn.partitions, added);
    txn.state = 'Ongoing';
    txn.txnLastUpdateTimestamp = now;
    return outcome(E.NONE.code, txn);
  }

  // ---- EndTxn -----------------------------------------------------------------------------

  /**
   * EndTxn (v0-4): an ongoing transaction moves to PrepareCommit or PrepareAbort and its markers
   * are returned. A retry while they are written gets CONCURRENT_TRANSACTIONS, a retry after the
   * same outcome completed NONE, and the other outcome (or no transaction) INVALID_TXN_STATE.
   */
  endTxn(
    request: EndTxnRequest,
    ctx: TransactionRequestContext,
  ): CoordinatorResultWithMarkers<EndTxnResponse> {
    const answer = (error: number, txn?: TransactionMetadata, extra?: Outcome) => ({
      response: {
        throttleTimeMs: 0,
        errorCode: fencedFor(error, ctx.apiVersion < 2),
        producerId: txn === undefined ? NO_PRODUCER_ID : txn.producerId,
        producerEpoch: txn === undefined ? NO_PRODUCER_EPOCH : txn.producerEpoch,
      },
      records: extra?.records ?? [],
      markers: extra?.markers ?? [],
    });
    if (ctx.apiVersion > 4) return answer(E.UNSUPPORTED_VERSION.code);
    if (request.transactionalId === '') return answer(E.INVALID_REQUEST.code);
    const txn = this.transactions.get(request.transactionalId);
    if (txn === undefined || txn.producerId !== request.producerId) {
      return answer(E.INVALID_PRODUCER_ID_MAPPING.code);
    }
    if (txn.producerEpoch !== request.producerEpoch) return answer(E.PRODUCER_FENCED.code);
    if (isPreparing(txn)) return answer(E.CONCURRENT_TRANSACTIONS.code);
    const commit = request.committed;
    switch (txn.state) {
      case 'Ongoing':
        return answer(E.NONE.code, txn, this.#prepareEnd(txn, commit, this.#clock()));
      case 'CompleteCommit':
        return commit ? answer(E.NONE.code, txn) : answer(E.INVALID_TXN_STATE.code);
      case 'CompleteAbort':
        return commit ? answer(E.INVALID_TXN_STATE.code) : answer(E.NONE.code, txn);
      default:
        return answer(E.INVALID_TXN_STATE.code);
    }
  }

  // ---- Markers ----------------------------------------------------------------------------

  /**
   * The markers of `markers` are written to every partition: the transaction moves to
   * CompleteCommit or CompleteAbort (`response: true`) and its record is returned. Markers that no
   * longer match the transaction (it was rebuilt or moved on) change nothing (`response: false`).
   */
  completeTransaction(markers: TransactionMarkers): CoordinatorResultWithMarkers<boolean> {
    const txn = this.transactions.get(markers.transactionalId);
    const preparing = markers.transactionResult ? 'PrepareCommit' : 'PrepareAbort';
    if (
      txn === undefined ||
      txn.state !== preparing ||
      txn.producerId !== markers.producerId ||
      txn.producerEpoch !== markers.producerEpoch ||
      markers.coordinatorEpoch !== this.coordinatorEpoch
    ) {
      return { response: false, records: [], markers: [] };
    }
    txn.state = markers.transactionResult ? 'CompleteCommit' : 'CompleteAbort';
    txn.partitions = new Map();
    txn.txnLastUpdateTimestamp = this.#clock();
    return { response: true, records: [transactionRecord(txn)], markers: [] };
  }

  /**
   * The markers of every transaction in PrepareCommit or PrepareAbort: after loading a partition
   * (Kafka's loadTransactionsForTxnTopicPartition sends them again), or to retry after a failure.
   */
  pendingMarkers(): TransactionMarkers[] {
    return [...this.transactions.values()]
      .filter(isPreparing)
      .map((txn) => markersOf(txn, this.coordinatorEpoch));
  }

  // ---- Time -------------------------------------------------------------------------------

  /**
   * Every `abortTimedOutTransactionsIntervalMs`, aborts each ongoing transaction older than its
   * timeout, fencing its producer (Kafka's abortTimedOutTransactions); every
   * `removeExpiredTransactionalIdsIntervalMs`, tombstones each transactional id with no
   * transaction in progress whose last record is `transactionalIdExpirationMs` old.
   */
  tick(now: number = this.now()): CoordinatorResultWithMarkers<null> {
    const records: CoordinatorRecord[] = [];
    const markers: TransactionMarkers[] = [];
    if (now >= this.#nextAbortCheck) {
      this.#nextAbortCheck = now + this.config.abortTimedOutTransactionsIntervalMs;
      for (const txn of this.transactions.values()) {
        if (txn.state === 'Ongoing' && txn.txnStartTimestamp + txn.txnTimeoutMs < now) {
          const aborted = this.#fenceAndAbort(txn, now);
          records.push(...aborted.records);
          markers.push(...aborted.markers);
        }
      }
    }
    if (now >= this.#nextExpirationCheck) {
      this.#nextExpirationCheck = now + this.config.removeExpiredTransactionalIdsIntervalMs;
      const cutoff = now - this.config.transactionalIdExpirationMs;
      for (const txn of [...this.transactions.values()]) {
        const idle =
          txn.state === 'Empty' || txn.state === 'CompleteCommit' || txn.state === 'CompleteAbort';
        if (idle && txn.txnLastUpdateTimestamp <= cutoff) {
          this.transactions.delete(txn.transactionalId);
          records.push(transactionTombstone(txn.transactionalId));
        }
      }
    }
    return { response: null, records, markers };
  }

  // ---- Admin ------------------------------------------------------------------------------

  /** DescribeTransactions (v0) for one transactional id of this shard. */
  describeTransaction(transactionalId: string): DescribeTransactionsResponseTransactionState {
    return describeTransaction(this.transactions, transactionalId);
  }

  /** ListTransactions (v0-1) over this shard's transactional ids. */
  listTransactions(request: ListTransactionsRequest): ListTransactionsResponse {
    return listTransactions(this.transactions, request, this.#clock());
  }

  // ---- Replay -----------------------------------------------------------------------------

  /** Applies one `__transaction_state` record (in partition order) to the shard's state. */
  replay(key: Buffer, value: Buffer | null): void {
    const record = decodeTransactionRecord(key, value);
    if (record.type !== 'transaction') return;
    if (record.value === null) this.transactions.delete(record.transactionalId);
    else {
      this.transactions.set(
        record.transactionalId,
        metadataFromRecord(record.transactionalId, record.value),
      );
    }
  }

  /**
   * The persisted view of the shard: what replaying its records must reproduce. The in-memory
   * fields Kafka does not persist either (the previous producer id and the last epoch, for
   * KIP-360 retries) are left out.
   */
  snapshot(): unknown {
    return [...this.transactions.values()]
      .map(persistedState)
      .sort((a, b) =>
        a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0,
      );
  }
}
