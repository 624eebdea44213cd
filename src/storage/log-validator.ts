// LogValidator: what Kafka's leader checks before a producer's batch enters the log, and the one
// place the broker may rewrite it. Per batch, in Kafka's order:
//   magic 2 (INVALID_RECORD); whole, sane length (CORRUPT_MESSAGE); one batch per append and
//   baseOffset 0 from clients (INVALID_RECORD); size ≤ max.message.bytes (MESSAGE_TOO_LARGE);
//   CRC (CORRUPT_MESSAGE); record count matching the offset range, no control batches from
//   clients, a sequence for idempotent batches (INVALID_RECORD); per record, a key on compacted
//   topics (INVALID_RECORD) and CreateTime timestamps within message.timestamp.before/after.max.ms
//   (INVALID_TIMESTAMP), reported per record as Produce's RecordErrors. A control batch from the
//   broker's coordinators must carry a COMMIT or ABORT marker (INVALID_RECORD), which is parsed for
//   the producer state.
// Then offsets are assigned. Invariant (ARCHITECTURE.md 1): the stored batch is the producer's
// bytes except baseOffset and partitionLeaderEpoch, and on LogAppendTime topics the timestamp
// type and maxTimestamp (CRC recomputed only then). A topic compression.type other than
// `producer` that differs from the batch's codec rebuilds the batch in that codec — the only
// re-encoding. Records are decompressed only when a rule needs them (keys on compacted topics,
// finite timestamp bounds, recompression); uncompressed batches get a cheap length walk.
import { KafkaError } from '../errors/kafka-error.js';
import { isSamsaError } from '../errors/samsa-error.js';
import { CompressionType, type CompressionType as Codec } from '../protocol/compression/index.js';
import {
  BATCH_LENGTH_OFFSET,
  CURRENT_MAGIC,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MIN_BATCH_LENGTH,
  RecordBatch,
  buildRecordBatch,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
} from '../protocol/records/index.js';
import { topicPartitionName, type TopicPartition } from './file-names.js';
import type { LogConfig } from './log-config.js';
import type { AppendOrigin } from './partition-log.js';
import { endTxnMarkerOf, type EndTxnMarker } from './producer-append-info.js';
import { checkRecordsStructure, collectRecordErrors } from './record-checks.js';
import { RecordValidationError } from './storage-errors.js';

export interface ValidatorInput {
  readonly records: Buffer;
  readonly topicPartition: TopicPartition;
  readonly config: LogConfig;
  readonly now: number;
  /** The offset the first record gets (the log end offset). */
  readonly firstOffset: bigint;
  readonly partitionLeaderEpoch: number;
  readonly origin: AppendOrigin;
}

export interface ValidatedBatch {
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly maxTimestamp: bigint;
  readonly size: number;
  readonly recordCount: number;
  /** Producer fields, for the producer state checks (-1 when the batch has no producer id). */
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  /** A control batch's marker; null for data batches and an empty control batch. */
  readonly endTxnMarker: EndTxnMarker | null;
}

export interface ValidationResult {
  /** The bytes to write: the input patched in place, or the rebuilt batch. */
  readonly records: Buffer;
  readonly batches: readonly ValidatedBatch[];
  readonly lastOffset: bigint;
  readonly maxTimestamp: bigint;
  /** The LogAppendTime stamped, or -1 on CreateTime topics. */
  readonly logAppendTime: bigint;
  readonly recordCount: number;
  readonly recompressed: boolean;
}

const TARGET_CODECS: Record<LogConfig['compressionType'], Codec | null> = {
  producer: null,
  uncompressed: CompressionType.none,
  gzip: CompressionType.gzip,
  snappy: CompressionType.snappy,
  lz4: CompressionType.lz4,
  zstd: CompressionType.zstd,
};

function invalid(message: string): KafkaError {
  return new KafkaError('INVALID_RECORD', message);
}

