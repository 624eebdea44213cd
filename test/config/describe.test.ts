// The DescribeConfigs model (configs.md §2) for topics and brokers, and the CreateTopics response
// configs. configs.json's describeWhenUnset is the stock Kafka result for every topic key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerConfig } from '../../src/config/broker-config.js';
import { describeBrokerConfigs } from '../../src/config/describe-broker.js';
import { createdTopicConfigs, describeTopicConfigs } from '../../src/config/describe-topic.js';
import {
  BROKER_CONFIG_KEYS,
  CONFIG_SOURCES,
  CONFIG_TYPES,
  TOPIC_CONFIG_KEYS,
  type ConfigSourceName,
} from '../../src/config/generated/config-defs.js';
import { KafkaError } from '../../src/errors/kafka-error.js';
import { CONFIG_SPECS } from './config-specs.js';

const sourceId = (name: string): number => CONFIG_SOURCES[name as ConfigSourceName];
const broker = (entries: Record<string, string> = {}) =>
  new BrokerConfig({ staticBrokerConfigs: new Map(Object.entries(entries)) });
const withSynonyms = { includeSynonyms: true } as const;

function topicEntry(name: string, overrides: Record<string, string>, b: BrokerConfig) {
  const [entry] = describeTopicConfigs(new Map(Object.entries(overrides)), b, {
    ...withSynonyms,
    configurationKeys: [name],
  });
  assert.ok(entry, name);
  return entry;
}

test('every topic key with no overrides describes exactly as configs.json’s describeWhenUnset', () => {
  const entries = describeTopicConfigs(new Map(), broker(), withSynonyms);
  assert.equal(entries.length, 36);
  for (const spec of CONFIG_SPECS.topic) {
    const entry = entries.find((e) => e.name === spec.name);
    assert.ok(entry, spec.name);
    assert.deepEqual(
      { source: entry.configSource, synonyms: entry.synonyms },
      {
        source: sourceId(spec.describeWhenUnset.source),
        synonyms: spec.describeWhenUnset.synonyms.map((s) => ({
          ...s,
          source: sourceId(s.source),
        })),
      },
      spec.name,
    );
    assert.equal(entry.value, spec.default, spec.name);
    assert.equal(entry.readOnly, false);
    assert.equal(entry.isSensitive, false);
    assert.equal(entry.configType, CONFIG_TYPES[spec.type]);
    assert.equal(entry.documentation, null);
  }
});

test('configs.md §2 example: topic override and static log.retention.ms', () => {
  const entry = topicEntry(
    'retention.ms',
    { 'retention.ms': '3600000' },
    broker({ 'log.retention.ms': '86400000' }),
  );
  assert.equal(entry.value, '3600000');
  assert.equal(entry.configSource, CONFIG_SOURCES.TOPIC_CONFIG);
  assert.deepEqual(entry.synonyms, [
    { name: 'retention.ms', value: '3600000', source: CONFIG_SOURCES.TOPIC_CONFIG },
    { name: 'log.retention.ms', value: '86400000', source: CONFIG_SOURCES.STATIC_BROKER_CONFIG },
    { name: 'log.retention.hours', value: '168', source: CONFIG_SOURCES.DEFAULT_CONFIG },
  ]);
});

test('the quirk: with log.retention.ms unset, log.retention.hours yields no synonyms and source DEFAULT', () => {
  const entry = topicEntry('retention.ms', {}, broker({ 'log.retention.hours': '24' }));
  assert.equal(entry.value, '86400000', 'the value is still converted');
  assert.equal(entry.configSource, CONFIG_SOURCES.DEFAULT_CONFIG);
  assert.deepEqual(entry.synonyms, []);
  const flush = topicEntry('flush.ms', {}, broker({ 'log.flush.scheduler.interval.ms': '1000' }));
  assert.deepEqual(
    [flush.value, flush.configSource, flush.synonyms],
    ['1000', CONFIG_SOURCES.DEFAULT_CONFIG, []],
  );
});

