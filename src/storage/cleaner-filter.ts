// What the log cleaner keeps of one batch (Kafka's MemoryRecords.filterTo with the cleaner's
// RecordFilter and Cleaner.shouldRetainRecord). Pure: bytes in, bytes out.
//
// A record is kept when it lies past the offset map (not deduplicated this pass), or it is the
// latest record of its key and either has a value or is a tombstone whose delete horizon has not
// passed. Keyless records go (a compacted topic refuses them; older ones are dropped as Kafka
// does). The batch that holds what is kept:
//   - unchanged bytes when every record is kept and no delete horizon must be set (invariant 1:
//     most batches of a compacted log are copied byte for byte);
//   - otherwise rebuilt with the kept records: same base offset and last offset delta (so offsets,
//     and an idempotent producer's last sequence, survive), producer fields, leader epoch,
//     compression codec and timestamp type, each record keeping its offset delta, timestamp,
//     headers and attributes;
//   - a tombstone kept for the first time sets the batch's delete horizon (KIP-534): attribute
//     bit 6, with baseTimestamp = cleaning time + delete.retention.ms and the record timestamp
//     deltas rebased on it; a later cleaning at or past the horizon drops the tombstones;
//   - with nothing kept, the batch goes, unless it must stay as an empty header (Kafka's
//     RETAIN_EMPTY): the last batch of an active idempotent producer (its sequence and epoch) and
//     the last batch of a cleaned group of segments (so the cleaned segment ends where the old ones
//     did; see segment-swap.ts).
// Transactions (the caller decides with cleaner-txn.ts whether the batch may be discarded):
//   - a batch of an aborted transaction loses all its records, whatever its keys;
//   - a control batch (marker) keeps its record while it is needed; once it may be discarded, the
//     first cleaning sets its delete horizon (like a tombstone's) and a cleaning at or past the
//     horizon drops it (or leaves an empty header, under the rules above).
import { CompressionType, toCompressionType } from '../protocol/compression/index.js';
import {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  MAX_TIMESTAMP_OFFSET,
  TimestampType,
  buildRecordBatch,
  type KafkaRecord,
  type RecordBatch,
} from '../protocol/records/index.js';
import type { OffsetMap } from './cleaner-offset-map.js';

const INT64_MAX = 0x7fffffffffffffffn;

/** An active producer's last write (Kafka's LastRecord): the batch the cleaner must not drop. */
export interface LastRecord {
  /** The last offset of the producer's last data batch, or null when its last write was a marker. */
  readonly lastDataOffset: bigint | null;
  readonly producerEpoch: number;
}

export interface CleanerFilterContext {
  readonly map: OffsetMap;
  /** The time the cleaning started (ms). */
  readonly now: number;
  readonly deleteRetentionMs: number;
  readonly lastRecordsOfActiveProducers: ReadonlyMap<bigint, LastRecord>;
}

export interface FilteredBatch {
  /** The batch to write: the original bytes, a rebuilt batch, or an empty header. */
  readonly bytes: Buffer;
  readonly lastOffset: bigint;
  readonly maxTimestamp: bigint;
  readonly recordsRead: number;
  readonly recordsKept: number;
  /** The delete horizon of a kept batch that still holds tombstones or a removable marker. */
  readonly tombstoneHorizon: bigint | null;
}

/** cleaning time + delete.retention.ms, capped at Long.MAX_VALUE (delete.retention.ms may be). */
function deleteHorizon(now: number, deleteRetentionMs: number): bigint {
  if (!Number.isFinite(deleteRetentionMs)) return INT64_MAX;
  const horizon = BigInt(now) + BigInt(Math.floor(deleteRetentionMs));
  return horizon > INT64_MAX ? INT64_MAX : horizon;
}

function isLastBatchOfProducer(batch: RecordBatch, ctx: CleanerFilterContext): boolean {
  if (batch.producerId < 0n) return false;
  const last = ctx.lastRecordsOfActiveProducers.get(batch.producerId);
  if (last === undefined) return false;
  return last.lastDataOffset !== null
    ? batch.lastOffset === last.lastDataOffset
    : batch.isControl && batch.producerEpoch === last.producerEpoch;
}

function shouldRetainRecord(
  batch: RecordBatch,
  record: KafkaRecord,
  ctx: CleanerFilterContext,
): boolean {
  if (record.offset > ctx.map.latestOffset) return true;
  if (record.key === null) return false;
  if (record.offset < ctx.map.get(record.key)) return false;
  if (record.value !== null) return true;
  return !batch.hasDeleteHorizon || BigInt(ctx.now) < batch.baseTimestamp;
}

