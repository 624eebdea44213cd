// Reading magic-2 record batches. A `records` buffer (a produce request's, a fetch response's, a
// log segment's) is a sequence of batches; a fetch response may end with a partial batch, which is
// handed back as a truncated tail rather than an error, as Kafka's clients treat it.
//
// RecordBatch is a view over the batch's own bytes (a zero-copy slice of the input): every getter
// reads the header where it lies, so a view stays right after the broker patches the batch in
// place (batch-patch.ts). Records are parsed lazily, decompressing first with a bounded budget.
import { SamsaError } from '../../errors/samsa-error.js';
import { decompress } from '../compression/codec.js';
import { Reader } from '../primitives/reader.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  CURRENT_MAGIC,
  DELETE_HORIZON_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  MIN_BATCH_LENGTH,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORDS_COUNT_OFFSET,
  RECORDS_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  TimestampType,
} from './batch-layout.js';
import { crc32c } from './crc32c.js';
import { MIN_RECORD_SIZE, readRecord } from './record.js';
import type { KafkaRecord } from './record.js';

/** Default ceiling on a batch's decompressed records section. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export interface ReadRecordsOptions {
  /** Decompressed bytes one batch may expand to; past it, SAMSA_ERR_COMPRESSION_TOO_LARGE. */
  maxDecompressedBytes?: number;
}

function corruptBatch(message: string): SamsaError {
  return new SamsaError('SAMSA_ERR_RECORD_BATCH_CORRUPT', message);
}

function checkMagic(magic: number, at: number): void {
  if (magic !== CURRENT_MAGIC) {
    throw new SamsaError(
      'SAMSA_ERR_RECORD_BATCH_UNSUPPORTED_MAGIC',
      `Record batch at offset ${at} has magic ${magic}; only magic ${CURRENT_MAGIC} is supported`,
    );
  }
}

export class RecordBatch {
  /** The batch's bytes from baseOffset to its last record: a view of the input, not a copy. */
  readonly buffer: Buffer;

  /** Wraps exactly one batch; `buffer` must hold it whole and nothing after it. */
  constructor(buffer: Buffer) {
    if (buffer.length < RECORDS_OFFSET) {
      throw new SamsaError(
        'SAMSA_ERR_DECODE_TRUNCATED',
        `Record batch of ${buffer.length} bytes is shorter than the ${RECORDS_OFFSET}-byte header`,
      );
    }
    checkMagic(buffer.readInt8(MAGIC_OFFSET), 0);
    const batchLength = buffer.readInt32BE(BATCH_LENGTH_OFFSET);
    if (batchLength !== buffer.length - LOG_OVERHEAD) {
      throw corruptBatch(
        `Record batch declares batchLength ${batchLength} but spans ${buffer.length - LOG_OVERHEAD} bytes`,
      );
    }
    this.buffer = buffer;
  }