test('static single-key synonyms: source STATIC, raw broker strings, default after it', () => {
  const entry = topicEntry(
    'cleanup.policy',
    {},
    broker({ 'log.cleanup.policy': 'compact, delete' }),
  );
  assert.equal(entry.value, 'compact,delete');
  assert.equal(entry.configSource, CONFIG_SOURCES.STATIC_BROKER_CONFIG);
  assert.deepEqual(entry.synonyms, [
    {
      name: 'log.cleanup.policy',
      value: 'compact, delete',
      source: CONFIG_SOURCES.STATIC_BROKER_CONFIG,
    },
    { name: 'log.cleanup.policy', value: 'delete', source: CONFIG_SOURCES.DEFAULT_CONFIG },
  ]);
  const override = topicEntry('max.message.bytes', { 'max.message.bytes': ' +2000' }, broker());
  assert.equal(override.value, '2000', 'the value is re-stringified');
  assert.deepEqual(override.synonyms[0], { name: 'max.message.bytes', value: '2000', source: 1 });
  const dynamic = broker({ 'log.retention.ms': '5' }).with({
    dynamicBrokerConfigs: new Map([['log.retention.hours', '2']]),
    dynamicDefaultConfigs: new Map([['log.retention.ms', '7']]),
  });
  assert.deepEqual(
    topicEntry('retention.ms', {}, dynamic).synonyms.map((s) => [s.name, s.value, s.source]),
    [
      ['log.retention.ms', '7', 3],
      ['log.retention.ms', '5', 4],
      ['log.retention.hours', '168', 5],
    ],
    'entries before the first primary-key entry (the dynamic hours) are dropped',
  );
});

test('requested keys filter; unknown ones are dropped; synonyms and docs only on request', () => {
  const entries = describeTopicConfigs(new Map([['retention.ms', '1']]), broker(), {
    configurationKeys: ['retention.ms', 'no.such.key', 'segment.ms'],
    includeDocumentation: true,
  });
  assert.deepEqual(
    entries.map((e) => e.name),
    ['retention.ms', 'segment.ms'],
  );
  assert.deepEqual(entries[0]?.synonyms, []);
  assert.equal(
    entries[0]?.configSource,
    CONFIG_SOURCES.TOPIC_CONFIG,
    'the source does not need includeSynonyms',
  );
  assert.equal(entries[0]?.documentation, TOPIC_CONFIG_KEYS['retention.ms'].doc);
  assert.equal(describeTopicConfigs(new Map(), broker(), { configurationKeys: [] }).length, 36);
});

test('broker "<id>": every KafkaConfig key; Samsa defaults as DEFAULT_CONFIG; secrets hidden', () => {
  const b = broker({
    'num.partitions': '3',
    'sasl.jaas.config': 'secret',
    'super.users': 'User:admin',
  });
  const entries = describeBrokerConfigs(b, '1', withSynonyms);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const kafkaKeys = Object.entries(BROKER_CONFIG_KEYS).filter(([, k]) => k.kind === 'kafka');
  assert.equal(
    entries.length,
    kafkaKeys.length + 1,
    'KafkaConfig keys plus the set authorizer key',
  );
  for (const [name, key] of kafkaKeys) {
    const e = byName.get(name);
    assert.ok(e, name);
    assert.equal(e.readOnly, key.readOnly, name);
    assert.equal(e.isSensitive, key.type === 'PASSWORD', name);
    assert.equal(e.configType, CONFIG_TYPES[key.type], name);
  }
  assert.deepEqual(byName.get('listeners'), {
    name: 'listeners',
    value: 'PLAINTEXT://127.0.0.1:9092',
    readOnly: false,
    configSource: CONFIG_SOURCES.DEFAULT_CONFIG,
    isSensitive: false,
    synonyms: [{ name: 'listeners', value: 'PLAINTEXT://127.0.0.1:9092', source: 5 }],
    configType: CONFIG_TYPES.STRING,
    documentation: null,
  });
  for (const name of [
    'node.id',
    'offsets.topic.replication.factor',
    'transaction.state.log.min.isr',
  ]) {
    assert.deepEqual([byName.get(name)?.value, byName.get(name)?.configSource], ['1', 5], name);
  }
  assert.deepEqual(
    [byName.get('log.dir')?.value, byName.get('log.dir')?.configSource],
    ['samsa-data', 5],
  );
  assert.deepEqual(
    [
      byName.get('log.dirs')?.value,
      byName.get('log.dirs')?.configSource,
      byName.get('log.dirs')?.synonyms,
    ],
    [null, 5, []],
    'unset null-default keys',
  );
  assert.deepEqual(byName.get('num.partitions')?.synonyms, [
    { name: 'num.partitions', value: '3', source: 4 },
    { name: 'num.partitions', value: '1', source: 5 },
  ]);
  assert.deepEqual(
    [
      byName.get('sasl.jaas.config')?.value,
      byName.get('sasl.jaas.config')?.isSensitive,
      byName.get('sasl.jaas.config')?.synonyms,
    ],
    [null, true, [{ name: 'sasl.jaas.config', value: null, source: 4 }]],
  );
  const superUsers = byName.get('super.users');
  assert.deepEqual(
    [superUsers?.value, superUsers?.isSensitive, superUsers?.configType, superUsers?.readOnly],
    [null, true, CONFIG_TYPES.UNKNOWN, true],
  );
});

