// The record-level rules of LogValidator (log-validator.ts): keys on compacted topics and
// CreateTime timestamp bounds, collected per record as Kafka's RecordErrors; and a cheap walk over
// an uncompressed batch's record lengths, so no malformed records reach the log without parsing
// each record on the hot path.
import { KafkaError } from '../errors/kafka-error.js';
import {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  TimestampType,
  type RecordBatch,
} from '../protocol/records/index.js';
import type { LogConfig } from './log-config.js';
import type { RecordError } from './storage-errors.js';

export interface RecordErrors {
  readonly errorName: 'INVALID_RECORD' | 'INVALID_TIMESTAMP';
  readonly message: string;
  readonly recordErrors: readonly RecordError[];
}

/** Kafka's ProduceResponse.RecordError.toString, which its error message lists. */
function describe(e: RecordError): string {
  return `RecordError(batchIndex=${e.batchIndex}, message='${e.message ?? 'null'}')`;
}

function errorsOf(errors: RecordError[], anyTimestamp: boolean): RecordErrors | null {
  if (errors.length === 0) return null;
  if (anyTimestamp) {
    return {
      errorName: 'INVALID_TIMESTAMP',
      message: 'One or more records have been rejected due to invalid timestamp',
      recordErrors: errors,
    };
  }
  return {
    errorName: 'INVALID_RECORD',
    message: `One or more records have been rejected due to ${errors.length} record errors in total, and only showing the first three errors at most: [${errors.slice(0, 3).map(describe).join(', ')}]`,
    recordErrors: errors,
  };
}

/**
 * Kafka's validateKey/validateTimestamp for every record of `batch`; null when all pass. Parses
 * (and so decompresses) the records only when a rule needs them.
 */
export function collectRecordErrors(
  batch: RecordBatch,
  config: LogConfig,
  now: number,
  where: string,
): RecordErrors | null {
  const before = config.messageTimestampBeforeMaxMs;
  const after = config.messageTimestampAfterMaxMs;
  const createTime = config.messageTimestampType === 'CreateTime';
  const bounded = Number.isFinite(before) || Number.isFinite(after);
  const errors: RecordError[] = [];
  let anyTimestamp = false;
  const outOfRange = (timestamp: bigint): boolean => {
    const diff = now - Number(timestamp);
    return diff > before || -diff > after;
  };
  const range = `[${now - before}, ${now + after}]`;

  // A LogAppendTime flag set by the producer: every record carries the batch's maxTimestamp.
  const producerAppendTime = batch.timestampType === TimestampType.LogAppendTime;
  let headerTimestampError: ((offset: bigint) => string) | null = null;
  if (producerAppendTime) {
    const ts = batch.maxTimestamp;
    if (!createTime || ts === -1n) {
      headerTimestampError = (offset) =>
        `Invalid timestamp type in message with offset ${offset}. Producer should not set timestamp type to LogAppendTime.`;
    } else if (bounded && outOfRange(ts)) {
      headerTimestampError = (offset) =>
        `Timestamp ${ts} of message with offset ${offset} is out of range. The timestamp should be within ${range}`;
    }
  }
  const checkKeys = config.cleanupPolicy.compact;
  const checkTimestamps = createTime && bounded && !producerAppendTime;

  if (!checkKeys && !checkTimestamps) {
    if (headerTimestampError === null) return null;
    for (let i = 0; i < batch.recordCount; i++) {
      errors.push({ batchIndex: i, message: headerTimestampError(batch.baseOffset + BigInt(i)) });
    }
    return errorsOf(errors, true);
  }
  let index = 0;
  for (const record of batch.records({ maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES })) {
    if (checkKeys && record.key === null) {
      errors.push({
        batchIndex: index,
        message: `Compacted topic cannot accept message without key in topic partition ${where}.`,
      });
    } else if (headerTimestampError !== null) {
      errors.push({ batchIndex: index, message: headerTimestampError(record.offset) });
      anyTimestamp = true;
    } else if (checkTimestamps && record.timestamp !== -1n && outOfRange(record.timestamp)) {
      errors.push({
        batchIndex: index,
        message: `Timestamp ${record.timestamp} of message with offset ${record.offset} is out of range. The timestamp should be within ${range}`,
      });
      anyTimestamp = true;
    }
    index++;
  }
  return errorsOf(errors, anyTimestamp);
}

/**
 * The position after the record starting at `at` (a zig-zag varint length, then that many
 * bytes), or -1 when the length is malformed, not positive, or runs past `end`. Returns a number
 * rather than an object: it runs once per record on the produce path.
 */
function skipRecord(buf: Buffer, at: number, end: number): number {
  let raw = 0;
  for (let i = 0; i < 5 && at + i < end; i++) {
    const byte = buf[at + i]!;
    raw |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) {
      const length = (raw >>> 1) ^ -(raw & 1);
      const next = at + i + 1 + length;
      return length > 0 && next <= end ? next : -1;
    }
  }
  return -1;
}

/**
 * Checks that an uncompressed batch's records section is exactly `recordCount` length-prefixed
 * records: one varint read per record, no parsing of keys, values or headers.
 */
export function checkRecordsStructure(batch: RecordBatch, where: string): void {
  const data = batch.recordsData;
  const count = batch.recordCount;
  let at = 0;
  for (let i = 0; i < count; i++) {
    const next = skipRecord(data, at, data.length);
    if (next < 0) {
      throw new KafkaError(
        'CORRUPT_MESSAGE',
        `Record ${i} of the batch in ${where} has a bad length; the batch declares ${count} records in ${data.length} bytes`,
      );
    }
    at = next;
  }
  if (at !== data.length) {
    throw new KafkaError(
      'CORRUPT_MESSAGE',
      `Record batch in ${where} has ${data.length - at} bytes after its ${count} records`,
    );
  }
}
