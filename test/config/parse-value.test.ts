// Value parsing per configs.md §4–5: Kafka's trimming, Java number parsing, ranges, enums, lists,
// and Kafka's message format `Invalid value <v> for configuration <k>: <reason>`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ConfigKey } from '../../src/config/config-key.js';
import { BROKER_CONFIG_KEYS, TOPIC_CONFIG_KEYS } from '../../src/config/generated/config-defs.js';
import {
  javaDoubleToString,
  javaSplit,
  javaTrim,
  parseJavaDouble,
  parseJavaInteger,
} from '../../src/config/java-text.js';
import {
  InvalidConfigValueError,
  canonicalMetadataVersion,
  parseConfigValue,
} from '../../src/config/parse-value.js';

const topic = (name: keyof typeof TOPIC_CONFIG_KEYS, raw: string) =>
  parseConfigValue(name, TOPIC_CONFIG_KEYS[name], raw);
const broker = (name: keyof typeof BROKER_CONFIG_KEYS, raw: string) =>
  parseConfigValue(name, BROKER_CONFIG_KEYS[name], raw);

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidConfigValueError);
    assert.equal(err.errorName, 'INVALID_CONFIG');
    assert.equal(err.errorCode, 40);
    assert.equal(err.message, message);
    return true;
  });
}

test('BOOLEAN takes true/false in any case, trimmed, and prints lower case', () => {
  assert.deepEqual(topic('preallocate', ' TRUE '), { value: true, text: 'true' });
  assert.deepEqual(topic('preallocate', 'False'), { value: false, text: 'false' });
  rejects(
    () => topic('preallocate', 'yes'),
    'Invalid value yes for configuration preallocate: Expected value to be either true or false',
  );
  rejects(
    () => topic('preallocate', '1'),
    'Invalid value 1 for configuration preallocate: Expected value to be either true or false',
  );
});

test('INT, SHORT and LONG use Java parsing: sign, leading zeros, no suffixes, type range', () => {
  assert.equal(topic('segment.bytes', '+2048').text, '2048');
  assert.equal(topic('segment.bytes', ' 0100 ').value, 100);
  assert.equal(broker('offsets.topic.replication.factor', '32767').value, 32767);
  rejects(
    () => broker('offsets.topic.replication.factor', '32768'),
    'Invalid value 32768 for configuration offsets.topic.replication.factor: Not a number of type SHORT',
  );
  rejects(
    () => topic('segment.bytes', '1GB'),
    'Invalid value 1GB for configuration segment.bytes: Not a number of type INT',
  );
  rejects(
    () => topic('segment.bytes', '2147483648'),
    'Invalid value 2147483648 for configuration segment.bytes: Not a number of type INT',
  );
  rejects(
    () => topic('retention.ms', '1.5'),
    'Invalid value 1.5 for configuration retention.ms: Not a number of type LONG',
  );
  rejects(
    () => topic('retention.ms', ''),
    'Invalid value  for configuration retention.ms: Not a number of type LONG',
  );
  rejects(
    () => topic('retention.ms', '9223372036854775808'),
    'Invalid value 9223372036854775808 for configuration retention.ms: Not a number of type LONG',
  );
});

test('LONG keeps the exact value and maps beyond 2^53 to Infinity for typed use', () => {
  const never = topic('flush.messages', '9223372036854775807');
  assert.deepEqual(never, { value: Infinity, text: '9223372036854775807', exact: 2n ** 63n - 1n });
  assert.equal(topic('retention.bytes', '-9223372036854775808').value, -Infinity);
  assert.equal(
    topic('retention.bytes', String(Number.MAX_SAFE_INTEGER)).value,
    Number.MAX_SAFE_INTEGER,
  );
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
      const parsed = topic('retention.bytes', ` ${n} `);
      assert.equal(parsed.text, n.toString());
      assert.equal(parsed.exact, n);
    }),
  );
});

test('ranges give Kafka’s messages, showing the parsed value', () => {
  rejects(
    () => topic('segment.bytes', '013'),
    'Invalid value 13 for configuration segment.bytes: Value must be at least 14',
  );
  rejects(
    () => topic('compression.lz4.level', '18'),
    'Invalid value 18 for configuration compression.lz4.level: Value must be no more than 17',
  );
  rejects(
    () => topic('retention.ms', '-2'),
    'Invalid value -2 for configuration retention.ms: Value must be at least -1',
  );
  assert.equal(topic('compression.gzip.level', '-1').value, -1);
  assert.equal(topic('compression.gzip.level', '9').value, 9);
  rejects(
    () => topic('compression.gzip.level', '0'),
    'Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1',
  );
  rejects(
    () => topic('min.cleanable.dirty.ratio', '1.5'),
    'Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1',
  );
  rejects(
    () => topic('min.cleanable.dirty.ratio', '-1'),
    'Invalid value -1.0 for configuration min.cleanable.dirty.ratio: Value must be at least 0',
  );
});

test('DOUBLE uses Java parsing and prints as Java’s Double.toString', () => {
  assert.deepEqual(topic('min.cleanable.dirty.ratio', '1'), { value: 1, text: '1.0' });
  assert.equal(topic('min.cleanable.dirty.ratio', '.25').text, '0.25');
  assert.equal(topic('min.cleanable.dirty.ratio', '5e-1').text, '0.5');
  assert.equal(topic('min.cleanable.dirty.ratio', '0.5d').text, '0.5');
  // Java compares with doubleValue(), so NaN passes the range check, as in Kafka.
  assert.equal(topic('min.cleanable.dirty.ratio', 'NaN').text, 'NaN');
  assert.equal(broker('log.cleaner.io.max.bytes.per.second', '1e400').text, 'Infinity');
  rejects(
    () => topic('min.cleanable.dirty.ratio', 'half'),
    'Invalid value half for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE',
  );
  rejects(
    () => topic('min.cleanable.dirty.ratio', ''),
    'Invalid value  for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE',
  );
});

