// The pure pieces behind samsa produce and consume: Kafka's murmur2 and default partitioner
// (checked against the values in Kafka's own UtilsTest), the range assignor, LineMessageReader's
// parsing and DefaultMessageFormatter's field order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeAssignment,
  encodeAssignment,
  murmur2,
  partitionForKey,
  rangeAssign,
  type ConsumerRecord,
} from '../../src/cli/client/index.js';
import { LineMessageReader } from '../../src/cli/commands/line-reader.js';
import { DefaultMessageFormatter } from '../../src/cli/commands/message-formatter.js';
import { fixed, formatDate, ProducerStats } from '../../src/cli/commands/perf-stats.js';
import {
  parseDateTime,
  parseDuration,
  parseResetPlan,
} from '../../src/cli/commands/groups-reset.js';

test('murmur2 gives the values of Kafka’s UtilsTest.testMurmur2', () => {
  const cases: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, expected] of cases) assert.equal(murmur2(Buffer.from(key)), expected, key);
});

test('a key’s partition is toPositive(murmur2(key)) % partitions, as Kafka’s partitioner picks it', () => {
  // toPositive clears the sign bit; it is not Math.abs.
  assert.equal(partitionForKey(Buffer.from('21'), 1000), (-973932308 & 0x7fffffff) % 1000);
  assert.equal(partitionForKey(Buffer.from('foobar'), 7), (-790332482 & 0x7fffffff) % 7);
  assert.equal(partitionForKey(Buffer.from('abc'), 3), 479470107 % 3);
  for (let i = 0; i < 200; i++) {
    const p = partitionForKey(Buffer.from(`key-${i}`), 6);
    assert.ok(p >= 0 && p < 6);
  }
});

test('the range assignor splits each topic’s partitions in contiguous ranges, extras first', () => {
  const plan = rangeAssign(
    [
      { memberId: 'b', groupInstanceId: null, topics: ['orders', 'users'] },
      { memberId: 'a', groupInstanceId: null, topics: ['orders'] },
      { memberId: 'c', groupInstanceId: null, topics: ['orders', 'users'] },
    ],
    new Map([
      ['orders', 7],
      ['users', 3],
    ]),
  );
  const flat = (id: string): string[] => plan.get(id)!.map((p) => `${p.topic}-${p.partition}`);
  assert.deepEqual(flat('a'), ['orders-0', 'orders-1', 'orders-2']);
  assert.deepEqual(flat('b'), ['orders-3', 'orders-4', 'users-0', 'users-1']);
  assert.deepEqual(flat('c'), ['orders-5', 'orders-6', 'users-2']);
  assert.deepEqual(decodeAssignment(encodeAssignment(plan.get('b')!)), plan.get('b'));
  assert.deepEqual(decodeAssignment(Buffer.alloc(0)), []);
});

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

test('LineMessageReader: value only, key<sep>value, headers<delim>key<sep>value, null.marker', () => {
  const plain = new LineMessageReader(new Map());
  assert.deepEqual(plain.parse('hello\tworld', 1), {
    key: null,
    value: Buffer.from('hello\tworld'),
    headers: [],
  });
  const keyed = new LineMessageReader(
    new Map([
      ['parse.key', 'true'],
      ['key.separator', ':'],
    ]),
  );
  const r = keyed.parse('k1:v:1', 1);
  assert.equal(text(r.key), 'k1');
  assert.equal(text(r.value), 'v:1');
  assert.throws(() => keyed.parse('no-separator', 7), {
    message: "No key separator found on line number 7: 'no-separator'",
  });
  const all = new LineMessageReader(
    new Map([
      ['parse.key', 'true'],
      ['parse.headers', 'true'],
      ['null.marker', 'NULL'],
    ]),
  );
  const h = all.parse('h1:v1,h2:NULL,h3:a:b\tNULL\tNULL', 1);
  assert.equal(h.key, null);
  assert.equal(h.value, null);
  assert.deepEqual(
    h.headers.map((x) => [x.key, text(x.value)]),
    [
      ['h1', 'v1'],
      ['h2', null],
      ['h3', 'a:b'],
    ],
  );
  assert.deepEqual(all.parse('NULL\tk\tv', 1).headers, []);
  assert.throws(() => all.parse('h1\tk\tv', 3), {
    message: "No header key separator found in pair 'h1' on line number 3",
  });
  const lenient = new LineMessageReader(
    new Map([
      ['parse.key', 'true'],
      ['ignore.error', 'true'],
    ]),
  );
  assert.equal(lenient.parse('just a value', 1).key, null);
  assert.throws(
    () => new LineMessageReader(new Map([['headers.separator', '\t']])),
    /headers.delimiter and headers.separator may not be equal/,
  );
  assert.throws(
    () => new LineMessageReader(new Map([['null.marker', '\t']])),
    /null.marker and key.separator may not be equal/,
  );
});

function record(over: Partial<ConsumerRecord> = {}): ConsumerRecord {
  return {
    topic: 'orders',
    partition: 0,
    offset: 42n,
    timestamp: 1700000000000n,
    timestampType: 'CreateTime',
    key: Buffer.from('user-7'),
    value: Buffer.from('{"x":1}'),
    headers: [{ key: 'h1', value: Buffer.from('v1') }],
    leaderEpoch: 0,
    ...over,
  };
}

