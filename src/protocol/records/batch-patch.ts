// In-place edits of the fields the broker owns in a stored batch (ARCHITECTURE.md invariant 1).
// baseOffset and partitionLeaderEpoch sit before the CRC's range, so patching them keeps the CRC
// valid; LogAppendTime changes attributes and maxTimestamp, so only then is the CRC recomputed.
// `batch` starts at the batch's first byte (RecordBatch.buffer is such a view).
import { SamsaError } from '../../errors/samsa-error.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORDS_OFFSET,
  TIMESTAMP_TYPE_MASK,
} from './batch-layout.js';
import { crc32c } from './crc32c.js';

/** The end of the batch starting at batch[0], checked against the buffer. */
function checkedBatchEnd(batch: Buffer): number {
  if (batch.length < RECORDS_OFFSET) {
    throw new SamsaError(
      'SAMSA_ERR_DECODE_TRUNCATED',
      `Record batch of ${batch.length} bytes is shorter than its header`,
    );
  }
  const magic = batch.readInt8(MAGIC_OFFSET);
  if (magic !== CURRENT_MAGIC) {
    throw new SamsaError(
      'SAMSA_ERR_RECORD_BATCH_UNSUPPORTED_MAGIC',
      `Cannot patch a record batch with magic ${magic}`,
    );
  }
  const end = LOG_OVERHEAD + batch.readInt32BE(BATCH_LENGTH_OFFSET);
  if (end < RECORDS_OFFSET || end > batch.length) {
    throw new SamsaError(
      'SAMSA_ERR_RECORD_BATCH_CORRUPT',
      `Record batch declares ${end} bytes but ${batch.length} are present`,
    );
  }
  return end;
}

export function setBaseOffset(batch: Buffer, baseOffset: bigint): void {
  checkedBatchEnd(batch);
  batch.writeBigInt64BE(baseOffset, 0);
}

export function setPartitionLeaderEpoch(batch: Buffer, partitionLeaderEpoch: number): void {
  checkedBatchEnd(batch);
  batch.writeInt32BE(partitionLeaderEpoch, PARTITION_LEADER_EPOCH_OFFSET);
}

/**
 * Marks the batch LogAppendTime with the broker's append time as maxTimestamp, and recomputes the
 * CRC. The caller validates the client's CRC first: a corrupt batch would otherwise get a valid one.
 */
export function setLogAppendTime(batch: Buffer, maxTimestamp: bigint): void {
  const end = checkedBatchEnd(batch);
  batch.writeInt16BE(batch.readInt16BE(ATTRIBUTES_OFFSET) | TIMESTAMP_TYPE_MASK, ATTRIBUTES_OFFSET);
  batch.writeBigInt64BE(maxTimestamp, MAX_TIMESTAMP_OFFSET);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET, end)), CRC_OFFSET);
}