test('Java number text helpers', () => {
  assert.deepEqual(
    [1, 0.5, 1e7, 1234567.5, 0.001, 1e-4, -0, 0, 1.7976931348623157e308, 100].map(
      javaDoubleToString,
    ),
    [
      '1.0',
      '0.5',
      '1.0E7',
      '1234567.5',
      '0.001',
      '1.0E-4',
      '-0.0',
      '0.0',
      '1.7976931348623157E308',
      '100.0',
    ],
  );
  assert.equal(parseJavaDouble('0x1p3'), null, 'hexadecimal floats are the one Java form refused');
  assert.equal(parseJavaDouble('-Infinity'), -Infinity);
  assert.equal(parseJavaInteger('-', 32), null);
  assert.equal(parseJavaInteger('+0', 16), 0n);
  assert.equal(javaTrim('\u0001 a b\t\n'), 'a b');
  assert.equal(javaTrim('\u00a0a'), '\u00a0a', 'Java trim keeps Unicode spaces');
  assert.deepEqual(javaSplit('a,,b,,', ','), ['a', '', 'b']);
  assert.deepEqual(javaSplit('', ','), ['']);
  assert.deepEqual(javaSplit(',', ','), []);
});

test('enum values are case-sensitive and listed in Kafka’s order', () => {
  assert.equal(topic('compression.type', ' gzip ').value, 'gzip');
  rejects(
    () => topic('compression.type', 'GZIP'),
    'Invalid value GZIP for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer',
  );
  rejects(
    () => topic('message.timestamp.type', 'createtime'),
    'Invalid value createtime for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime',
  );
});

test('LIST splits on commas with optional spaces; "" is the empty list; items are validated', () => {
  assert.deepEqual(topic('cleanup.policy', ' compact , delete '), {
    value: ['compact', 'delete'],
    text: 'compact,delete',
  });
  assert.deepEqual(topic('cleanup.policy', ''), { value: [], text: '' });
  assert.deepEqual(topic('cleanup.policy', '   '), { value: [], text: '' });
  rejects(
    () => topic('cleanup.policy', 'compact,Delete'),
    'Invalid value Delete for configuration cleanup.policy: String must be one of: compact, delete',
  );
  rejects(
    () => topic('cleanup.policy', 'compact,'),
    'Invalid value  for configuration cleanup.policy: String must be one of: compact, delete',
  );
  assert.deepEqual(broker('process.roles', 'broker,controller').value, ['broker', 'controller']);
  assert.deepEqual(broker('ssl.cipher.suites', 'a,,b').value, ['a', '', 'b']);
});

test('throttled replica lists take "*" or partition:broker pairs', () => {
  assert.equal(topic('leader.replication.throttled.replicas', '0:1, 1:2').text, '0:1,1:2');
  assert.equal(topic('leader.replication.throttled.replicas', '*').text, '*');
  assert.equal(topic('leader.replication.throttled.replicas', '').text, '');
  rejects(
    () => topic('follower.replication.throttled.replicas', '0:1,x'),
    'Invalid value [0:1, x] for configuration follower.replication.throttled.replicas: ' +
      "follower.replication.throttled.replicas must be the literal '*' or a list of replicas in " +
      'the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...',
  );
});

test('metadata versions: a listed version or a release prefix', () => {
  assert.equal(topic('message.format.version', '3.0-IV1').value, '3.0-IV1');
  assert.equal(topic('message.format.version', '2.8').value, '2.8', 'kept as written');
  assert.equal(broker('inter.broker.protocol.version', '3.9.1').value, '3.9.1');
  const versions = TOPIC_CONFIG_KEYS['message.format.version'].validator;
  assert.ok(versions?.kind === 'metadataVersion');
  assert.equal(canonicalMetadataVersion('3.0', versions.values), '3.0-IV1');
  assert.equal(canonicalMetadataVersion('0.10.2.1', versions.values), '0.10.2-IV0');
  rejects(
    () => topic('message.format.version', '9.9'),
    'Invalid value 9.9 for configuration message.format.version: Version 9.9 is not a valid version',
  );
});

test('STRING, PASSWORD and CLASS values are trimmed; class names must be well formed', () => {
  assert.equal(broker('sasl.jaas.config', ' secret ').value, 'secret');
  assert.equal(broker('log.dir', ' /data ').text, '/data');
  assert.equal(
    broker('create.topic.policy.class.name', 'com.example.Policy$Inner').value,
    'com.example.Policy$Inner',
  );
  rejects(
    () => broker('create.topic.policy.class.name', 'not a class'),
    'Invalid value not a class for configuration create.topic.policy.class.name: Class not a class could not be found.',
  );
});

test('every config key of every type parses its default and refuses a garbage value', () => {
  const all: [string, ConfigKey][] = [
    ...Object.entries(TOPIC_CONFIG_KEYS),
    ...Object.entries(BROKER_CONFIG_KEYS),
  ];
  const refusing = { BOOLEAN: 'maybe', INT: 'x', SHORT: 'x', LONG: 'x', DOUBLE: 'x' } as const;
  for (const [name, key] of all) {
    if (key.type in refusing) {
      const bad = refusing[key.type as keyof typeof refusing];
      assert.throws(() => parseConfigValue(name, key, bad), InvalidConfigValueError, name);
    }
  }
});
