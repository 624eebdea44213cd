// Walks the magic-2 record batches in a `records` field and checks each one's CRC-32C, without
// decompressing anything. The capture server uses it to assign offsets and serve fetches; the
// golden tests use it to check what real clients produced. Layout (61-byte header, big-endian):
//
//   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8
//  17 crc uint32 (CRC-32C of bytes 21..end) | 21 attributes int16 | 23 lastOffsetDelta int32
//  27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16
//  53 baseSequence int32 | 57 recordCount int32 | 61 records…
import { crc32c } from '@node-rs/crc32';

export const BATCH_HEADER_SIZE = 61;
/** baseOffset and batchLength precede the part batchLength counts. */
const LOG_OVERHEAD = 12;
const CRC_START = 21;

export interface BatchHeader {
  /** Where the batch starts in the buffer it was read from. */
  position: number;
  /** Total size in bytes, header included. */
  size: number;
  baseOffset: bigint;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  /** Compression codec id: attributes bits 0-2. */
  compression: number;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  /** The records section: compressed when `compression` is not 0. */
  payload: Buffer;
}

export class BatchFormatError extends Error {
  override name = 'BatchFormatError';
}

/** Every batch in `records`, in order; throws on a torn batch, another magic, or a bad CRC. */
export function readBatchHeaders(records: Buffer): BatchHeader[] {
  const batches: BatchHeader[] = [];
  let at = 0;
  while (at < records.length) {
    if (records.length - at < BATCH_HEADER_SIZE) {
      throw new BatchFormatError(
        `Batch at byte ${at} is torn: ${records.length - at} bytes left, a header needs ${BATCH_HEADER_SIZE}`,
      );
    }
    const batchLength = records.readInt32BE(at + 8);
    const size = LOG_OVERHEAD + batchLength;
    if (size < BATCH_HEADER_SIZE || at + size > records.length) {
      throw new BatchFormatError(
        `Batch at byte ${at} declares length ${batchLength}, but ${records.length - at - LOG_OVERHEAD} bytes follow`,
      );
    }
    const magic = records.readInt8(at + 16);
    if (magic !== 2) throw new BatchFormatError(`Batch at byte ${at} has magic ${magic}, not 2`);
    const crc = records.readUInt32BE(at + 17);
    const computed = crc32c(records.subarray(at + CRC_START, at + size)) >>> 0;
    if (computed !== crc) {
      throw new BatchFormatError(
        `Batch at byte ${at} has CRC ${crc.toString(16)}, but its bytes hash to ${computed.toString(16)}`,
      );
    }
    const attributes = records.readInt16BE(at + 21);
    batches.push({
      position: at,
      size,
      baseOffset: records.readBigInt64BE(at),
      partitionLeaderEpoch: records.readInt32BE(at + 12),
      magic,
      crc,
      attributes,
      compression: attributes & 0x07,
      isTransactional: (attributes & 0x10) !== 0,
      isControl: (attributes & 0x20) !== 0,
      lastOffsetDelta: records.readInt32BE(at + 23),
      baseTimestamp: records.readBigInt64BE(at + 27),
      maxTimestamp: records.readBigInt64BE(at + 35),
      producerId: records.readBigInt64BE(at + 43),
      producerEpoch: records.readInt16BE(at + 51),
      baseSequence: records.readInt32BE(at + 53),
      recordCount: records.readInt32BE(at + 57),
      payload: records.subarray(at + BATCH_HEADER_SIZE, at + size),
    });
    at += size;
  }
  return batches;
}
