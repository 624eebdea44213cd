// Validating config changes, with the Kafka error name of each situation in configs.md §5:
// CreateTopics, IncrementalAlterConfigs (SET/DELETE/APPEND/SUBTRACT) and legacy AlterConfigs,
// for topics and for brokers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alterBrokerConfigs,
  incrementalAlterBrokerConfigs,
} from '../../src/config/broker-alter.js';
import { BrokerConfig } from '../../src/config/broker-config.js';
import { ALTER_CONFIG_OPS } from '../../src/config/generated/config-defs.js';
import {
  alterTopicConfigs,
  incrementalAlterTopicConfigs,
  validateCreateTopicConfigs,
} from '../../src/config/topic-alter.js';
import { KafkaError, type KafkaErrorName } from '../../src/errors/kafka-error.js';

const broker = new BrokerConfig();
const { SET, DELETE, APPEND, SUBTRACT } = ALTER_CONFIG_OPS;
const op = (name: string, configOperation: number, value: string | null = null) => ({
  name,
  configOperation,
  value,
});
const incremental = (current: Record<string, string>, ...ops: ReturnType<typeof op>[]) =>
  Object.fromEntries(
    incrementalAlterTopicConfigs('orders', new Map(Object.entries(current)), ops, broker),
  );

function fails(fn: () => unknown, name: KafkaErrorName, message?: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof KafkaError, String(err));
    assert.equal(err.errorName, name);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

test('CreateTopics: valid configs are stored as sent; the last of a repeated name wins', () => {
  const stored = validateCreateTopicConfigs(
    [
      { name: 'cleanup.policy', value: 'compact, delete' },
      { name: 'retention.ms', value: '1000' },
      { name: 'retention.ms', value: '2000' },
    ],
    broker,
  );
  assert.deepEqual(Object.fromEntries(stored), {
    'cleanup.policy': 'compact, delete',
    'retention.ms': '2000',
  });
  assert.equal(
    validateCreateTopicConfigs([{ name: 'cleanup.policy', value: '' }], broker).get(
      'cleanup.policy',
    ),
    '',
  );
});

test('CreateTopics errors: all INVALID_CONFIG, with Kafka’s messages', () => {
  const create = (configs: { name: string; value: string | null }[]) => () =>
    validateCreateTopicConfigs(configs, broker);
  fails(
    create([{ name: 'retention.hours', value: '1' }]),
    'INVALID_CONFIG',
    'Unknown topic config name: retention.hours',
  );
  fails(
    create([{ name: 'segment.bytes', value: '1' }]),
    'INVALID_CONFIG',
    'Invalid value 1 for configuration segment.bytes: Value must be at least 14',
  );
  fails(
    create([{ name: 'compression.type', value: 'GZIP' }]),
    'INVALID_CONFIG',
    /String must be one of/,
  );
  fails(
    create([
      { name: 'retention.ms', value: null },
      { name: 'segment.ms', value: null },
    ]),
    'INVALID_CONFIG',
    'Null value not supported for topic configs: retention.ms,segment.ms',
  );
  fails(
    create([
      { name: 'min.compaction.lag.ms', value: '5000' },
      { name: 'max.compaction.lag.ms', value: '1000' },
    ]),
    'INVALID_CONFIG',
    'conflict topic config setting min.compaction.lag.ms (5000) > max.compaction.lag.ms (1000)',
  );
  fails(
    create([{ name: 'remote.storage.enable', value: 'true' }]),
    'INVALID_CONFIG',
    'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.',
  );
  // The merged result is checked against broker-derived defaults.
  const lagging = new BrokerConfig({
    staticBrokerConfigs: new Map([['log.cleaner.max.compaction.lag.ms', '100']]),
  });
  fails(
    () => validateCreateTopicConfigs([{ name: 'min.compaction.lag.ms', value: '200' }], lagging),
    'INVALID_CONFIG',
    /\(200\) > max.compaction.lag.ms \(100\)/,
  );
});

test('SET replaces, DELETE removes (an unset key is fine), ops apply together', () => {
  assert.deepEqual(
    incremental(
      { 'retention.ms': '1000', 'segment.ms': '5000' },
      op('retention.ms', SET, '2000'),
      op('segment.ms', DELETE),
      op('segment.bytes', DELETE),
    ),
    { 'retention.ms': '2000' },
  );
  assert.deepEqual(
    incremental({}, op('no.such.key', DELETE)),
    {},
    'deleting an unknown key changes nothing',
  );
});

test('APPEND starts from the topic default when unset and adds only missing items', () => {
  assert.deepEqual(incremental({}, op('cleanup.policy', APPEND, 'compact')), {
    'cleanup.policy': 'delete,compact',
  });
  assert.deepEqual(
    incremental({ 'cleanup.policy': 'compact' }, op('cleanup.policy', APPEND, 'compact')),
    { 'cleanup.policy': 'compact' },
  );
  assert.deepEqual(
    incremental({}, op('leader.replication.throttled.replicas', APPEND, '0:1,1:1')),
    { 'leader.replication.throttled.replicas': '0:1,1:1' },
    'an empty default starts an empty list',
  );
  fails(
    () => incremental({}, op('cleanup.policy', APPEND, 'Compact')),
    'INVALID_CONFIG',
    /Invalid value Compact/,
  );
});

test('SUBTRACT removes items and leaves "" rather than reverting to the default', () => {
  assert.deepEqual(incremental({}, op('cleanup.policy', SUBTRACT, 'delete')), {
    'cleanup.policy': '',
  });
  assert.deepEqual(
    incremental({ 'cleanup.policy': 'delete,compact' }, op('cleanup.policy', SUBTRACT, 'delete')),
    { 'cleanup.policy': 'compact' },
  );
  assert.deepEqual(
    incremental({ 'cleanup.policy': 'compact' }, op('cleanup.policy', SUBTRACT, 'delete')),
    { 'cleanup.policy': 'compact' },
  );
});

