// samsa produce and samsa consume against a live broker: lines → records with keys, headers,
// null markers and every codec; keys on the partitions Kafka's partitioner picks; the formatter's
// fields in Kafka's order; --partition/--offset, --include, --max-messages, --timeout-ms; a real
// group member (classic and KIP-848) that commits what it printed; read_committed; the prompt on a
// terminal; and the error paths with their messages and exit codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { partitionForKey } from '../../src/cli/client/index.js';
import { withBroker } from '../support/broker.js';
import { CLI_BROKER, samsa } from './helpers.js';

const maskTimes = (text: string): string => text.replace(/CreateTime:\d+/g, 'CreateTime:<ts>');

test('produce: keys go to the partitions Kafka’s murmur2 partitioner picks; headers, null.marker, every codec', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await samsa(['topics', '--create', '--topic', 'orders', '--partitions', '4', ...bs]);
    const keys = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    const produced = await samsa(
      [
        'produce',
        '--topic',
        'orders',
        '--property',
        'parse.key=true',
        '--property',
        'key.separator=:',
        ...bs,
      ],
      { stdin: keys.map((k) => `${k}:v-${k}\n`).join('') },
    );
    assert.deepEqual(produced, { code: 0, stdout: '', stderr: '' });
    for (let p = 0; p < 4; p++) {
      const r = await samsa([
        'consume',
        '--topic',
        'orders',
        '--partition',
        String(p),
        '--offset',
        'earliest',
        '--timeout-ms',
        '300',
        '--property',
        'print.key=true',
        ...bs,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const expected = keys.filter((k) => partitionForKey(Buffer.from(k), 4) === p);
      assert.equal(r.stdout, expected.map((k) => `${k}\tv-${k}\n`).join(''), `partition ${p}`);
      assert.equal(r.stderr, `Processed a total of ${expected.length} messages\n`);
    }

    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd', 'none']) {
      const topic = `codec-${codec}`;
      await samsa(['topics', '--create', '--topic', topic, '--partitions', '1', ...bs]);
      const input = 'h1:v1,h2:NULL\tk1\tone\nNULL\tNULL\tNULL\nh3:x:y\tk3\tthree\n';
      const r = await samsa(
        [
          'produce',
          '--topic',
          topic,
          '--compression-codec',
          codec,
          '--property',
          'parse.headers=true',
          '--property',
          'parse.key=true',
          '--property',
          'null.marker=NULL',
          ...bs,
        ],
        { stdin: input },
      );
      assert.equal(r.code, 0, r.stderr);
      const out = await samsa([
        'consume',
        '--topic',
        topic,
        '--from-beginning',
        '--max-messages',
        '3',
        ...[
          'print.timestamp',
          'print.partition',
          'print.offset',
          'print.headers',
          'print.key',
        ].flatMap((p) => ['--property', `${p}=true`]),
        ...bs,
      ]);
      assert.equal(
        maskTimes(out.stdout),
        [
          'CreateTime:<ts>\tPartition:0\tOffset:0\th1:v1,h2:null\tk1\tone',
          'CreateTime:<ts>\tPartition:0\tOffset:1\tNO_HEADERS\tnull\tnull',
          'CreateTime:<ts>\tPartition:0\tOffset:2\th3:x:y\tk3\tthree',
          '',
        ].join('\n'),
        codec,
      );
      assert.equal(out.stderr, 'Processed a total of 3 messages\n');
      // The batch on disk carries the codec asked for.
      const dump = await samsa(['get-offsets', '--topic', topic, ...bs]);
      assert.equal(dump.stdout, `${topic}:0:3\n`);
    }

    // --sync and acks=1, idempotence, --producer.config style properties.
    const sync = await samsa(
      ['produce', '--topic', 'orders', '--sync', '--request-required-acks', '1', ...bs],
      { stdin: 'a\nb\n' },
    );
    assert.equal(sync.code, 0, sync.stderr);
    const idem = await samsa(
      ['produce', '--topic', 'orders', '--producer-property', 'enable.idempotence=true', ...bs],
      { stdin: 'c\nd\ne\n' },
    );
    assert.equal(idem.code, 0, idem.stderr);
    const total = await samsa(['get-offsets', '--topic', 'orders', ...bs]);
    const sum = total.stdout
      .trim()
      .split('\n')
      .reduce((n, l) => n + Number(l.split(':')[2]), 0);
    assert.equal(sum, 12 + 2 + 3);
  }, CLI_BROKER);
});

test('produce: a ">" prompt before each line on a terminal only', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap, '--topic', 'orders'];
    const tty = await samsa(['produce', ...bs], { tty: true, stdin: 'one\ntwo\n' });
    assert.equal(tty.code, 0, tty.stderr);
    assert.equal(tty.stdout, '>>>');
    const piped = await samsa(['produce', ...bs], { stdin: 'three\n' });
    assert.equal(piped.stdout, '');
  }, CLI_BROKER);
});

