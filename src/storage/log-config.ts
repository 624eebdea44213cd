// The per-partition settings the storage engine reads: Kafka's topic configs (segment.bytes,
// retention.ms, …) in camelCase with Kafka's units (bytes, milliseconds). The config layer turns
// server.properties and topic overrides into this shape; storage depends only on this interface.
//
// Kafka's "Long.MAX_VALUE means never" defaults (flush.messages, flush.ms, the timestamp bounds)
// are Infinity here, as the config layer parses LONG values past 2^53 to ±Infinity. A retention
// of -1 means unlimited, as in Kafka.

export interface CleanupPolicy {
  /** Segments are deleted by retention.ms / retention.bytes. */
  readonly delete: boolean;
  /** Segments are compacted by the log cleaner (log-cleaner.ts); keyless records are rejected. */
  readonly compact: boolean;
}

export type MessageTimestampType = 'CreateTime' | 'LogAppendTime';

/** Values of Kafka's topic-level `compression.type`. */
export type TopicCompressionType = 'producer' | 'uncompressed' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface LogConfig {
  /** segment.bytes: the active segment is rolled before it would grow past this. */
  readonly segmentBytes: number;
  /** segment.ms: roll once the active segment's first batch is this old. */
  readonly segmentMs: number;
  /** segment.jitter.ms: up to this much (random per segment) is taken off segment.ms. */
  readonly segmentJitterMs: number;
  /** segment.index.bytes: the largest an offset or time index may grow; full means roll. */
  readonly segmentIndexBytes: number;
  /** index.interval.bytes: log bytes between two offset-index entries. */
  readonly indexIntervalBytes: number;
  /** retention.ms: delete segments whose newest timestamp is older; -1 keeps forever. */
  readonly retentionMs: number;
  /** retention.bytes: delete oldest segments while the log is larger; -1 is unlimited. */
  readonly retentionBytes: number;
  readonly cleanupPolicy: CleanupPolicy;
  /**
   * delete.retention.ms: how long a tombstone (and, later, a transaction marker) survives after
   * the cleaning that first saw it (its batch's delete horizon, KIP-534).
   */
  readonly deleteRetentionMs: number;
  /** min.cleanable.dirty.ratio: the dirty share of the log above which the cleaner takes it. */
  readonly minCleanableDirtyRatio: number;
  /** min.compaction.lag.ms: segments with a record younger than this are not cleaned. */
  readonly minCompactionLagMs: number;
  /** max.compaction.lag.ms: dirty data this old is cleaned whatever the ratio (Infinity: never). */
  readonly maxCompactionLagMs: number;
  /** max.message.bytes: the largest record batch (after compression) accepted. */
  readonly maxMessageBytes: number;
  readonly messageTimestampType: MessageTimestampType;
  /** message.timestamp.before.max.ms: how far in the past a CreateTime timestamp may be. */
  readonly messageTimestampBeforeMaxMs: number;
  /** message.timestamp.after.max.ms: how far in the future a CreateTime timestamp may be. */
  readonly messageTimestampAfterMaxMs: number;
  readonly compressionType: TopicCompressionType;
  /** flush.messages: fsync once this many messages are unflushed; Infinity leaves it to the OS. */
  readonly flushMessages: number;
  /** flush.ms: fsync once the oldest unflushed append is this old; Infinity leaves it to the OS. */
  readonly flushMs: number;
  /** file.delete.delay.ms: how long a deleted partition directory lingers before removal. */
  readonly fileDeleteDelayMs: number;
  /** preallocate: accepted for compatibility; segments are not preallocated (see log-segment.ts). */
  readonly preallocate: boolean;
}

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

/** Apache Kafka's defaults for every field (the broker-level log.* defaults). */
export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: SEVEN_DAYS_MS,
  segmentJitterMs: 0,
  segmentIndexBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  retentionMs: SEVEN_DAYS_MS,
  retentionBytes: -1,
  cleanupPolicy: Object.freeze({ delete: true, compact: false }),
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Infinity,
  maxMessageBytes: 1024 * 1024 + 12,
  messageTimestampType: 'CreateTime',
  messageTimestampBeforeMaxMs: Infinity,
  messageTimestampAfterMaxMs: Infinity,
  compressionType: 'producer',
  flushMessages: Infinity,
  flushMs: Infinity,
  fileDeleteDelayMs: 60_000,
  preallocate: false,
});

/** DEFAULT_LOG_CONFIG with some fields replaced, for tests and topic overrides. */
export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return Object.freeze({ ...DEFAULT_LOG_CONFIG, ...overrides });
}
