// The broker config at start-up: server.properties plus --override (later wins), unknown and
// invalid keys refused with key, value and origin, Samsa's default differences, typed getters.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BrokerConfig } from '../../src/config/broker-config.js';
import { BrokerConfigError } from '../../src/config/config-error.js';
import { BROKER_CONFIG_KEYS } from '../../src/config/generated/config-defs.js';
import { loadBrokerConfig, parseOverride } from '../../src/config/load-broker-config.js';
import { SAMSA_DEFAULT_DIFFERENCES, brokerDefault } from '../../src/config/samsa-defaults.js';
import { isSamsaError } from '../../src/errors/samsa-error.js';

const dir = mkdtempSync(join(tmpdir(), 'samsa-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function propertiesFile(text: string): string {
  const file = join(dir, `server-${Math.random().toString(36).slice(2)}.properties`);
  writeFileSync(file, text);
  return file;
}

/** Asserts a start-up error with this code, key and message. */
function refuses(
  args: Parameters<typeof loadBrokerConfig>[0],
  expected: { code: string; configName?: string | null; message: string | RegExp },
): void {
  assert.throws(
    () => loadBrokerConfig(args),
    (err: unknown) => {
      assert.ok(err instanceof BrokerConfigError, String(err));
      assert.ok(isSamsaError(err));
      assert.equal(err.code, expected.code);
      if (expected.configName !== undefined) assert.equal(err.configName, expected.configName);
      if (typeof expected.message === 'string') assert.equal(err.message, expected.message);
      else assert.match(err.message, expected.message);
      return true;
    },
  );
}

test('with no arguments: 127.0.0.1:9092, data in ./samsa-data, node 1, single-node RFs', () => {
  const config = loadBrokerConfig();
  assert.deepEqual(config.listeners, [
    { listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 9092 },
  ]);
  assert.deepEqual(config.advertisedListeners, config.listeners);
  assert.deepEqual(config.logDirs, ['samsa-data']);
  assert.equal(config.nodeId, 1);
  assert.equal(config.get('broker.id'), 1);
  assert.equal(config.get('offsets.topic.replication.factor'), 1);
  assert.equal(config.get('transaction.state.log.replication.factor'), 1);
  assert.equal(config.get('transaction.state.log.min.isr'), 1);
  // Everything else is Kafka's default.
  assert.equal(config.get('num.partitions'), 1);
  assert.equal(config.get('offsets.topic.num.partitions'), 50);
  assert.equal(config.get('auto.create.topics.enable'), true);
  assert.equal(config.get('socket.request.max.bytes'), 104857600);
  assert.equal(config.get('log.dirs'), null);
  assert.equal(config.source('listeners'), 'DEFAULT_CONFIG');
});

test('the default-differences table names Kafka’s default and a reason for each difference', () => {
  assert.deepEqual(
    SAMSA_DEFAULT_DIFFERENCES.map((d) => [d.name, d.kafkaDefault, d.samsaDefault]),
    [
      ['listeners', 'PLAINTEXT://:9092', 'PLAINTEXT://127.0.0.1:9092'],
      ['log.dir', '/tmp/kafka-logs', 'samsa-data'],
      ['node.id', '-1', '1'],
      ['broker.id', '-1', '1'],
      ['offsets.topic.replication.factor', '3', '1'],
      ['transaction.state.log.replication.factor', '3', '1'],
      ['transaction.state.log.min.isr', '2', '1'],
    ],
  );
  for (const d of SAMSA_DEFAULT_DIFFERENCES) {
    assert.equal(d.kafkaDefault, BROKER_CONFIG_KEYS[d.name].default);
    assert.equal(brokerDefault(d.name), d.samsaDefault);
    assert.ok(d.reason.length > 40, d.name);
  }
  assert.equal(brokerDefault('num.partitions'), '1');
});

test('a properties file sets values; --override wins over the file; the last of each wins', () => {
  const file = propertiesFile(
    [
      '# a Kafka-style server.properties',
      'node.id=3',
      'num.partitions=4',
      'num.partitions=6',
      'log.dirs=/data/a, /data/b',
      'listeners=PLAINTEXT://0.0.0.0:19092,INTERNAL://127.0.0.1:19093',
      'advertised.listeners=PLAINTEXT://broker.example:19092',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,INTERNAL:plaintext',
      'log.cleanup.policy=compact, delete',
    ].join('\n'),
  );
  const config = loadBrokerConfig({
    file,
    overrides: ['num.partitions=8', 'auto.create.topics.enable=false', 'num.partitions=12'],
  });
  assert.equal(config.nodeId, 3);
  assert.equal(config.get('broker.id'), 3, 'broker.id follows node.id');
  assert.equal(config.get('num.partitions'), 12);
  assert.equal(config.get('auto.create.topics.enable'), false);
  assert.deepEqual(config.logDirs, ['/data/a', '/data/b']);
  assert.deepEqual(config.get('log.cleanup.policy'), ['compact', 'delete']);
  assert.deepEqual(
    config.listeners.map((e) => [e.listenerName, e.host, e.port]),
    [
      ['PLAINTEXT', '0.0.0.0', 19092],
      ['INTERNAL', '127.0.0.1', 19093],
    ],
  );
  assert.deepEqual(config.advertisedListeners, [
    {
      listenerName: 'PLAINTEXT',
      securityProtocol: 'PLAINTEXT',
      host: 'broker.example',
      port: 19092,
    },
  ]);
  assert.equal(config.source('num.partitions'), 'STATIC_BROKER_CONFIG');
  assert.equal(config.layers.staticBrokerConfigs.get('log.dirs'), '/data/a, /data/b');
});

test('broker.id alone sets node.id too; both set and different is a conflict', () => {
  assert.equal(loadBrokerConfig({ overrides: ['broker.id=7'] }).nodeId, 7);
  refuses(
    { overrides: ['node.id=2', 'broker.id=3'] },
    {
      code: 'SAMSA_ERR_CONFIG_CONFLICT',
      configName: 'broker.id',
      message:
        'node.id (2) and broker.id (3) must be equal; set only node.id (--override broker.id=3)',
    },
  );
  refuses(
    { overrides: ['node.id=-1'] },
    {
      code: 'SAMSA_ERR_CONFIG_INVALID_VALUE',
      configName: 'node.id',
      message: /Value must be at least 0/,
    },
  );
});

test('an unknown key is refused naming the file and line, with a hint where one helps', () => {
  const file = propertiesFile('node.id=1\n\n# retention\nlog.retention.hour=24\n');
  refuses(
    { file },
    {
      code: 'SAMSA_ERR_CONFIG_UNKNOWN_KEY',
      configName: 'log.retention.hour',
      message: `Unknown broker config log.retention.hour; did you mean log.retention.hours? (${file} line 4)`,
    },
  );
  refuses(
    { overrides: ['retention.ms=1000'] },
    {
      code: 'SAMSA_ERR_CONFIG_UNKNOWN_KEY',
      message:
        'Unknown broker config retention.ms; retention.ms is a topic config, whose broker default ' +
        'is log.retention.ms (--override retention.ms=1000)',
    },
  );
  refuses(
    { overrides: ['zookeeper.connect=localhost:2181'] },
    { code: 'SAMSA_ERR_CONFIG_UNKNOWN_KEY', message: /^Unknown broker config zookeeper.connect/ },
  );
  refuses(
    { overrides: ['leader.replication.throttled.rate=100'] },
    { code: 'SAMSA_ERR_CONFIG_UNKNOWN_KEY', message: /can only be set dynamically/ },
  );
  refuses(
    { overrides: ['listener.name.plaintext.no.such.key=1'] },
    { code: 'SAMSA_ERR_CONFIG_UNKNOWN_KEY', message: /no.such.key is not a broker config/ },
  );
});

test('listener-prefixed keys are checked against their base key', () => {
  const config = loadBrokerConfig({
    overrides: [
      'listener.name.plaintext.ssl.keystore.type=PKCS12',
      'listener.name.sasl_ssl.plain.sasl.jaas.config=secret',
    ],
  });
  assert.equal(config.setting('listener.name.plaintext.ssl.keystore.type')?.raw, 'PKCS12');
  refuses(
    { overrides: ['listener.name.plaintext.ssl.client.auth=always'] },
    {
      code: 'SAMSA_ERR_CONFIG_INVALID_VALUE',
      message: /String must be one of: required, requested, none/,
    },
  );
});

test('an invalid value is refused with Kafka’s message, the value and where it was written', () => {
  const file = propertiesFile('num.partitions=0\n');
  refuses(
    { file },
    {
      code: 'SAMSA_ERR_CONFIG_INVALID_VALUE',
      configName: 'num.partitions',
      message: `Invalid value 0 for configuration num.partitions: Value must be at least 1 (${file} line 1)`,
    },
  );
  refuses(
    { overrides: ['auto.create.topics.enable=yes'] },
    {
      code: 'SAMSA_ERR_CONFIG_INVALID_VALUE',
      message:
        'Invalid value yes for configuration auto.create.topics.enable: Expected value to be ' +
        'either true or false (--override auto.create.topics.enable=yes)',
    },
  );
  refuses(
    { overrides: ['log.segment.bytes=1GB'] },
    { code: 'SAMSA_ERR_CONFIG_INVALID_VALUE', message: /Not a number of type INT/ },
  );
});

test('rules between keys: listeners, advertised listeners, log dirs, topic defaults', () => {
  refuses(
    { overrides: ['listeners=localhost:9092'] },
    {
      code: 'SAMSA_ERR_CONFIG_INVALID_VALUE',
      configName: 'listeners',
      message: /Unable to parse localhost:9092 to a broker endpoint/,
    },
  );
  refuses(
    { overrides: ['listeners=PLAINTEXT://:9092,PLAINTEXT://:9093'] },
    { code: 'SAMSA_ERR_CONFIG_INVALID_VALUE', message: /Each listener must have a different name/ },
  );
  refuses(
    { overrides: ['listeners=PLAINTEXT://:9092,SSL://:9092'] },
    { code: 'SAMSA_ERR_CONFIG_INVALID_VALUE', message: /Each listener must have a different port/ },
  );
  refuses(
    { overrides: ['listeners=EXTERNAL://:9092'] },
    {
      code: 'SAMSA_ERR_CONFIG_INVALID_VALUE',
      message: /No security protocol defined for listener EXTERNAL/,
    },
  );
  refuses(
    { overrides: ['listeners=PLAINTEXT://0.0.0.0:9092'] },
    {
      code: 'SAMSA_ERR_CONFIG_INVALID_VALUE',
      configName: 'listeners',
      message: /cannot use the nonroutable meta-address 0.0.0.0/,
    },
  );
  refuses(
    { overrides: ['advertised.listeners=SSL://host:9093'] },
    {
      code: 'SAMSA_ERR_CONFIG_INVALID_VALUE',
      configName: 'advertised.listeners',
      message: /must be equal to or a subset/,
    },
  );
  refuses(
    { overrides: ['listener.security.protocol.map=PLAINTEXT:TLS'] },
    { code: 'SAMSA_ERR_CONFIG_INVALID_VALUE', message: /Invalid security protocol `TLS`/ },
  );
  refuses(
    { overrides: ['log.dirs= , '] },
    {
      code: 'SAMSA_ERR_CONFIG_INVALID_VALUE',
      configName: 'log.dirs',
      message: /At least one log directory/,
    },
  );
  refuses(
    { overrides: ['log.roll.ms=0'] },
    {
      code: 'SAMSA_ERR_CONFIG_INVALID_VALUE',
      configName: 'log.roll.ms',
      message:
        'Invalid value 0 for configuration log.roll.ms: Value must be at least 1, as it is the ' +
        'default of topic config segment.ms (--override log.roll.ms=0)',
    },
  );
  refuses(
    { overrides: ['log.cleaner.min.compaction.lag.ms=10', 'log.cleaner.max.compaction.lag.ms=5'] },
    {
      code: 'SAMSA_ERR_CONFIG_CONFLICT',
      message: /must not exceed log.cleaner.max.compaction.lag.ms/,
    },
  );
  refuses(
    { overrides: ['remote.log.storage.system.enable=true'] },
    { code: 'SAMSA_ERR_CONFIG_INVALID_VALUE', message: /Samsa has no tiered storage/ },
  );
  const ipv6 = loadBrokerConfig({ overrides: ['listeners=PLAINTEXT://[::1]:9092'] });
  assert.equal(ipv6.listeners[0]?.host, '::1');
});

test('file and argument problems have their own codes', () => {
  refuses(
    { file: join(dir, 'missing.properties') },
    {
      code: 'SAMSA_ERR_CONFIG_FILE_UNREADABLE',
      configName: null,
      message: /^Cannot read broker config file .*missing.properties/,
    },
  );
  assert.throws(() => parseOverride('num.partitions'), { code: 'SAMSA_ERR_CONFIG_SYNTAX' });
  assert.throws(() => parseOverride('=3'), { code: 'SAMSA_ERR_CONFIG_SYNTAX' });
  assert.deepEqual(parseOverride('log.dirs=a=b').value, 'a=b');
  assert.equal(parseOverride('ssl.cipher.suites=').value, '');
});

test('typed getters and the time-unit chains with the negative-retention rule', () => {
  const at = (...overrides: string[]) =>
    new BrokerConfig({
      staticBrokerConfigs: new Map(overrides.map((o) => o.split('=') as [string, string])),
    });
  assert.equal(at().logRetentionMs, 604_800_000);
  assert.equal(at('log.retention.hours=24').logRetentionMs, 86_400_000);
  assert.equal(at('log.retention.hours=24', 'log.retention.minutes=30').logRetentionMs, 1_800_000);
  assert.equal(at('log.retention.minutes=30', 'log.retention.ms=5000').logRetentionMs, 5000);
  assert.equal(at('log.retention.ms=-5').logRetentionMs, -1);
  assert.equal(at('log.retention.hours=-3').logRetentionMs, -1);
  assert.equal(at('log.roll.hours=2').logRollMs, 7_200_000);
  assert.equal(at('log.roll.jitter.hours=1').logRollJitterMs, 3_600_000);
  assert.equal(at().logFlushIntervalMs, Infinity);
  assert.equal(at('log.flush.scheduler.interval.ms=3000').logFlushIntervalMs, 3000);
  assert.equal(
    at('log.flush.interval.ms=10', 'log.flush.scheduler.interval.ms=3000').logFlushIntervalMs,
    10,
  );
  assert.equal(at().get('log.flush.interval.messages'), Infinity);
  assert.equal(at().text('log.flush.interval.messages'), '9223372036854775807');
  assert.equal(at().get('group.initial.rebalance.delay.ms'), 3000);
  assert.equal(at().get('transaction.max.timeout.ms'), 900000);
  assert.equal(at().get('fetch.max.bytes'), 57671680);
  assert.equal(at().get('compression.type'), 'producer');
  assert.deepEqual(at().get('group.coordinator.rebalance.protocols'), ['classic', 'consumer']);
});

test('dynamic layers take precedence over static, per-broker over cluster default', () => {
  const base = new BrokerConfig({ staticBrokerConfigs: new Map([['message.max.bytes', '2000']]) });
  const cluster = base.with({ dynamicDefaultConfigs: new Map([['message.max.bytes', '3000']]) });
  const node = cluster.with({ dynamicBrokerConfigs: new Map([['message.max.bytes', '4000']]) });
  assert.deepEqual(
    [base, cluster, node].map((c) => [c.get('message.max.bytes'), c.source('message.max.bytes')]),
    [
      [2000, 'STATIC_BROKER_CONFIG'],
      [3000, 'DYNAMIC_DEFAULT_BROKER_CONFIG'],
      [4000, 'DYNAMIC_BROKER_CONFIG'],
    ],
  );
});

test('a bad value in the file that an --override replaces is never validated, as in Kafka', () => {
  const file = propertiesFile(
    'num.partitions=oops\nlog.retention.hours=soon\nlog.retention.hours=24\n',
  );
  const config = loadBrokerConfig({ file, overrides: ['num.partitions=3'] });
  assert.equal(config.get('num.partitions'), 3);
  assert.equal(config.get('log.retention.hours'), 24);
  assert.throws(
    () => loadBrokerConfig({ file }),
    /Invalid value oops for configuration num\.partitions/,
  );
});
