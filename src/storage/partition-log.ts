// PartitionLog: the narrow interface the broker's Produce, Fetch, ListOffsets, DeleteRecords and
// OffsetForLeaderEpoch paths use. UnifiedLog (files on disk) implements it; every implementation
// must pass test/storage/partition-log-contract.ts.
//
// Offsets and timestamps are bigint, as the protocol codecs carry int64. Offsets a caller reads:
//   logStartOffset ≤ lastStableOffset ≤ highWatermark ≤ logEndOffset
// logEndOffset is the next offset to assign; the high watermark is what consumers may read. On a
// single node the high watermark follows the log end offset after every append; it is a separate
// field so replication can hold it back. lastStableOffset is the first offset of the earliest
// transaction still undecided (KIP-98), or the high watermark when there is none.
//
// Transactions: a producer's transactional batches go through appendAsLeader like any other; the
// transaction coordinator ends a transaction by appending the COMMIT or ABORT control batch that
// buildEndTransactionMarkerBatch (protocol/records) builds, with origin 'coordinator'.
import type { TopicPartition } from './file-names.js';
import type { AbortedTransaction } from './transaction-index.js';

export type AppendOrigin =
  /** A producer: full validation (Kafka's AppendOrigin.CLIENT). */
  | 'client'
  /**
   * The broker's own coordinators (Kafka's AppendOrigin.COORDINATOR): control batches (transaction
   * markers) allowed, producer epochs checked but not sequences, offsets still assigned here.
   */
  | 'coordinator';

export interface AppendOptions {
  /** The leader epoch to stamp into each batch's partitionLeaderEpoch. */
  readonly leaderEpoch: number;
  readonly origin?: AppendOrigin;
}

export interface AppendResult {
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
  /** The broker time stamped on LogAppendTime topics, else -1 (Produce's log_append_time_ms). */
  readonly logAppendTime: bigint;
  readonly logStartOffset: bigint;
  readonly recordCount: number;
  /** Bytes written to the log (after any recompression); 0 for a duplicate. */
  readonly sizeInBytes: number;
  /**
   * The batch retried one an idempotent producer already wrote: nothing was written, and the
   * offsets (and log append time) are those of the original append.
   */
  readonly duplicate: boolean;
}

/** Kafka's FetchIsolation: which offset bounds a read. */
export type FetchIsolation = 'log_end' | 'high_watermark' | 'txn_committed';

export interface ReadOptions {
  /** Byte budget; only whole batches are returned. */
  readonly maxBytes: number;
  /** Return the first batch even when it alone exceeds maxBytes (default true). */
  readonly minOneBatch?: boolean;
  /**
   * Upper bound: high watermark by default (read_uncommitted consumers); txn_committed stops at the
   * last stable offset (read_committed); log_end for replicas.
   */
  readonly isolation?: FetchIsolation;
}

export interface ReadResult {
  /**
   * Whole batches from the one containing the fetch offset (which may start before it), in log
   * order, up to maxBytes and below the isolation bound; empty when there is nothing to return.
   * A view of stored bytes (tail cache) or one read from the segment file: never re-encoded.
   */
  readonly records: Buffer;
  readonly highWatermark: bigint;
  readonly lastStableOffset: bigint;
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  /** Whether the bytes came from the in-memory tail cache (for metrics and tests). */
  readonly fromTailCache: boolean;
  /**
   * Only for isolation 'txn_committed': the aborted transactions overlapping the returned batches
   * (ABORT marker at or after the fetch offset, first offset before the end of the last batch),
   * in marker order, for Fetch's abortedTransactions; empty when no batch is returned.
   */
  readonly abortedTransactions?: readonly AbortedTransaction[];
}

/** ListOffsets' special timestamps. */
export const ListOffsetsTimestamp = {
  LATEST: -1n,
  EARLIEST: -2n,
  MAX_TIMESTAMP: -3n,
  EARLIEST_LOCAL: -4n,
  LATEST_TIERED: -5n,
} as const;

export interface TimestampAndOffset {
  /** The record's timestamp; -1 for the earliest/latest lookups. */
  readonly timestamp: bigint;
  readonly offset: bigint;
  /** The leader epoch of the batch holding the offset, when known. */
  readonly leaderEpoch: number | null;
}

/** OffsetForLeaderEpoch's answer; (-1, -1) when the epoch is unknown. */
export interface EpochEndOffset {
  readonly leaderEpoch: number;
  readonly endOffset: bigint;
}

