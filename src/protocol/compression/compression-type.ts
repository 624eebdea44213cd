// Kafka's compression codec ids, as stored in bits 0-2 of a record batch's attributes.
// The names are the values of Kafka's `compression.type` config, so configs map one-to-one.
import { SamsaError } from '../../errors/samsa-error.js';

export const CompressionType = {
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
} as const;

export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];
export type CompressionName = keyof typeof CompressionType;

const NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export function isCompressionType(id: number): id is CompressionType {
  return Number.isInteger(id) && id >= 0 && id < NAMES.length;
}

/** The codec id checked against the ones Kafka defines (bits 0-2 can also hold 5, 6 and 7). */
export function toCompressionType(id: number): CompressionType {
  if (!isCompressionType(id)) {
    throw new SamsaError(
      'SAMSA_ERR_COMPRESSION_UNSUPPORTED',
      `Compression codec id ${id} is not one Kafka defines`,
    );
  }
  return id;
}

export function compressionName(id: CompressionType): CompressionName {
  return NAMES[id]!;
}
