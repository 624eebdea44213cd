// Effective topic values: override > broker (dynamic > static) > default, through synonym chains
// with hours/minutes → ms and the negative-retention rule, and the typed LogConfig.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerConfig } from '../../src/config/broker-config.js';
import { TOPIC_CONFIG_KEYS } from '../../src/config/generated/config-defs.js';
import { logConfigFor } from '../../src/config/log-config.js';
import { resolveTopicConfig } from '../../src/config/topic-config.js';
import { KafkaError } from '../../src/errors/kafka-error.js';

const broker = (entries: Record<string, string> = {}) =>
  new BrokerConfig({ staticBrokerConfigs: new Map(Object.entries(entries)) });
const overrides = (entries: Record<string, string> = {}) => new Map(Object.entries(entries));
const effective = (name: keyof typeof TOPIC_CONFIG_KEYS, o = {}, b = {}) =>
  resolveTopicConfig(overrides(o), broker(b)).get(name)?.text;

test('with nothing set, every topic key has Kafka’s default', () => {
  const resolved = resolveTopicConfig(new Map(), broker());
  assert.equal(resolved.size, 36);
  for (const [name, key] of Object.entries(TOPIC_CONFIG_KEYS)) {
    assert.equal(resolved.get(name as keyof typeof TOPIC_CONFIG_KEYS)?.text, key.default, name);
  }
});

test('a topic override beats the broker value, which beats the default', () => {
  assert.equal(effective('segment.bytes'), '1073741824');
  assert.equal(effective('segment.bytes', {}, { 'log.segment.bytes': '2048' }), '2048');
  assert.equal(
    effective('segment.bytes', { 'segment.bytes': '4096' }, { 'log.segment.bytes': '2048' }),
    '4096',
  );
  assert.equal(effective('max.message.bytes', {}, { 'message.max.bytes': '5000' }), '5000');
  assert.equal(
    effective('min.cleanable.dirty.ratio', {}, { 'log.cleaner.min.cleanable.ratio': '0.25' }),
    '0.25',
  );
  assert.equal(
    effective('cleanup.policy', {}, { 'log.cleanup.policy': 'compact , delete' }),
    'compact,delete',
  );
  assert.equal(effective('remote.storage.enable'), 'false', 'no broker synonym: the topic default');
  const dynamic = broker({ 'log.segment.bytes': '2048' }).with({
    dynamicDefaultConfigs: new Map([['log.segment.bytes', '8192']]),
  });
  assert.equal(resolveTopicConfig(new Map(), dynamic).get('segment.bytes')?.text, '8192');
});

test('chains take the first set key and convert hours and minutes to ms', () => {
  assert.equal(effective('retention.ms', {}, { 'log.retention.hours': '24' }), '86400000');
  assert.equal(
    effective('retention.ms', {}, { 'log.retention.hours': '24', 'log.retention.minutes': '90' }),
    '5400000',
  );
  assert.equal(
    effective('retention.ms', {}, { 'log.retention.minutes': '90', 'log.retention.ms': '1000' }),
    '1000',
  );
  assert.equal(effective('segment.ms', {}, { 'log.roll.hours': '1' }), '3600000');
  assert.equal(
    effective('segment.ms', {}, { 'log.roll.hours': '1', 'log.roll.ms': '60000' }),
    '60000',
  );
  assert.equal(effective('segment.jitter.ms', {}, { 'log.roll.jitter.hours': '2' }), '7200000');
  assert.equal(effective('flush.ms'), '9223372036854775807');
  assert.equal(effective('flush.ms', {}, { 'log.flush.scheduler.interval.ms': '2000' }), '2000');
  assert.equal(
    effective(
      'flush.ms',
      {},
      { 'log.flush.interval.ms': '50', 'log.flush.scheduler.interval.ms': '2000' },
    ),
    '50',
  );
  // Hours of an int overflow no Java long: 2^31-1 hours in ms is exact.
  assert.equal(
    effective('retention.ms', {}, { 'log.retention.hours': '2147483647' }),
    '7730941129200000',
  );
});

test('a negative broker retention becomes -1; a topic override keeps its own validator', () => {
  assert.equal(effective('retention.ms', {}, { 'log.retention.ms': '-100' }), '-1');
  assert.equal(effective('retention.ms', {}, { 'log.retention.hours': '-1' }), '-1');
  assert.throws(() => effective('retention.ms', { 'retention.ms': '-100' }), {
    message: 'Invalid value -100 for configuration retention.ms: Value must be at least -1',
  });
});

test('message.format.version from the broker shows the full version of a release prefix', () => {
  assert.equal(
    effective('message.format.version', {}, { 'log.message.format.version': '2.8' }),
    '2.8-IV1',
  );
  assert.equal(effective('message.format.version', { 'message.format.version': '2.8' }), '2.8');
});

test('an unknown or invalid stored override is INVALID_CONFIG', () => {
  assert.throws(
    () => resolveTopicConfig(overrides({ 'retention.hours': '1' }), broker()),
    (err: unknown) => {
      assert.ok(err instanceof KafkaError);
      assert.equal(err.errorName, 'INVALID_CONFIG');
      assert.equal(err.message, 'Unknown topic config name: retention.hours');
      return true;
    },
  );
});

test('LogConfig: camelCase typed values, sentinels as documented', () => {
  const log = logConfigFor(
    overrides({ 'cleanup.policy': 'compact', 'message.timestamp.type': 'LogAppendTime' }),
    broker({ 'log.retention.hours': '1', 'compression.type': 'zstd' }),
  );
  assert.deepEqual(log, {
    segmentBytes: 1073741824,
    segmentMs: 604800000,
    segmentJitterMs: 0,
    segmentIndexBytes: 10485760,
    retentionMs: 3600000,
    retentionBytes: -1,
    cleanupPolicy: { delete: false, compact: true },
    deleteRetentionMs: 86400000,
    minCompactionLagMs: 0,
    maxCompactionLagMs: Infinity,
    minCleanableDirtyRatio: 0.5,
    maxMessageBytes: 1048588,
    messageTimestampType: 'LogAppendTime',
    messageTimestampBeforeMaxMs: Infinity,
    messageTimestampAfterMaxMs: Infinity,
    compressionType: 'zstd',
    compressionGzipLevel: -1,
    compressionLz4Level: 9,
    compressionZstdLevel: 3,
    flushMessages: Infinity,
    flushMs: Infinity,
    indexIntervalBytes: 4096,
    fileDeleteDelayMs: 60000,
    preallocate: false,
    minInsyncReplicas: 1,
    uncleanLeaderElectionEnable: false,
  });
  const empty = logConfigFor(overrides({ 'cleanup.policy': '' }), broker());
  assert.deepEqual(empty.cleanupPolicy, { delete: false, compact: false });
});

test('the deprecated timestamp difference applies while before/after are left at "never"', () => {
  const log = logConfigFor(
    overrides({
      'message.timestamp.difference.max.ms': '1000',
      'message.timestamp.after.max.ms': '50',
    }),
    broker(),
  );
  assert.equal(log.messageTimestampBeforeMaxMs, 1000);
  assert.equal(log.messageTimestampAfterMaxMs, 50);
});
