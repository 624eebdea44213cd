// Internal errors: one class, a stable string code per failure, the cause chained.
// Codes never change meaning once released; scripts and tests match on them, not on messages.
// At the wire edge these map to Kafka error codes (see kafka-error.ts).

export const SamsaErrorCodes = {
  SAMSA_ERR_DECODE_TRUNCATED: 'A buffer ended before the value being decoded was complete',
  SAMSA_ERR_DECODE_INVALID_LENGTH:
    'A decoded length or count was negative or larger than the bytes left',
  SAMSA_ERR_DECODE_INVALID_VARINT: 'A varint ran past its maximum length',
  SAMSA_ERR_DECODE_INVALID_VALUE: 'A decoded value is outside what its field allows',
  SAMSA_ERR_UNSUPPORTED_VERSION: 'A message version is outside the range its spec defines',
  SAMSA_ERR_ENCODE_FIELD_NOT_IN_VERSION:
    'A non-default value was set on a field the target version lacks',
  SAMSA_ERR_ENCODE_INVALID_VALUE: 'A value cannot be encoded in its field',
  SAMSA_ERR_RECORD_BATCH_CORRUPT: 'A record batch failed its CRC or its layout is inconsistent',
  SAMSA_ERR_RECORD_BATCH_UNSUPPORTED_MAGIC:
    'A record batch uses a message format other than magic 2',
  SAMSA_ERR_COMPRESSION_UNSUPPORTED: 'A compression codec id is not one Kafka defines',
  SAMSA_ERR_COMPRESSION_CORRUPT: 'Compressed data could not be decompressed',
  SAMSA_ERR_COMPRESSION_TOO_LARGE: 'Decompressed data would exceed the allowed size',
  SAMSA_ERR_CONFIG_FILE_UNREADABLE: 'The broker config file could not be read',
  SAMSA_ERR_CONFIG_SYNTAX:
    'A line of the broker config file or an --override argument is malformed',
  SAMSA_ERR_CONFIG_UNKNOWN_KEY:
    'The broker config names a key Kafka does not define, or one that cannot be set there',
  SAMSA_ERR_CONFIG_INVALID_VALUE:
    "A broker config value fails its key's type, range or allowed values, or a rule between keys",
  SAMSA_ERR_CONFIG_CONFLICT: 'Two broker config keys that must agree have different values',
  SAMSA_ERR_FRAME_TOO_LARGE: 'A request frame declared a size outside 0..socket.request.max.bytes',
  SAMSA_ERR_INVALID_REQUEST:
    'A request could not be parsed: unknown API key, unsupported version, or a malformed header or body',
  SAMSA_ERR_LOG_OFFLINE:
    'A partition log failed a file-system operation (write, fsync, truncate) and stopped serving',
  SAMSA_ERR_LOG_CLOSED: 'An operation reached a partition log that is closed or deleted',
  SAMSA_ERR_INDEX_CORRUPT: 'An offset or time index is inconsistent with its segment',
  SAMSA_ERR_CHECKPOINT_CORRUPT:
    'A checkpoint file (recovery point, log start offset, leader epochs) is malformed',
  SAMSA_ERR_LOG_DIR_INVALID:
    'A log directory cannot be used: not a directory, or a partition present in two log dirs',
  SAMSA_ERR_PRODUCER_SNAPSHOT_CORRUPT: 'A producer state snapshot failed its format or CRC check',
  SAMSA_ERR_PRODUCER_ID_EXHAUSTED:
    'No producer id is left to allocate (the int64 range is used up)',
} as const;

export type SamsaErrorCode = keyof typeof SamsaErrorCodes;

export class SamsaError extends Error {
  readonly code: SamsaErrorCode;

  constructor(code: SamsaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SamsaError';
    this.code = code;
  }
}

export function isSamsaError(err: unknown, code?: SamsaErrorCode): err is SamsaError {
  return err instanceof SamsaError && (code === undefined || err.code === code);
}