  get baseOffset(): bigint {
    return this.buffer.readBigInt64BE(0);
  }
  get batchLength(): number {
    return this.buffer.readInt32BE(BATCH_LENGTH_OFFSET);
  }
  /** Bytes the batch takes in a log or a response: batchLength plus the 12 bytes before it. */
  get sizeInBytes(): number {
    return this.buffer.length;
  }
  get partitionLeaderEpoch(): number {
    return this.buffer.readInt32BE(PARTITION_LEADER_EPOCH_OFFSET);
  }
  get magic(): number {
    return this.buffer.readInt8(MAGIC_OFFSET);
  }
  /** The stored CRC-32C (unsigned). */
  get crc(): number {
    return this.buffer.readUInt32BE(CRC_OFFSET);
  }
  get attributes(): number {
    return this.buffer.readInt16BE(ATTRIBUTES_OFFSET);
  }
  /** Codec id from attributes bits 0-2; may be 5-7, which decompression rejects. */
  get compression(): number {
    return this.attributes & COMPRESSION_CODEC_MASK;
  }
  get timestampType(): TimestampType {
    return (this.attributes & TIMESTAMP_TYPE_MASK) === 0
      ? TimestampType.CreateTime
      : TimestampType.LogAppendTime;
  }
  get isTransactional(): boolean {
    return (this.attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
  }
  get isControl(): boolean {
    return (this.attributes & CONTROL_FLAG_MASK) !== 0;
  }
  /** Set by compaction once tombstones and markers carry a delete horizon (baseTimestamp). */
  get hasDeleteHorizon(): boolean {
    return (this.attributes & DELETE_HORIZON_FLAG_MASK) !== 0;
  }
  get lastOffsetDelta(): number {
    return this.buffer.readInt32BE(LAST_OFFSET_DELTA_OFFSET);
  }
  get lastOffset(): bigint {
    return this.baseOffset + BigInt(this.lastOffsetDelta);
  }
  get nextOffset(): bigint {
    return this.lastOffset + 1n;
  }
  get baseTimestamp(): bigint {
    return this.buffer.readBigInt64BE(BASE_TIMESTAMP_OFFSET);
  }
  get maxTimestamp(): bigint {
    return this.buffer.readBigInt64BE(MAX_TIMESTAMP_OFFSET);
  }
  get producerId(): bigint {
    return this.buffer.readBigInt64BE(PRODUCER_ID_OFFSET);
  }
  get producerEpoch(): number {
    return this.buffer.readInt16BE(PRODUCER_EPOCH_OFFSET);
  }
  get baseSequence(): number {
    return this.buffer.readInt32BE(BASE_SEQUENCE_OFFSET);
  }
  get recordCount(): number {
    return this.buffer.readInt32BE(RECORDS_COUNT_OFFSET);
  }
  /** The records section as stored: compressed when the batch is. */
  get recordsData(): Buffer {
    return this.buffer.subarray(RECORDS_OFFSET);
  }

  /** CRC-32C of attributes through the end, as the stored crc should be. */
  computeCrc(): number {
    return crc32c(this.buffer.subarray(ATTRIBUTES_OFFSET));
  }

  verifyCrc(): boolean {
    return this.computeCrc() === this.crc;
  }

  /** The records section decompressed (or as stored, when uncompressed). */
  decompressedRecordsData(options: ReadRecordsOptions = {}): Buffer {
    const codec = this.compression;
    if (codec === 0) return this.recordsData;
    return decompress(
      codec,
      this.recordsData,
      options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
    );
  }

  /**
   * Parses the records one at a time. Throws a SamsaError (never allocates past the input) on a
   * bad varint, a length past the end, a record count the bytes cannot hold, or bytes left over.
   */
  *records(options: ReadRecordsOptions = {}): Generator<KafkaRecord, void, undefined> {
    const count = this.recordCount;
    if (count < 0) throw corruptBatch(`Record batch declares a negative record count ${count}`);
    const data = this.decompressedRecordsData(options);
    if (count > data.length / MIN_RECORD_SIZE) {
      throw corruptBatch(
        `Record batch declares ${count} records but its ${data.length} record bytes cannot hold them`,
      );
    }
    const reader = new Reader(data);
    const baseOffset = this.baseOffset;
    const baseTimestamp = this.baseTimestamp;
    const logAppendTime =
      this.timestampType === TimestampType.LogAppendTime ? this.maxTimestamp : null;
    for (let i = 0; i < count; i++) {
      yield readRecord(reader, i, baseOffset, baseTimestamp, logAppendTime);
    }
    if (reader.remaining !== 0) {
      throw corruptBatch(`Record batch has ${reader.remaining} bytes after its ${count} records`);
    }
  }
}

/**
 * Where the batch at `at` ends, or -1 when the buffer stops before it does (a partial batch).
 * Bad magic or an impossible length is an error, not a partial batch.
 */
function batchEnd(buf: Buffer, at: number): number {
  const remaining = buf.length - at;
  if (remaining < LOG_OVERHEAD) return -1;
  if (remaining > MAGIC_OFFSET) checkMagic(buf.readInt8(at + MAGIC_OFFSET), at);
  const batchLength = buf.readInt32BE(at + BATCH_LENGTH_OFFSET);
  if (batchLength < MIN_BATCH_LENGTH) {
    throw corruptBatch(
      `Record batch at offset ${at} declares batchLength ${batchLength}, below the minimum ${MIN_BATCH_LENGTH}`,
    );
  }
  if (batchLength > remaining - LOG_OVERHEAD) return -1;
  return at + LOG_OVERHEAD + batchLength;
}

/**
 * Iterates the batches of a records buffer. The generator's return value is the truncated tail
 * (a partial last batch), or null when the buffer ends on a batch boundary.
 */
export function* iterateRecordBatches(
  buf: Buffer,
): Generator<RecordBatch, Buffer | null, undefined> {
  let at = 0;
  while (at < buf.length) {
    const end = batchEnd(buf, at);
    if (end === -1) return buf.subarray(at);
    yield new RecordBatch(buf.subarray(at, end));
    at = end;
  }
  return null;
}

export interface RecordBatches {
  batches: RecordBatch[];
  /** A partial batch at the end of the buffer, as fetch responses may carry; null when none. */
  truncatedTail: Buffer | null;
}

export function readRecordBatches(buf: Buffer): RecordBatches {
  const batches: RecordBatch[] = [];
  let at = 0;
  while (at < buf.length) {
    const end = batchEnd(buf, at);
    if (end === -1) return { batches, truncatedTail: buf.subarray(at) };
    batches.push(new RecordBatch(buf.subarray(at, end)));
    at = end;
  }
  return { batches, truncatedTail: null };
}