/** A producer the partition remembers (DescribeProducers, Kafka's ProducerStateManager view). */
export interface ActiveProducer {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  /** The last sequence written, -1 when none is retained. */
  readonly lastSequence: number;
  /** Max timestamp of its last write. */
  readonly lastTimestamp: bigint;
  /** The transaction coordinator's epoch from its last marker, -1 before any. */
  readonly coordinatorEpoch: number;
  /** First offset of its open transaction, -1 when none is open. */
  readonly currentTxnStartOffset: bigint;
}

export interface PartitionLog {
  readonly topicPartition: TopicPartition;
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  readonly highWatermark: bigint;
  readonly lastStableOffset: bigint;
  /** Every offset below it is on stable storage (fsynced). */
  readonly recoveryPoint: bigint;
  /** Bytes in all segments. */
  readonly size: number;
  /** The newest leader epoch in the log, or null. */
  readonly latestEpoch: number | null;

  /**
   * Validates a producer's records (Kafka's LogValidator), assigns offsets and the leader epoch,
   * and writes them. Takes ownership of `records`: header fields are patched in place. Resolves
   * once the bytes are in the OS (survives kill -9), and also fsynced when the flush policy
   * (flush.messages) asks for it. Throws KafkaError (CORRUPT_MESSAGE, MESSAGE_TOO_LARGE,
   * INVALID_RECORD, INVALID_TIMESTAMP, RECORD_LIST_TOO_LARGE; for idempotent and transactional
   * producers INVALID_PRODUCER_EPOCH (an epoch below the producer's, data or marker),
   * OUT_OF_ORDER_SEQUENCE_NUMBER and INVALID_TXN_STATE (a non-transactional batch while the
   * producer's transaction is open); for a marker TRANSACTION_COORDINATOR_FENCED (a coordinator
   * epoch below the last marker's)) or RecordValidationError. A retry of one of an idempotent
   * producer's last five batches is not written again (`duplicate`).
   */
  appendAsLeader(records: Buffer, options: AppendOptions): Promise<AppendResult>;

  /** OFFSET_OUT_OF_RANGE when fetchOffset < logStartOffset or > logEndOffset. */
  read(fetchOffset: bigint, options: ReadOptions): Promise<ReadResult>;

  /**
   * ListOffsets: a timestamp, or EARLIEST/LATEST/MAX_TIMESTAMP. null when no record qualifies.
   * Results at or past the isolation bound (high watermark by default, the last stable offset for
   * txn_committed) count as not found; LATEST is the bound itself.
   */
  offsetForTimestamp(
    timestamp: bigint,
    options?: { isolation?: FetchIsolation },
  ): Promise<TimestampAndOffset | null>;

  /** OffsetForLeaderEpoch: the end offset of `leaderEpoch` (Kafka's LeaderEpochFileCache rules). */
  endOffsetForEpoch(leaderEpoch: number): EpochEndOffset;

  /**
   * Resolves once the high watermark is past `offset` (a record at or after it became readable),
   * at once if it already is, and when the log closes. Rejects with the signal's reason on abort.
   * With isolation 'txn_committed' it waits for the last stable offset instead (a read_committed
   * consumer cannot read past it). A long-poll Fetch calls it with its fetch offset for each
   * partition, races them, and aborts the rest; no timers are involved.
   */
  waitForAppend(offset: bigint, signal?: AbortSignal, isolation?: FetchIsolation): Promise<void>;

  /** Removes every batch at or after `offset` (a batch containing it goes whole). */
  truncateTo(offset: bigint): Promise<void>;

  /** Every producer whose state the partition keeps, by producer id. */
  activeProducers(): readonly ActiveProducer[];

  /**
   * DeleteRecords: advances the log start offset (never backwards); -1 means the high watermark.
   * OFFSET_OUT_OF_RANGE past the high watermark. Segments wholly below are deleted by the next
   * retention pass. Returns the log start offset.
   */
  deleteRecordsBefore(offset: bigint): Promise<bigint>;

  /** fsyncs everything appended so far and advances the recovery point. */
  flush(): Promise<void>;
  /** Flushes and closes; later calls fail with SAMSA_ERR_LOG_CLOSED. */
  close(): Promise<void>;
  /** Closes without flushing and removes the partition's files. */
  delete(): Promise<void>;
}