/** Parse failures inside records become Kafka's CORRUPT_MESSAGE (or RECORD_LIST_TOO_LARGE). */
function asKafkaError(err: unknown, where: string): unknown {
  if (!isSamsaError(err)) return err;
  const name =
    err.code === 'SAMSA_ERR_COMPRESSION_TOO_LARGE' ? 'RECORD_LIST_TOO_LARGE' : 'CORRUPT_MESSAGE';
  return new KafkaError(name, `${err.message} in ${where}`, { cause: err });
}

/** Splits the request's records into batches, rejecting anything that is not whole magic-2. */
function splitBatches(buf: Buffer, where: string): RecordBatch[] {
  if (buf.length === 0) throw invalid(`Produce request to ${where} has no record batch`);
  const out: RecordBatch[] = [];
  for (let at = 0; at < buf.length;) {
    const remaining = buf.length - at;
    if (remaining <= MAGIC_OFFSET) {
      throw new KafkaError(
        'CORRUPT_MESSAGE',
        `${remaining} trailing bytes after the record batches in ${where}`,
      );
    }
    const magic = buf.readInt8(at + MAGIC_OFFSET);
    if (magic !== CURRENT_MAGIC) {
      throw invalid(
        `Record batch with magic ${magic} in ${where}; only magic version 2 is allowed`,
      );
    }
    const batchLength = buf.readInt32BE(at + BATCH_LENGTH_OFFSET);
    if (batchLength < MIN_BATCH_LENGTH || batchLength > remaining - LOG_OVERHEAD) {
      throw new KafkaError(
        'CORRUPT_MESSAGE',
        `Record batch declares batchLength ${batchLength} but ${remaining - LOG_OVERHEAD} bytes follow in ${where}`,
      );
    }
    out.push(new RecordBatch(buf.subarray(at, at + LOG_OVERHEAD + batchLength)));
    at += LOG_OVERHEAD + batchLength;
  }
  return out;
}

function validateBatch(batch: RecordBatch, input: ValidatorInput, where: string): void {
  const { config, origin } = input;
  if (origin === 'client' && batch.baseOffset !== 0n) {
    throw invalid(
      `The baseOffset of the record batch in the append to ${where} should be 0, but it is ${batch.baseOffset}`,
    );
  }
  if (batch.sizeInBytes > config.maxMessageBytes) {
    throw new KafkaError(
      'MESSAGE_TOO_LARGE',
      `The record batch size in the append to ${where} is ${batch.sizeInBytes} bytes which exceeds the maximum configured value of ${config.maxMessageBytes}.`,
    );
  }
  if (!batch.verifyCrc()) {
    throw new KafkaError(
      'CORRUPT_MESSAGE',
      `Record is corrupt (stored crc = ${batch.crc}, computed crc = ${batch.computeCrc()}) in topic partition ${where}.`,
    );
  }
  if (batch.compression > CompressionType.zstd) {
    throw new KafkaError(
      'UNSUPPORTED_COMPRESSION_TYPE',
      `Record batch in ${where} uses compression codec id ${batch.compression}, which Kafka does not define`,
    );
  }
  if (origin !== 'client') return;
  const count = batch.recordCount;
  const range = `[${batch.baseOffset}, ${batch.lastOffset}]`;
  if (batch.lastOffsetDelta < 0) {
    throw invalid(`Batch has an invalid offset range: ${range} in topic partition ${where}`);
  }
  if (count <= 0) {
    throw invalid(`Invalid reported count for record batch: ${count} in topic partition ${where}`);
  }
  if (batch.lastOffsetDelta + 1 !== count) {
    throw invalid(
      `Inconsistent batch offset range ${range} and count of records ${count} in topic partition ${where}`,
    );
  }
  if (batch.isControl) {
    throw invalid(`Clients are not allowed to write control records in topic partition ${where}`);
  }
  if (batch.producerId >= 0n && batch.baseSequence < 0) {
    throw invalid(
      `Invalid sequence number ${batch.baseSequence} in record batch with producerId ${batch.producerId} in topic partition ${where}`,
    );
  }
}

