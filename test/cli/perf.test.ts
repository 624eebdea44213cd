// samsa perf produce and perf consume against a live broker: their output parsed as scripts parse
// Kafka's perf tools — the producer's summary line with its percentiles, the consumer's CSV-style
// header and row — and checked for sense (counts, ordered percentiles), never for speed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker } from '../support/broker.js';
import { CLI_BROKER, samsa } from './helpers.js';

const PRODUCE_SUMMARY =
  /^(\d+) records sent, (\d+\.\d) records\/sec \((\d+\.\d\d) MB\/sec\), (\d+\.\d\d) ms avg latency, (\d+\.\d\d) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$/;
const PRODUCE_WINDOW =
  /^\d+ records sent, \d+\.\d records\/sec \(\d+\.\d\d MB\/sec\), \d+\.\d ms avg latency, \d+\.\d ms max latency\.$/;

test('perf produce prints Kafka’s summary line; perf consume Kafka’s header and row', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await samsa(['topics', '--create', '--topic', 'perf', '--partitions', '3', ...bs]);
    const produced = await samsa([
      'perf',
      'produce',
      '--topic',
      'perf',
      '--num-records',
      '5000',
      '--record-size',
      '100',
      '--throughput',
      '-1',
      '--producer-props',
      'acks=1',
      'linger.ms=2',
      'compression.type=lz4',
      ...bs,
    ]);
    assert.equal(produced.code, 0, produced.stderr);
    const lines = produced.stdout.trimEnd().split('\n');
    for (const l of lines.slice(0, -1)) assert.match(l, PRODUCE_WINDOW);
    const m = PRODUCE_SUMMARY.exec(lines.at(-1)!);
    assert.ok(m, lines.at(-1));
    const [records, perSec, mbPerSec, avg, max, p50, p95, p99, p999] = m.slice(1).map(Number);
    assert.equal(records, 5000);
    assert.ok(perSec! > 0 && mbPerSec! >= 0);
    assert.ok(avg! <= max!);
    assert.ok(p50! <= p95! && p95! <= p99! && p99! <= p999! && p999! <= max!);

    const throttled = await samsa([
      'perf',
      'produce',
      '--topic',
      'perf',
      '--num-records',
      '200',
      '--payload-monotonic',
      '--throughput',
      '1000',
      ...bs,
    ]);
    const t = PRODUCE_SUMMARY.exec(throttled.stdout.trimEnd().split('\n').at(-1)!);
    assert.ok(t, throttled.stdout);
    assert.equal(Number(t[1]), 200);
    assert.ok(Number(t[2]) <= 1100, `throttled to about 1000 records/sec, got ${t[2]}`);

    const consumed = await samsa([
      'perf',
      'consume',
      '--topic',
      'perf',
      '--messages',
      '5200',
      ...bs,
    ]);
    assert.equal(consumed.code, 0, consumed.stderr);
    const [header, row, ...rest] = consumed.stdout.trimEnd().split('\n');
    assert.equal(
      header,
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    );
    assert.deepEqual(rest, []);
    const cells = row!.split(', ');
    assert.equal(cells.length, 10);
    const date = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}$/;
    assert.match(cells[0]!, date);
    assert.match(cells[1]!, date);
    assert.match(cells[2]!, /^\d+\.\d{4}$/);
    // 5000 records of 100 bytes and 200 monotonic payloads ("0" … "199": 490 bytes).
    assert.equal(Number(cells[2]), Number(((5000 * 100 + 490) / 1048576).toFixed(4)));
    assert.equal(cells[4], '5200');
    assert.match(cells[6]!, /^\d+$/);
    assert.match(cells[7]!, /^\d+$/);

    const short = await samsa([
      'perf',
      'consume',
      '--topic',
      'perf',
      '--messages',
      '9999',
      '--timeout',
      '300',
      '--hide-header',
      '--group',
      'perf-short',
      ...bs,
    ]);
    const shortLines = short.stdout.trimEnd().split('\n');
    assert.equal(
      shortLines[0],
      'WARNING: Exiting before consuming the expected number of messages: timeout (300 ms) exceeded. You can use the --timeout option to increase the timeout.',
    );
    assert.equal(shortLines[1]!.split(', ')[4], '5200');
    // The perf consumer is a group member that commits: the group has no lag left.
    const lag = await samsa([
      'groups',
      '--describe',
      '--group',
      'perf-short',
      '--output',
      'json',
      ...bs,
    ]);
    const [group] = JSON.parse(lag.stdout) as { offsets: { lag: number }[] }[];
    assert.deepEqual(
      group!.offsets.map((o) => o.lag),
      [0, 0, 0],
    );
  }, CLI_BROKER);
});

test('perf: usage errors', async () => {
  const cases: [string[], string][] = [
    [['perf'], 'Name what to measure: samsa perf produce, or samsa perf consume'],
    [
      ['perf', 'produce', '--topic', 't', '--throughput', '-1', '--record-size', '10'],
      'Missing required option --num-records for perf produce',
    ],
    [
      ['perf', 'produce', '--topic', 't', '--num-records', '10', '--throughput', '-1'],
      'Exactly one of --record-size, --payload-file or --payload-monotonic is needed',
    ],
    [
      ['perf', 'produce', '--topic', 't', '--num-records', '10', '--record-size', '10'],
      'Missing required option --throughput for perf produce',
    ],
    [
      [
        'perf',
        'produce',
        '--topic',
        't',
        '--num-records',
        '0',
        '--record-size',
        '10',
        '--throughput',
        '1',
      ],
      '--num-records should be greater than zero',
    ],
    [
      ['perf', 'produce', '--topic', 't', '--messages', '5'],
      'Option --messages does not apply to perf produce',
    ],
    [['perf', 'consume', '--topic', 't'], 'Missing required option --messages for perf consume'],
    [
      ['perf', 'consume', '--topic', 't', '--messages', '1', '--reporting-interval', '0'],
      'Reporting interval must be greater than 0.',
    ],
    [
      [
        'perf',
        'produce',
        '--topic',
        't',
        '--num-records',
        '1',
        '--record-size',
        '1',
        '--throughput',
        '1',
        '--producer-props',
      ],
      'Option --producer-props needs at least one value (k=v ...)',
    ],
  ];
  for (const [argv, message] of cases) {
    const r = await samsa(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.stderr, `samsa perf: ${message}\n`, argv.join(' '));
  }
});
