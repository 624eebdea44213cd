// LogConfig: the typed, camelCase view of a topic's effective config that the storage engine reads
// (Kafka's org.apache.kafka.storage.internals.log.LogConfig). Numbers are JavaScript numbers:
// Kafka's Long.MAX_VALUE sentinels ("never": flush.messages, flush.ms, max.compaction.lag.ms,
// message.timestamp.*.max.ms) arrive as Infinity, so `age > maxCompactionLagMs` and
// `count >= flushMessages` stay false without special cases; -1 / -2 sentinels (retention.*,
// local.retention.*) stay as Kafka writes them. Never hand Infinity to setTimeout.
import type { BrokerConfig } from './broker-config.js';
import type { TopicConfigName } from './generated/config-defs.js';
import {
  resolveTopicConfig,
  type ResolvedTopicConfig,
  type TopicOverrides,
} from './topic-config.js';

export type CompressionTypeName = 'uncompressed' | 'zstd' | 'lz4' | 'snappy' | 'gzip' | 'producer';
export type TimestampTypeName = 'CreateTime' | 'LogAppendTime';

export interface LogConfig {
  readonly segmentBytes: number;
  readonly segmentMs: number;
  readonly segmentJitterMs: number;
  readonly segmentIndexBytes: number;
  /** -1 = keep forever. */
  readonly retentionMs: number;
  /** -1 = no size limit. */
  readonly retentionBytes: number;
  /** Both false for an empty cleanup.policy: nothing is ever deleted or compacted. */
  readonly cleanupPolicy: { readonly delete: boolean; readonly compact: boolean };
  readonly deleteRetentionMs: number;
  readonly minCompactionLagMs: number;
  readonly maxCompactionLagMs: number;
  readonly minCleanableDirtyRatio: number;
  readonly maxMessageBytes: number;
  readonly messageTimestampType: TimestampTypeName;
  /** message.timestamp.before.max.ms, or the deprecated difference key when left at Long.MAX_VALUE. */
  readonly messageTimestampBeforeMaxMs: number;
  /** message.timestamp.after.max.ms, or the deprecated difference key when left at Long.MAX_VALUE. */
  readonly messageTimestampAfterMaxMs: number;
  readonly compressionType: CompressionTypeName;
  readonly compressionGzipLevel: number;
  readonly compressionLz4Level: number;
  readonly compressionZstdLevel: number;
  readonly flushMessages: number;
  readonly flushMs: number;
  readonly indexIntervalBytes: number;
  readonly fileDeleteDelayMs: number;
  readonly preallocate: boolean;
  readonly minInsyncReplicas: number;
  readonly uncleanLeaderElectionEnable: boolean;
}

function reader(resolved: ResolvedTopicConfig) {
  const value = (name: TopicConfigName): unknown => {
    const parsed = resolved.get(name);
    if (parsed === undefined) throw new Error(`Resolved topic config lacks ${name}`);
    return parsed.value;
  };
  const typed = <T>(name: TopicConfigName, check: (v: unknown) => v is T): T => {
    const v = value(name);
    if (!check(v))
      throw new Error(`Topic config ${name} resolved to ${String(v)} of the wrong type`);
    return v;
  };
  return {
    num: (name: TopicConfigName) => typed(name, (v): v is number => typeof v === 'number'),
    bool: (name: TopicConfigName) => typed(name, (v): v is boolean => typeof v === 'boolean'),
    list: (name: TopicConfigName) => typed(name, (v): v is readonly string[] => Array.isArray(v)),
    str: (name: TopicConfigName) => typed(name, (v): v is string => typeof v === 'string'),
  };
}

/** The LogConfig of a resolved topic config (see resolveTopicConfig). */
export function toLogConfig(resolved: ResolvedTopicConfig): LogConfig {
  const { num, bool, list, str } = reader(resolved);
  const policy = list('cleanup.policy');
  // Kafka's LogConfig falls back to the deprecated difference key while the new keys are unset.
  const difference = num('message.timestamp.difference.max.ms');
  const skew = (name: TopicConfigName): number => (num(name) === Infinity ? difference : num(name));
  return {
    segmentBytes: num('segment.bytes'),
    segmentMs: num('segment.ms'),
    segmentJitterMs: num('segment.jitter.ms'),
    segmentIndexBytes: num('segment.index.bytes'),
    retentionMs: num('retention.ms'),
    retentionBytes: num('retention.bytes'),
    cleanupPolicy: { delete: policy.includes('delete'), compact: policy.includes('compact') },
    deleteRetentionMs: num('delete.retention.ms'),
    minCompactionLagMs: num('min.compaction.lag.ms'),
    maxCompactionLagMs: num('max.compaction.lag.ms'),
    minCleanableDirtyRatio: num('min.cleanable.dirty.ratio'),
    maxMessageBytes: num('max.message.bytes'),
    // The validators admit only these names, so the casts cannot widen.
    messageTimestampType: str('message.timestamp.type') as TimestampTypeName,
    messageTimestampBeforeMaxMs: skew('message.timestamp.before.max.ms'),
    messageTimestampAfterMaxMs: skew('message.timestamp.after.max.ms'),
    compressionType: str('compression.type') as CompressionTypeName,
    compressionGzipLevel: num('compression.gzip.level'),
    compressionLz4Level: num('compression.lz4.level'),
    compressionZstdLevel: num('compression.zstd.level'),
    flushMessages: num('flush.messages'),
    flushMs: num('flush.ms'),
    indexIntervalBytes: num('index.interval.bytes'),
    fileDeleteDelayMs: num('file.delete.delay.ms'),
    preallocate: bool('preallocate'),
    minInsyncReplicas: num('min.insync.replicas'),
    uncleanLeaderElectionEnable: bool('unclean.leader.election.enable'),
  };
}

/** The LogConfig of a topic with these overrides on this broker. Throws KafkaError INVALID_CONFIG. */
export function logConfigFor(overrides: TopicOverrides, broker: BrokerConfig): LogConfig {
  return toLogConfig(resolveTopicConfig(overrides, broker));
}
