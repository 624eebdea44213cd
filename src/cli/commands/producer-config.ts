// Kafka producer properties → the CLI producer's options, shared by `samsa produce` and
// `samsa perf produce`. The keys Samsa's producer uses are read and checked; the rest (serializers,
// buffer sizes, metadata ages, …) are accepted and ignored, as Kafka's producer ignores keys it
// does not know. A transactional producer is refused until the CLI has transactions.
import { UsageError } from '../args.js';
import type { ProducerOptions } from '../client/index.js';
import { CompressionType, type CompressionName } from '../../protocol/compression/index.js';
import { boolProperty, choiceProperty, intProperty, type Properties } from '../properties.js';

export const COMPRESSION_NAMES: readonly CompressionName[] = [
  'none',
  'gzip',
  'snappy',
  'lz4',
  'zstd',
];

export interface ProducerSettings extends ProducerOptions {
  /** buffer.memory: how many bytes of records may wait before send() holds the input back. */
  bufferMemory: number;
}

export function parseAcks(text: string, source: string): -1 | 0 | 1 {
  const t = text.trim().toLowerCase();
  if (t === 'all' || t === '-1') return -1;
  if (t === '0') return 0;
  if (t === '1') return 1;
  throw new UsageError(`Invalid value ${text} for ${source}: String must be one of: all, -1, 0, 1`);
}

export function parseCompression(text: string, source: string): CompressionType {
  const name = text.trim().toLowerCase() as CompressionName;
  if (!COMPRESSION_NAMES.includes(name)) {
    throw new UsageError(
      `Invalid value ${text} for ${source}: String must be one of: ${COMPRESSION_NAMES.join(', ')}`,
    );
  }
  return CompressionType[name];
}

export function producerSettings(
  props: Properties,
  defaults: ProducerOptions = {},
): ProducerSettings {
  if (props.has('transactional.id')) {
    throw new UsageError(
      'transactional.id is not supported by samsa’s producer yet; produce without it',
    );
  }
  const acksText = props.get('acks');
  const compressionText = props.get('compression.type');
  const compression =
    compressionText === undefined
      ? (defaults.compression ?? CompressionType.none)
      : parseCompression(compressionText, 'configuration compression.type');
  const level =
    compression === CompressionType.gzip
      ? intProperty(props, 'compression.gzip.level', { min: -1 })
      : compression === CompressionType.zstd
        ? intProperty(props, 'compression.zstd.level')
        : undefined;
  const idempotent = boolProperty(props, 'enable.idempotence') ?? defaults.idempotent ?? false;
  const acks =
    acksText === undefined ? (defaults.acks ?? -1) : parseAcks(acksText, 'configuration acks');
  if (idempotent && acks !== -1) {
    throw new UsageError(
      'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.',
    );
  }
  const pick = (key: string, min: number, fallback: number | undefined): number | undefined =>
    intProperty(props, key, { min }) ?? fallback;
  const lingerMs = pick('linger.ms', 0, defaults.lingerMs);
  const batchSize = pick('batch.size', 0, defaults.batchSize);
  const requestTimeoutMs = pick('request.timeout.ms', 1, defaults.requestTimeoutMs);
  const retries = pick('retries', 0, defaults.retries);
  const retryBackoffMs = pick('retry.backoff.ms', 0, defaults.retryBackoffMs);
  const maxInFlight = pick('max.in.flight.requests.per.connection', 1, defaults.maxInFlight);
  const deliveryTimeoutMs = pick('delivery.timeout.ms', 1, defaults.deliveryTimeoutMs);
  const autoCreate = boolProperty(props, 'allow.auto.create.topics');
  choiceProperty(props, 'security.protocol', ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']);
  return {
    acks,
    compression,
    idempotent,
    bufferMemory: intProperty(props, 'buffer.memory', { min: 0 }) ?? 32 * 1024 * 1024,
    ...(level === undefined ? {} : { compressionLevel: level }),
    ...(lingerMs === undefined ? {} : { lingerMs }),
    ...(batchSize === undefined ? {} : { batchSize: Math.max(1, batchSize) }),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    ...(retries === undefined ? {} : { retries }),
    ...(retryBackoffMs === undefined ? {} : { retryBackoffMs }),
    ...(maxInFlight === undefined ? {} : { maxInFlight }),
    ...(deliveryTimeoutMs === undefined ? {} : { deliveryTimeoutMs }),
    ...(autoCreate === undefined ? {} : { allowAutoTopicCreation: autoCreate }),
  };
}