function format(props: Record<string, string>, r: ConsumerRecord = record()): string {
  const parts: Buffer[] = [];
  new DefaultMessageFormatter(new Map(Object.entries(props))).format(r, parts);
  return Buffer.concat(parts).toString('utf8');
}

test('DefaultMessageFormatter prints its fields in Kafka’s fixed order, each followed by key.separator', () => {
  assert.equal(format({}), '{"x":1}\n');
  const every = {
    'print.value': 'true',
    'print.key': 'true',
    'print.headers': 'true',
    'print.offset': 'true',
    'print.partition': 'true',
    'print.timestamp': 'true',
  };
  // The order of the properties does not matter; Kafka's field order does.
  assert.equal(
    format(every),
    'CreateTime:1700000000000\tPartition:0\tOffset:42\th1:v1\tuser-7\t{"x":1}\n',
  );
  assert.equal(
    format({ ...every, 'print.epoch': 'true', 'print.delivery': 'true' }),
    'CreateTime:1700000000000\tPartition:0\tOffset:42\tDelivery:NOT_PRESENT\tEpoch:NOT_PRESENT\th1:v1\tuser-7\t{"x":1}\n',
  );
  assert.equal(
    format(
      {
        'print.key': 'true',
        'print.headers': 'true',
        'key.separator': ' | ',
        'line.separator': ';',
      },
      record({ key: null, headers: [] }),
    ),
    'NO_HEADERS | null | {"x":1};',
  );
  assert.equal(
    format(
      { 'print.headers': 'true', 'headers.separator': '&', 'null.literal': '<nil>' },
      record({
        value: null,
        timestampType: 'LogAppendTime',
        headers: [
          { key: 'a', value: null },
          { key: 'b', value: Buffer.from('2') },
        ],
      }),
    ),
    'a:<nil>&b:2\t<nil>\n',
  );
  assert.equal(
    format(
      { 'print.timestamp': 'true', 'print.value': 'false' },
      record({ timestampType: 'LogAppendTime' }),
    ),
    'LogAppendTime:1700000000000\n',
  );
  assert.equal(format({ 'print.value': 'false' }), '');
});

test('perf numbers print as Java prints them; percentiles are Kafka’s sorted samples', () => {
  assert.equal(fixed(2.5, 0), '3');
  assert.equal(fixed(0.125, 2), '0.13');
  assert.equal(fixed(9998.04, 1), '9998.0');
  assert.equal(fixed(Number.NaN, 4), 'NaN');
  assert.equal(fixed(Number.POSITIVE_INFINITY, 4), 'Infinity');
  const lines: string[] = [];
  const stats = new ProducerStats(1000, 60_000, (l) => lines.push(l));
  for (let i = 1; i <= 1000; i++) stats.record(i, 100, Date.now());
  assert.deepEqual(stats.percentiles([0.5, 0.95, 0.99, 0.999]), [501, 951, 991, 1000]);
  assert.equal(
    formatDate(
      Date.UTC(2024, 0, 2, 3, 4, 5, 6) + new Date().getTimezoneOffset() * 60_000,
      'yyyy-MM-dd HH:mm:ss:SSS',
    ),
    '2024-01-02 03:04:05:006',
  );
});

test('reset-offsets parses Kafka’s datetime, duration and CSV plan formats', () => {
  assert.equal(parseDateTime('2024-05-01T00:00:00.000'), Date.UTC(2024, 4, 1));
  assert.equal(parseDateTime('2024-05-01T02:00:00.000+02:00'), Date.UTC(2024, 4, 1));
  assert.equal(parseDateTime('2024-05-01T00:00:00.000-0130'), Date.UTC(2024, 4, 1, 1, 30));
  assert.equal(parseDateTime('2024-05-01T00:00:00.000Z'), Date.UTC(2024, 4, 1));
  assert.throws(() => parseDateTime('2024-05-01'), /Invalid --to-datetime/);
  assert.throws(() => parseDateTime('2024-02-30T00:00:00.000'), /Invalid --to-datetime/);
  assert.equal(parseDuration('PT1H'), 3_600_000);
  assert.equal(parseDuration('P1DT2H3M4.5S'), 86_400_000 + 7_200_000 + 180_000 + 4_500);
  assert.equal(parseDuration('PT0.5S'), 500);
  assert.throws(() => parseDuration('1h'), /Invalid --by-duration/);
  assert.throws(() => parseDuration('PT'), /Invalid --by-duration/);
  assert.deepEqual(parseResetPlan('orders,0,5\norders,1,7\n', ['g1']).get('g1'), [
    { topic: 'orders', partition: 0, offset: 5n },
    { topic: 'orders', partition: 1, offset: 7n },
  ]);
  const multi = parseResetPlan('g1,orders,0,5\ng2,orders,0,9\n', ['g1', 'g2']);
  assert.deepEqual([...multi.keys()], ['g1', 'g2']);
  assert.throws(() => parseResetPlan('orders,x,5\n', ['g1']), /Invalid line in --from-file/);
});
