// Errors storage raises. Kafka's own answers (OFFSET_OUT_OF_RANGE, MESSAGE_TOO_LARGE, …) are
// KafkaErrors with Kafka's names so the Produce/Fetch handlers pass them to the wire unchanged;
// failures of the machinery itself are SamsaErrors with a cause (mapped in kafka-error.ts).
import { KafkaError, type KafkaErrorName } from '../errors/kafka-error.js';
import { SamsaError } from '../errors/samsa-error.js';
import type { TopicPartition } from './file-names.js';
import { topicPartitionName } from './file-names.js';

/** One rejected record, as Kafka's Produce response reports it (RecordErrors). */
export interface RecordError {
  /** The record's index within its batch. */
  readonly batchIndex: number;
  readonly message: string | null;
}

/**
 * A batch rejected because of some of its records (INVALID_RECORD or INVALID_TIMESTAMP), with
 * the per-record detail the Produce response carries (v8+), as Kafka's RecordValidationException.
 */
export class RecordValidationError extends KafkaError {
  readonly recordErrors: readonly RecordError[];

  constructor(name: KafkaErrorName, message: string, recordErrors: readonly RecordError[]) {
    super(name, message);
    this.recordErrors = recordErrors;
  }
}

export function offsetOutOfRange(message: string): KafkaError {
  return new KafkaError('OFFSET_OUT_OF_RANGE', message);
}

export function logOffline(tp: TopicPartition, operation: string, cause: unknown): SamsaError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new SamsaError(
    'SAMSA_ERR_LOG_OFFLINE',
    `Partition log ${topicPartitionName(tp)} failed to ${operation} and is offline: ${detail}`,
    { cause },
  );
}

export function logClosed(tp: TopicPartition, operation: string): SamsaError {
  return new SamsaError(
    'SAMSA_ERR_LOG_CLOSED',
    `Cannot ${operation}: partition log ${topicPartitionName(tp)} is closed`,
  );
}

export function indexCorrupt(path: string, detail: string): SamsaError {
  return new SamsaError('SAMSA_ERR_INDEX_CORRUPT', `Index ${path} is corrupt: ${detail}`);
}