/** The batch rebuilt with `records`, offsets and header fields kept (see the module header). */
function rebuild(
  batch: RecordBatch,
  records: readonly KafkaRecord[],
  horizon: bigint | null,
): Buffer {
  const originalBase = batch.baseTimestamp;
  const base = horizon ?? originalBase;
  let maxTimestamp: bigint | undefined;
  const inputs = records.map((r) => {
    // The stored timestamp (for LogAppendTime batches readers use maxTimestamp instead).
    const timestamp = originalBase + r.timestampDelta;
    if (maxTimestamp === undefined || timestamp > maxTimestamp) maxTimestamp = timestamp;
    return {
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestampDelta: timestamp - base,
      offsetDelta: r.offsetDelta,
      attributes: r.attributes,
    };
  });
  const logAppendTime = batch.timestampType === TimestampType.LogAppendTime;
  return buildRecordBatch({
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    compression: toCompressionType(batch.compression),
    timestampType: batch.timestampType,
    baseTimestamp: base,
    maxTimestamp: logAppendTime ? batch.maxTimestamp : (maxTimestamp ?? batch.maxTimestamp),
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    isTransactional: batch.isTransactional,
    isControl: batch.isControl,
    hasDeleteHorizon: horizon !== null,
    lastOffsetDelta: batch.lastOffsetDelta,
    records: inputs,
  });
}

/** Kafka's DefaultRecordBatch.writeEmptyHeader: the batch's offsets and producer, no records. */
function emptyHeader(batch: RecordBatch): Buffer {
  return buildRecordBatch({
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    compression: CompressionType.none,
    timestampType: batch.timestampType,
    baseTimestamp: batch.maxTimestamp,
    maxTimestamp: batch.maxTimestamp,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    isTransactional: batch.isTransactional,
    isControl: batch.isControl,
    lastOffsetDelta: batch.lastOffsetDelta,
    records: [],
  });
}

/**
 * What to write for `batch`, or null to drop it. `keepEmpty` asks for an empty header rather than
 * nothing (the last batch of a cleaned group). `canDiscardTxn`: the batch belongs to an aborted
 * transaction, or is a marker no longer needed (CleanedTransactionMetadata).
 */
export function filterBatch(
  batch: RecordBatch,
  ctx: CleanerFilterContext,
  keepEmpty: boolean,
  canDiscardTxn = false,
): FilteredBatch | null {
  // Kafka's checkBatchRetention: a marker goes once its delete horizon has passed.
  const discardRecords = batch.isControl
    ? canDiscardTxn && batch.hasDeleteHorizon && BigInt(ctx.now) >= batch.baseTimestamp
    : canDiscardTxn;
  const retainEmpty = keepEmpty || isLastBatchOfProducer(batch, ctx);
  if (discardRecords && !retainEmpty) return null;
  const records = discardRecords
    ? []
    : [...batch.records({ maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES })];
  const recordsRead = discardRecords ? batch.recordCount : records.length;
  const kept = batch.isControl ? records : records.filter((r) => shouldRetainRecord(batch, r, ctx));
  if (kept.length === 0) {
    if (!retainEmpty) return null;
    return {
      bytes: emptyHeader(batch),
      lastOffset: batch.lastOffset,
      maxTimestamp: batch.maxTimestamp,
      recordsRead,
      recordsKept: 0,
      tombstoneHorizon: null,
    };
  }
  // What a later cleaning removes at the delete horizon: tombstones, or a marker no longer needed.
  const removable = batch.isControl ? canDiscardTxn : kept.some((r) => r.value === null);
  const needsHorizon = removable && !batch.hasDeleteHorizon;
  if (kept.length === records.length && !needsHorizon) {
    return {
      bytes: batch.buffer,
      lastOffset: batch.lastOffset,
      maxTimestamp: batch.maxTimestamp,
      recordsRead,
      recordsKept: recordsRead,
      tombstoneHorizon: removable ? batch.baseTimestamp : null,
    };
  }
  const horizon = needsHorizon
    ? deleteHorizon(ctx.now, ctx.deleteRetentionMs)
    : batch.hasDeleteHorizon
      ? batch.baseTimestamp
      : null;
  const bytes = rebuild(batch, kept, horizon);
  return {
    bytes,
    lastOffset: batch.lastOffset,
    maxTimestamp: bytes.readBigInt64BE(MAX_TIMESTAMP_OFFSET),
    recordsRead,
    recordsKept: kept.length,
    tombstoneHorizon: removable ? horizon : null,
  };
}