test('produce: a failed record is one line naming the topic and sizes, exit 1; a bad line stops the input', async () => {
  await withBroker(
    async ({ bootstrap }) => {
      const bs = ['--bootstrap-server', bootstrap];
      await samsa([
        'topics',
        '--create',
        '--topic',
        'small',
        '--config',
        'max.message.bytes=200',
        ...bs,
      ]);
      const big = 'x'.repeat(400);
      const r = await samsa(
        ['produce', '--topic', 'small', '--producer-property', 'linger.ms=0', '--sync', ...bs],
        {
          stdin: `ok\n${big}\nnever\n`,
        },
      );
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /^samsa produce: Error when sending message to topic small with key: null, value: 400 bytes with error: .*\(MESSAGE_TOO_LARGE\)\n$/,
      );
      assert.equal((await samsa(['get-offsets', '--topic', 'small', ...bs])).stdout, 'small:0:1\n');

      const missing = await samsa(['produce', '--topic', 'nope', ...bs], { stdin: 'hello\n' });
      assert.equal(missing.code, 1);
      assert.equal(
        missing.stderr,
        "samsa produce: Error when sending message to topic nope with key: null, value: 5 bytes with error: Topic 'nope' does not exist (UNKNOWN_TOPIC_OR_PARTITION)\n",
      );

      const bad = await samsa(
        ['produce', '--topic', 'small', '--property', 'parse.key=true', ...bs],
        { stdin: 'k\tv\nno tab here\n' },
      );
      assert.equal(bad.code, 1);
      assert.equal(
        bad.stderr,
        "samsa produce: No key separator found on line number 2: 'no tab here'\n",
      );

      const usage = await samsa([
        'produce',
        '--topic',
        'small',
        '--compression-codec',
        'brotli',
        ...bs,
      ]);
      assert.equal(usage.code, 2);
      assert.equal(
        usage.stderr,
        'samsa produce: Invalid value brotli for --compression-codec: String must be one of: none, gzip, snappy, lz4, zstd\n',
      );
      const noTopic = await samsa(['produce', ...bs]);
      assert.equal(noTopic.code, 2);
      assert.equal(noTopic.stderr, 'samsa produce: Missing required option --topic\n');
      const idem = await samsa([
        'produce',
        '--topic',
        'small',
        '--producer-property',
        'enable.idempotence=true',
        '--request-required-acks',
        '1',
        ...bs,
      ]);
      assert.equal(idem.code, 2);
      assert.match(idem.stderr, /Must set acks to all in order to use the idempotent producer/);
    },
    { overrides: { ...CLI_BROKER.overrides, 'auto.create.topics.enable': false } },
  );
});

test('consume: --partition/--offset, --include, --max-messages leaves the rest for the next reader', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    for (const t of ['orders', 'order-events', 'users']) {
      await samsa(['topics', '--create', '--topic', t, '--partitions', '1', ...bs]);
      await samsa(['produce', '--topic', t, ...bs], { stdin: `${t}-0\n${t}-1\n${t}-2\n` });
    }
    const at = await samsa([
      'consume',
      '--topic',
      'orders',
      '--partition',
      '0',
      '--offset',
      '1',
      '--timeout-ms',
      '300',
      '--property',
      'print.offset=true',
      ...bs,
    ]);
    assert.equal(at.stdout, 'Offset:1\torders-1\nOffset:2\torders-2\n');
    const latest = await samsa([
      'consume',
      '--topic',
      'orders',
      '--partition',
      '0',
      '--timeout-ms',
      '300',
      ...bs,
    ]);
    assert.equal(latest.stdout, '');
    assert.equal(latest.stderr, 'Processed a total of 0 messages\n');
    const included = await samsa([
      'consume',
      '--include',
      'order.*',
      '--from-beginning',
      '--timeout-ms',
      '500',
      ...bs,
    ]);
    assert.deepEqual(included.stdout.trim().split('\n').sort(), [
      'order-events-0',
      'order-events-1',
      'order-events-2',
      'orders-0',
      'orders-1',
      'orders-2',
    ]);
    // A group member prints two records, commits them, leaves; the next member goes on from there.
    const first = await samsa([
      'consume',
      '--topic',
      'users',
      '--group',
      'readers',
      '--from-beginning',
      '--max-messages',
      '2',
      ...bs,
    ]);
    assert.equal(first.stdout, 'users-0\nusers-1\n');
    assert.equal(first.stderr, 'Processed a total of 2 messages\n');
    const next = await samsa([
      'consume',
      '--topic',
      'users',
      '--group',
      'readers',
      '--from-beginning',
      '--timeout-ms',
      '500',
      ...bs,
    ]);
    assert.equal(next.stdout, 'users-2\n');
    const json = await samsa([
      'consume',
      '--topic',
      'users',
      '--partition',
      '0',
      '--offset',
      'earliest',
      '--max-messages',
      '1',
      '--output',
      'json',
      ...bs,
    ]);
    const parsed = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.deepEqual(
      { ...parsed, timestamp: 0 },
      {
        topic: 'users',
        partition: 0,
        offset: 0,
        timestamp: 0,
        timestampType: 'CreateTime',
        key: null,
        value: 'users-0',
        headers: [],
      },
    );
  }, CLI_BROKER);
});

