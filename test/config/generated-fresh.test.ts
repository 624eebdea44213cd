// The committed config tables must be exactly what the generator makes from configs.json today,
// and must say what configs.json says: every key, type, default, validator and synonym.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  GENERATED_CONFIG_DIR,
  generateConfigs,
  validatorLiteral,
} from '../../scripts/configs/generate.js';
import {
  ALTER_CONFIG_OPS,
  BROKER_CONFIG_KEYS,
  CONFIG_SOURCES,
  CONFIG_TYPES,
  RESOURCE_TYPES,
  TOPIC_CONFIG_KEYS,
} from '../../src/config/generated/config-defs.js';
import { parseConfigValue } from '../../src/config/parse-value.js';
import { CONFIG_SPECS, ROOT } from './config-specs.js';

test('committed generated config tables match a fresh generation (run npm run gen:configs)', () => {
  const fresh = generateConfigs(CONFIG_SPECS);
  const committed = readdirSync(join(ROOT, GENERATED_CONFIG_DIR))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${GENERATED_CONFIG_DIR}/${f}`);
  assert.deepEqual(committed.sort(), [...fresh.keys()].sort(), 'the same set of generated files');
  for (const [path, content] of fresh) {
    assert.equal(readFileSync(join(ROOT, path), 'utf8'), content, `${path} is stale or was edited`);
  }
});

test('the tables hold every topic key and broker key of configs.json, with their facts', () => {
  assert.equal(Object.keys(TOPIC_CONFIG_KEYS).length, 36);
  assert.equal(Object.keys(TOPIC_CONFIG_KEYS).length, CONFIG_SPECS.topic.length);
  assert.equal(Object.keys(BROKER_CONFIG_KEYS).length, CONFIG_SPECS.broker.length);
  for (const t of CONFIG_SPECS.topic) {
    const key = TOPIC_CONFIG_KEYS[t.name as keyof typeof TOPIC_CONFIG_KEYS];
    assert.equal(key.type, t.type, t.name);
    assert.equal(key.default, t.default, t.name);
    assert.deepEqual(key.brokerSynonyms, t.brokerSynonym ?? [], t.name);
  }
  for (const b of CONFIG_SPECS.broker) {
    const key = BROKER_CONFIG_KEYS[b.name as keyof typeof BROKER_CONFIG_KEYS];
    assert.deepEqual(
      [key.type, key.default, key.dynamic, key.readOnly, key.sensitive, key.unit],
      [b.type, b.default, b.dynamic, b.readOnly, b.sensitive, b.unit],
      b.name,
    );
  }
  assert.equal(BROKER_CONFIG_KEYS['super.users'].kind, 'authorizer');
  assert.equal(BROKER_CONFIG_KEYS['leader.replication.throttled.rate'].kind, 'dynamic-only');
  assert.equal(BROKER_CONFIG_KEYS['inter.broker.protocol.version'].v39Default, '3.9-IV0');
});

test('wire id tables follow configs.md §1', () => {
  assert.equal(CONFIG_SOURCES.TOPIC_CONFIG, 1);
  assert.equal(CONFIG_SOURCES.DEFAULT_CONFIG, 5);
  assert.equal(CONFIG_SOURCES.GROUP_CONFIG, 8);
  assert.deepEqual(CONFIG_TYPES, {
    UNKNOWN: 0,
    BOOLEAN: 1,
    STRING: 2,
    INT: 3,
    SHORT: 4,
    LONG: 5,
    DOUBLE: 6,
    LIST: 7,
    CLASS: 8,
    PASSWORD: 9,
  });
  assert.deepEqual(
    [
      RESOURCE_TYPES.TOPIC,
      RESOURCE_TYPES.BROKER,
      RESOURCE_TYPES.BROKER_LOGGER,
      RESOURCE_TYPES.GROUP,
    ],
    [2, 4, 8, 32],
  );
  assert.deepEqual(ALTER_CONFIG_OPS, { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 });
});

test('every default parses under its own validator and prints back exactly as Kafka printed it', () => {
  const keys = [...Object.entries(TOPIC_CONFIG_KEYS), ...Object.entries(BROKER_CONFIG_KEYS)];
  let checked = 0;
  for (const [name, key] of keys) {
    if (key.default === null) continue;
    assert.equal(parseConfigValue(name, key, key.default).text, key.default, name);
    checked++;
  }
  assert.ok(checked > 200, `checked ${checked} defaults`);
});

test('the generator refuses a validator it does not understand, and reads the ones it knows', () => {
  assert.throws(() => validatorLiteral('must be prime', 'x'), /validator "must be prime"/);
  assert.match(validatorLiteral('[1,...,9] or -1', 'x'), /min: 1, max: 9, orEqual: -1/);
  assert.match(validatorLiteral('[...,5]', 'x'), /min: null, max: 5/);
  assert.match(validatorLiteral(['3.9-IV0', '4.0-IV0'], 'x'), /metadataVersion/);
  assert.match(validatorLiteral(['a', 'b'], 'x'), /kind: 'enum'/);
});

test('generated tables point topic keys and broker keys at each other consistently', () => {
  for (const [name, key] of Object.entries(TOPIC_CONFIG_KEYS)) {
    for (const synonym of key.brokerSynonyms) {
      const broker = BROKER_CONFIG_KEYS[synonym as keyof typeof BROKER_CONFIG_KEYS];
      assert.equal(broker.topicConfig, name);
    }
  }
  const spec = structuredClone(CONFIG_SPECS);
  const retention = spec.topic.find((t) => t.name === 'retention.ms');
  retention?.brokerSynonym?.push('log.segment.bytes');
  assert.throws(() => generateConfigs(spec), /does not name topic key retention.ms/);
});
