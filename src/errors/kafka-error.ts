// KafkaError carries a Kafka protocol error code. It is the one error type whose code travels on the
// wire unchanged; toErrorCode() is the single place where anything else is translated to a code.
import { ErrorCodes, errorByCode, type KafkaErrorName } from './generated/error-codes.js';
import { SamsaError } from './samsa-error.js';

export class KafkaError extends Error {
  readonly errorCode: number;
  readonly errorName: KafkaErrorName | 'UNKNOWN';
  readonly retriable: boolean;

  constructor(name: KafkaErrorName, message?: string, options?: { cause?: unknown }) {
    const info = ErrorCodes[name];
    super(message ?? info.message ?? name, options);
    this.name = 'KafkaError';
    this.errorCode = info.code;
    this.errorName = name;
    this.retriable = info.retriable;
  }
}

const INTERNAL_TO_KAFKA: Partial<Record<SamsaError['code'], KafkaErrorName>> = {
  SAMSA_ERR_DECODE_TRUNCATED: 'CORRUPT_MESSAGE',
  SAMSA_ERR_DECODE_INVALID_LENGTH: 'CORRUPT_MESSAGE',
  SAMSA_ERR_DECODE_INVALID_VARINT: 'CORRUPT_MESSAGE',
  SAMSA_ERR_DECODE_INVALID_VALUE: 'CORRUPT_MESSAGE',
  SAMSA_ERR_UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  SAMSA_ERR_RECORD_BATCH_CORRUPT: 'CORRUPT_MESSAGE',
  SAMSA_ERR_RECORD_BATCH_UNSUPPORTED_MAGIC: 'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  SAMSA_ERR_COMPRESSION_UNSUPPORTED: 'UNSUPPORTED_COMPRESSION_TYPE',
  SAMSA_ERR_COMPRESSION_CORRUPT: 'CORRUPT_MESSAGE',
  SAMSA_ERR_COMPRESSION_TOO_LARGE: 'RECORD_LIST_TOO_LARGE',
  SAMSA_ERR_LOG_OFFLINE: 'KAFKA_STORAGE_ERROR',
  SAMSA_ERR_LOG_CLOSED: 'NOT_LEADER_OR_FOLLOWER',
  SAMSA_ERR_INDEX_CORRUPT: 'KAFKA_STORAGE_ERROR',
  SAMSA_ERR_CHECKPOINT_CORRUPT: 'KAFKA_STORAGE_ERROR',
  SAMSA_ERR_LOG_DIR_INVALID: 'KAFKA_STORAGE_ERROR',
  SAMSA_ERR_PRODUCER_SNAPSHOT_CORRUPT: 'KAFKA_STORAGE_ERROR',
};

/** The Kafka error code for any thrown value; unexpected errors become UNKNOWN_SERVER_ERROR (-1). */
export function toErrorCode(err: unknown): number {
  if (err instanceof KafkaError) return err.errorCode;
  if (err instanceof SamsaError) {
    const name = INTERNAL_TO_KAFKA[err.code];
    if (name !== undefined) return ErrorCodes[name].code;
  }
  return ErrorCodes.UNKNOWN_SERVER_ERROR.code;
}

export { ErrorCodes, errorByCode, type KafkaErrorName };