test('broker synonyms come from the key’s group, with the drop rule', () => {
  const b = broker({ 'log.retention.ms': '1000', 'log.roll.hours': '2' });
  const get = (name: string) =>
    describeBrokerConfigs(b, '1', { ...withSynonyms, configurationKeys: [name] })[0];
  assert.deepEqual(
    get('log.retention.ms')?.synonyms.map((s) => [s.name, s.source]),
    [
      ['log.retention.ms', 4],
      ['log.retention.hours', 5],
    ],
  );
  assert.deepEqual(
    get('log.retention.hours')?.synonyms.map((s) => [s.name, s.value, s.source]),
    [['log.retention.hours', '168', 5]],
  );
  assert.deepEqual(
    [get('log.roll.ms')?.value, get('log.roll.ms')?.configSource, get('log.roll.ms')?.synonyms],
    [null, 5, []],
  );
  const listener = broker({
    'listener.name.internal.ssl.keystore.location': '/k',
    'ssl.keystore.location': '/base',
  });
  const entry = describeBrokerConfigs(listener, '1', {
    ...withSynonyms,
    configurationKeys: ['listener.name.internal.ssl.keystore.location'],
  })[0];
  assert.deepEqual(entry, {
    name: 'listener.name.internal.ssl.keystore.location',
    value: '/k',
    readOnly: true,
    configSource: CONFIG_SOURCES.STATIC_BROKER_CONFIG,
    isSensitive: false,
    synonyms: [
      { name: 'listener.name.internal.ssl.keystore.location', value: '/k', source: 4 },
      { name: 'ssl.keystore.location', value: '/base', source: 4 },
    ],
    configType: CONFIG_TYPES.STRING,
    documentation: null,
  });
});

test('broker resource names: another id or a non-integer is INVALID_REQUEST; "" is the cluster default', () => {
  const b = broker().with({ dynamicDefaultConfigs: new Map([['message.max.bytes', '5000']]) });
  for (const [name, message] of [
    ['2', 'Unexpected broker id, expected 1 or empty string, but received 2'],
    ['one', 'Broker id must be an integer, but it is: one'],
  ] as const) {
    assert.throws(
      () => describeBrokerConfigs(b, name),
      (err: unknown) => {
        assert.ok(err instanceof KafkaError);
        assert.deepEqual([err.errorName, err.message], ['INVALID_REQUEST', message]);
        return true;
      },
    );
  }
  assert.deepEqual(describeBrokerConfigs(b, '', withSynonyms), [
    {
      name: 'message.max.bytes',
      value: '5000',
      readOnly: false,
      configSource: CONFIG_SOURCES.DYNAMIC_DEFAULT_BROKER_CONFIG,
      isSensitive: false,
      synonyms: [{ name: 'message.max.bytes', value: '5000', source: 3 }],
      configType: CONFIG_TYPES.INT,
      documentation: null,
    },
  ]);
});

test('CreateTopics response configs: first hit per level, hours converted, no drop quirk', () => {
  const b = broker({ 'log.retention.hours': '24', 'log.cleanup.policy': 'compact' });
  const configs = createdTopicConfigs(new Map([['segment.bytes', '2048']]), b);
  assert.equal(configs.length, 36);
  const byName = new Map(configs.map((c) => [c.name, c]));
  assert.deepEqual(byName.get('retention.ms'), {
    name: 'retention.ms',
    value: '86400000',
    readOnly: false,
    configSource: CONFIG_SOURCES.STATIC_BROKER_CONFIG,
    isSensitive: false,
  });
  assert.deepEqual(
    [byName.get('segment.bytes')?.value, byName.get('segment.bytes')?.configSource],
    ['2048', 1],
  );
  assert.deepEqual(
    [byName.get('cleanup.policy')?.value, byName.get('cleanup.policy')?.configSource],
    ['compact', 4],
  );
  assert.deepEqual(
    [byName.get('segment.ms')?.value, byName.get('segment.ms')?.configSource],
    ['604800000', 5],
  );
  for (const c of configs) {
    if (!['retention.ms', 'segment.bytes', 'cleanup.policy'].includes(c.name)) {
      assert.equal(c.configSource, CONFIG_SOURCES.DEFAULT_CONFIG, c.name);
      assert.equal(c.value, TOPIC_CONFIG_KEYS[c.name as keyof typeof TOPIC_CONFIG_KEYS].default);
    }
  }
});