/** The batch re-encoded with `codec`, records and producer fields unchanged. */
function recompress(batch: RecordBatch, codec: Codec): Buffer {
  const records = [...batch.records({ maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES })];
  return buildRecordBatch({
    compression: codec,
    baseTimestamp: batch.baseTimestamp,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    isTransactional: batch.isTransactional,
    isControl: batch.isControl,
    records: records.map((r, i) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestampDelta: r.timestampDelta,
      offsetDelta: i,
      attributes: r.attributes,
    })),
  });
}

export function validateAndAssignOffsets(input: ValidatorInput): ValidationResult {
  const { config, now } = input;
  const where = topicPartitionName(input.topicPartition);
  const batches = splitBatches(input.records, where);
  // Kafka's LogValidator: a magic-2 append from a leader holds exactly one batch.
  if (batches.length > 1) throw invalid('Compressed outer record has more than one batch');
  const logAppendTime = config.messageTimestampType === 'LogAppendTime' ? BigInt(now) : -1n;
  const target = TARGET_CODECS[config.compressionType];
  const out: Buffer[] = [];
  const validated: ValidatedBatch[] = [];
  let offset = input.firstOffset;
  let maxTimestamp = -1n;
  let recompressed = false;
  for (let batch of batches) {
    validateBatch(batch, input, where);
    // Kafka leaves uncompressed control batches uncompressed whatever the topic asks.
    const recodeTo =
      target !== null &&
      target !== batch.compression &&
      !(batch.isControl && batch.compression === 0)
        ? target
        : null;
    let endTxnMarker: EndTxnMarker | null = null;
    try {
      if (batch.isControl) {
        endTxnMarker = endTxnMarkerOf(batch);
        if (endTxnMarker === null && batch.recordCount > 0) {
          throw invalid(`Control batch in ${where} is not a transaction marker`);
        }
      }
      const errors = collectRecordErrors(batch, config, now, where);
      if (errors !== null) {
        throw new RecordValidationError(errors.errorName, errors.message, errors.recordErrors);
      }
      if (batch.compression === 0 && recodeTo === null) checkRecordsStructure(batch, where);
      if (recodeTo !== null) {
        batch = new RecordBatch(recompress(batch, recodeTo));
        recompressed = true;
      }
    } catch (err) {
      throw asKafkaError(err, where);
    }
    if (recompressed && batch.sizeInBytes > config.maxMessageBytes) {
      throw new KafkaError(
        'MESSAGE_TOO_LARGE',
        `The record batch size in the append to ${where} is ${batch.sizeInBytes} bytes after recompression, which exceeds the maximum configured value of ${config.maxMessageBytes}.`,
      );
    }
    setBaseOffset(batch.buffer, offset);
    setPartitionLeaderEpoch(batch.buffer, input.partitionLeaderEpoch);
    if (logAppendTime >= 0n) setLogAppendTime(batch.buffer, logAppendTime);
    const batchMax = logAppendTime >= 0n ? logAppendTime : batch.maxTimestamp;
    if (batchMax > maxTimestamp) maxTimestamp = batchMax;
    validated.push({
      baseOffset: offset,
      lastOffset: batch.lastOffset,
      maxTimestamp: batchMax,
      size: batch.sizeInBytes,
      recordCount: batch.recordCount,
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      baseSequence: batch.baseSequence,
      isTransactional: batch.isTransactional,
      isControl: batch.isControl,
      endTxnMarker,
    });
    offset = batch.nextOffset;
    out.push(batch.buffer);
  }
  const records = recompressed ? Buffer.concat(out) : input.records;
  if (records.length > config.segmentBytes) {
    throw new KafkaError(
      'RECORD_LIST_TOO_LARGE',
      `Message batch size is ${records.length} bytes in append to partition ${where}, which exceeds the maximum configured segment size of ${config.segmentBytes}.`,
    );
  }
  return {
    records,
    batches: validated,
    lastOffset: offset - 1n,
    maxTimestamp,
    logAppendTime,
    recordCount: validated.reduce((n, b) => n + b.recordCount, 0),
    recompressed,
  };
}