test('IncrementalAlterConfigs errors per configs.md §5', () => {
  fails(
    () => incremental({}, op('retention.ms', APPEND, '1')),
    'INVALID_CONFIG',
    "Can't APPEND to key retention.ms because its type is not LIST.",
  );
  fails(
    () => incremental({}, op('retention.ms', SUBTRACT, '1')),
    'INVALID_CONFIG',
    "Can't SUBTRACT to key retention.ms because its type is not LIST.",
  );
  fails(
    () => incremental({}, op('no.such.key', SET, '1')),
    'INVALID_CONFIG',
    'Unknown topic config name: no.such.key',
  );
  fails(
    () => incremental({}, op('segment.bytes', SET, '1')),
    'INVALID_CONFIG',
    /Value must be at least 14/,
  );
  fails(
    () => incremental({}, op('retention.ms', SET, null)),
    'INVALID_REQUEST',
    'Null value not supported for : retention.ms',
  );
  fails(
    () => incremental({}, op('retention.ms', SET, '1'), op('retention.ms', DELETE)),
    'INVALID_REQUEST',
    'Error due to duplicate config keys',
  );
  fails(
    () => incremental({}, op('retention.ms', 9, '1')),
    'INVALID_REQUEST',
    'Unknown operations type 9',
  );
  fails(
    () => incrementalAlterTopicConfigs('', new Map(), [], broker),
    'INVALID_REQUEST',
    'Default topic resources are not allowed.',
  );
  fails(
    () =>
      incremental({ 'max.compaction.lag.ms': '1000' }, op('min.compaction.lag.ms', SET, '2000')),
    'INVALID_CONFIG',
    /conflict topic config setting/,
  );
  // One bad op fails the whole resource: nothing is returned to store.
  fails(
    () => incremental({}, op('retention.ms', SET, '5'), op('segment.ms', SET, '0')),
    'INVALID_CONFIG',
    /segment.ms/,
  );
});

test('legacy AlterConfigs replaces the whole override set; null is INVALID_REQUEST', () => {
  const current = new Map([
    ['retention.ms', '1000'],
    ['segment.ms', '5000'],
  ]);
  assert.deepEqual(
    Object.fromEntries(
      alterTopicConfigs('orders', current, [{ name: 'segment.ms', value: '6000' }], broker),
    ),
    { 'segment.ms': '6000' },
  );
  fails(
    () => alterTopicConfigs('orders', current, [{ name: 'segment.ms', value: null }], broker),
    'INVALID_REQUEST',
    /Null value not supported/,
  );
  fails(
    () => alterTopicConfigs('orders', current, [{ name: 'x', value: '1' }], broker),
    'INVALID_CONFIG',
    'Unknown topic config name: x',
  );
  fails(
    () => alterTopicConfigs('orders', current, [{ name: 'segment.ms', value: 'x' }], broker),
    'INVALID_CONFIG',
    /Not a number of type LONG/,
  );
});

test('broker resources: bad values are INVALID_REQUEST (Kafka quirk), read-only keys too', () => {
  const alter = (name: string, ...ops: ReturnType<typeof op>[]) =>
    incrementalAlterBrokerConfigs(broker, name, ops);
  assert.deepEqual(Object.fromEntries(alter('1', op('message.max.bytes', SET, '2000'))), {
    'message.max.bytes': '2000',
  });
  assert.deepEqual(
    Object.fromEntries(alter('', op('my.plugin.key', SET, 'x'))),
    { 'my.plugin.key': 'x' },
    'unknown broker keys are accepted',
  );
  fails(
    () => alter('1', op('message.max.bytes', SET, 'big')),
    'INVALID_REQUEST',
    'Invalid value big for configuration message.max.bytes: Not a number of type INT',
  );
  fails(
    () => alter('1', op('num.partitions', SET, '3')),
    'INVALID_REQUEST',
    'Cannot update these configs dynamically: Set(num.partitions)',
  );
  fails(
    () => alter('', op('listeners', SET, 'PLAINTEXT://:9093')),
    'INVALID_REQUEST',
    /at default cluster level, broker id must be specified: Set\(listeners\)/,
  );
  fails(
    () => alter('1', op('ssl.keystore.location', SET, '/k')),
    'INVALID_REQUEST',
    /only per-listener using the listener prefix/,
  );
  fails(
    () => alter('2', op('message.max.bytes', SET, '1')),
    'INVALID_REQUEST',
    'Unexpected node id. Expected 1, but received 2',
  );
  fails(() => alter('one'), 'INVALID_REQUEST', 'Node id must be an integer, but it is: one');
  fails(
    () => alter('1', op('message.max.bytes', APPEND, '1')),
    'INVALID_CONFIG',
    'Config value append is not allowed for config key: message.max.bytes',
  );
  assert.deepEqual(
    Object.fromEntries(alter('1', op('ssl.cipher.suites', APPEND, 'A,B'))),
    { 'ssl.cipher.suites': ',A,B' },
    'Kafka keeps the empty default as a first item',
  );
  assert.deepEqual(
    Object.fromEntries(
      alterBrokerConfigs(broker, '1', [{ name: 'log.cleaner.threads', value: '2' }]),
    ),
    { 'log.cleaner.threads': '2' },
  );
  fails(
    () => alterBrokerConfigs(broker, '1', [{ name: 'log.cleaner.threads', value: null }]),
    'INVALID_REQUEST',
  );
});
