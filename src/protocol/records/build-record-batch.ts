// Building magic-2 record batches: the records section is written with the Writer, compressed
// as one block when asked, then the 61-byte header goes in front and the CRC-32C over attributes
// to the end is patched in last. Producers, tests and the broker's own control batches use this;
// the produce path never rebuilds a client's batch.
import { compress } from '../compression/codec.js';
import { CompressionType, toCompressionType } from '../compression/compression-type.js';
import { Writer } from '../primitives/writer.js';
import {
  ATTRIBUTES_OFFSET,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  CURRENT_MAGIC,
  DELETE_HORIZON_FLAG_MASK,
  MIN_BATCH_LENGTH,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  TimestampType,
} from './batch-layout.js';
import { crc32c } from './crc32c.js';
import type { RecordHeader } from './record.js';

export interface RecordInput {
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: readonly RecordHeader[];
  /** Absolute timestamp; ignored when timestampDelta is given. */
  timestamp?: bigint;
  timestampDelta?: bigint | number;
  /** Defaults to the record's index in the batch. */
  offsetDelta?: number;
  attributes?: number;
}

export interface RecordBatchInput {
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  compression?: CompressionType;
  /** Codec level for gzip and zstd. */
  compressionLevel?: number;
  timestampType?: TimestampType;
  /** Defaults to the first record's timestamp, else 0, as Kafka's producer takes the first. */
  baseTimestamp?: bigint;
  /** Defaults to the largest record timestamp (baseTimestamp for an empty batch). */
  maxTimestamp?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  hasDeleteHorizon?: boolean;
  /** Defaults to the largest offsetDelta (0 for an empty batch); compaction keeps it larger. */
  lastOffsetDelta?: number;
  records: readonly RecordInput[];
}

function sizeOfUVarint(value: number): number {
  let v = value >>> 0;
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

function sizeOfVarint(value: number): number {
  return sizeOfUVarint(((value << 1) ^ (value >> 31)) >>> 0);
}

function sizeOfVarlong(value: bigint): number {
  let v = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  let size = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    size++;
  }
  return size;
}

function sizeOfVarintBytes(value: Buffer | null | undefined): number {
  return value == null ? 1 : sizeOfVarint(value.length) + value.length;
}

function writeVarintBytes(writer: Writer, value: Buffer | null | undefined): void {
  if (value == null) writer.writeVarint(-1);
  else writer.writeVarint(value.length).writeRaw(value);
}

function writeRecord(
  writer: Writer,
  record: RecordInput,
  timestampDelta: bigint,
  offsetDelta: number,
): void {
  const headers = record.headers ?? [];
  const headerKeys = headers.map((h) => Buffer.from(h.key, 'utf8'));
  let size =
    1 +
    sizeOfVarlong(timestampDelta) +
    sizeOfVarint(offsetDelta) +
    sizeOfVarintBytes(record.key) +
    sizeOfVarintBytes(record.value) +
    sizeOfVarint(headers.length);
  for (let h = 0; h < headers.length; h++) {
    size += sizeOfVarintBytes(headerKeys[h]) + sizeOfVarintBytes(headers[h]!.value);
  }
  writer
    .writeVarint(size)
    .writeInt8(record.attributes ?? 0)
    .writeVarlong(timestampDelta)
    .writeVarint(offsetDelta);
  writeVarintBytes(writer, record.key);
  writeVarintBytes(writer, record.value);
  writer.writeVarint(headers.length);
  for (let h = 0; h < headers.length; h++) {
    writeVarintBytes(writer, headerKeys[h]);
    writeVarintBytes(writer, headers[h]!.value);
  }
}

export function buildRecordBatch(input: RecordBatchInput): Buffer {
  const records = input.records;
  const compression = toCompressionType(input.compression ?? CompressionType.none);
  const baseTimestamp = input.baseTimestamp ?? records[0]?.timestamp ?? 0n;

  const section = new Writer(256 + records.length * 16);
  let maxTimestamp: bigint | undefined;
  let maxOffsetDelta = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const timestampDelta =
      record.timestampDelta !== undefined
        ? BigInt(record.timestampDelta)
        : record.timestamp !== undefined
          ? record.timestamp - baseTimestamp
          : 0n;
    const offsetDelta = record.offsetDelta ?? i;
    const timestamp = baseTimestamp + timestampDelta;
    if (maxTimestamp === undefined || timestamp > maxTimestamp) maxTimestamp = timestamp;
    if (offsetDelta > maxOffsetDelta) maxOffsetDelta = offsetDelta;
    writeRecord(section, record, timestampDelta, offsetDelta);
  }
  const plain = section.toBuffer();
  const recordsData =
    compression === CompressionType.none
      ? plain
      : compress(
          compression,
          plain,
          input.compressionLevel === undefined ? {} : { level: input.compressionLevel },
        );

  let attributes: number = compression;
  if (input.timestampType === TimestampType.LogAppendTime) attributes |= TIMESTAMP_TYPE_MASK;
  if (input.isTransactional === true) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (input.isControl === true) attributes |= CONTROL_FLAG_MASK;
  if (input.hasDeleteHorizon === true) attributes |= DELETE_HORIZON_FLAG_MASK;

  const out = new Writer(MIN_BATCH_LENGTH + 12 + Math.min(recordsData.length, 1024))
    .writeInt64(input.baseOffset ?? 0n)
    .writeInt32(MIN_BATCH_LENGTH + recordsData.length)
    .writeInt32(input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH)
    .writeInt8(CURRENT_MAGIC)
    .writeUInt32(0) // CRC, patched below once the bytes it covers are final
    .writeInt16(attributes)
    .writeInt32(input.lastOffsetDelta ?? maxOffsetDelta)
    .writeInt64(baseTimestamp)
    .writeInt64(input.maxTimestamp ?? maxTimestamp ?? baseTimestamp)
    .writeInt64(input.producerId ?? NO_PRODUCER_ID)
    .writeInt16(input.producerEpoch ?? NO_PRODUCER_EPOCH)
    .writeInt32(input.baseSequence ?? NO_SEQUENCE)
    .writeInt32(records.length)
    .writeRaw(recordsData)
    .toBuffer();
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return out;
}