test('consume --group with group.protocol=consumer (KIP-848) commits and leaves', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await samsa(['topics', '--create', '--topic', 'orders', '--partitions', '3', ...bs]);
    await samsa(['produce', '--topic', 'orders', '--property', 'parse.key=true', ...bs], {
      stdin: Array.from({ length: 9 }, (_, i) => `k${i}\tv${i}\n`).join(''),
    });
    const kip848 = ['--consumer-property', 'group.protocol=consumer'];
    const r = await samsa([
      'consume',
      '--topic',
      'orders',
      '--group',
      'modern',
      '--from-beginning',
      '--max-messages',
      '9',
      ...kip848,
      ...bs,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').sort().join(','), 'v0,v1,v2,v3,v4,v5,v6,v7,v8');
    const listed = await samsa(['groups', '--list', '--type', ...bs]);
    assert.match(listed.stdout, /^modern\s+Consumer\s*$/m);
    const lag = await samsa([
      'groups',
      '--describe',
      '--group',
      'modern',
      '--output',
      'json',
      ...bs,
    ]);
    const [group] = JSON.parse(lag.stdout) as { offsets: { lag: number }[]; state: string }[];
    assert.equal(group!.state, 'Empty');
    assert.deepEqual(
      group!.offsets.map((o) => o.lag),
      [0, 0, 0],
    );
  }, CLI_BROKER);
});

test('consume --isolation-level read_committed hides an aborted transaction', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await samsa(['topics', '--create', '--topic', 'txn', '--partitions', '1', ...bs]);
    const kafka = new Kafka({
      clientId: 'cli-test',
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    const producer = kafka.producer({
      transactionalId: 'cli-txn',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic: 'txn', messages: [{ value: 'kept-1' }, { value: 'kept-2' }] });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic: 'txn', messages: [{ value: 'dropped' }] });
      await aborted.abort();
      const last = await producer.transaction();
      await last.send({ topic: 'txn', messages: [{ value: 'kept-3' }] });
      await last.commit();
    } finally {
      await producer.disconnect();
    }
    const consume = (level: string) =>
      samsa([
        'consume',
        '--topic',
        'txn',
        '--from-beginning',
        '--timeout-ms',
        '500',
        '--isolation-level',
        level,
        ...bs,
      ]);
    assert.equal((await consume('read_committed')).stdout, 'kept-1\nkept-2\nkept-3\n');
    assert.equal((await consume('read_uncommitted')).stdout, 'kept-1\nkept-2\ndropped\nkept-3\n');
  }, CLI_BROKER);
});

test('consume: usage errors with Kafka’s messages (exit 2); a missing topic (exit 1)', async () => {
  await withBroker(
    async ({ bootstrap }) => {
      const bs = ['--bootstrap-server', bootstrap];
      const cases: [string[], string][] = [
        [['--topic', 'a', '--include', 'b'], 'Exactly one of --include/--topic is required.'],
        [[], 'Exactly one of --include/--topic is required.'],
        [
          ['--include', 'a', '--partition', '0'],
          'The topic is required when partition is specified.',
        ],
        [['--topic', 'a', '--offset', '3'], 'The partition is required when offset is specified.'],
        [
          ['--topic', 'a', '--partition', '0', '--offset', '3', '--from-beginning'],
          'Options from-beginning and offset cannot be specified together.',
        ],
        [
          ['--topic', 'a', '--partition', '0', '--group', 'g'],
          'Options group and partition cannot be specified together.',
        ],
        [
          ['--topic', 'a', '--partition', '0', '--offset', 'soon'],
          "The provided offset value 'soon' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.",
        ],
        [
          ['--topic', 'a', '--from-beginning', '--consumer-property', 'auto.offset.reset=latest'],
          "Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option",
        ],
        [
          ['--topic', 'a', '--group', 'g1', '--consumer-property', 'group.id=g2'],
          "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: 'g1', 'g2'",
        ],
        [
          ['--topic', 'a', '--max-messages', 'ten'],
          '--max-messages expects an integer, but got "ten"',
        ],
        [
          ['--topic', 'a', '--isolation-level', 'serializable'],
          'Invalid value serializable for --isolation-level: read_committed or read_uncommitted',
        ],
      ];
      for (const [argv, message] of cases) {
        const r = await samsa(['consume', ...argv, ...bs]);
        assert.equal(r.code, 2, argv.join(' '));
        assert.equal(r.stderr, `samsa consume: ${message}\n`, argv.join(' '));
      }
      const missing = await samsa(['consume', '--topic', 'nope', '--timeout-ms', '100', ...bs]);
      assert.equal(missing.code, 1);
      assert.equal(
        missing.stderr,
        "samsa consume: Topic 'nope' does not exist (UNKNOWN_TOPIC_OR_PARTITION)\nProcessed a total of 0 messages\n",
      );
    },
    { overrides: { ...CLI_BROKER.overrides, 'auto.create.topics.enable': false } },
  );
});
