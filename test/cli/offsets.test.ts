// samsa get-offsets, delete-records and api-versions against a live broker, with Kafka's
// layouts as golden text: topic:partition:offset, the delete-records report, NodeApiVersions.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { apiLineText, apiLines } from '../../src/cli/commands/api-versions.js';
import { parseOffsetJson } from '../../src/cli/commands/delete-records.js';
import { parseTime } from '../../src/cli/commands/get-offsets.js';
import { withBroker } from '../support/broker.js';
import { produce, samsa } from './helpers.js';

const records = (n: number, from: bigint): { value: Buffer; timestamp: bigint }[] =>
  Array.from({ length: n }, (_, i) => ({
    value: Buffer.from(`v${i}`),
    timestamp: from + BigInt(i),
  }));

test('get-offsets prints topic:partition:offset, sorted as Kafka sorts topic-partition names', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await samsa(['topics', '--create', '--topic', 'orders', '--partitions', '11', ...bs]);
    await produce(bootstrap, 'orders', 0, records(3, 1000n));
    await produce(bootstrap, 'orders', 10, records(5, 2000n));
    await produce(bootstrap, 'orders', 10, records(2, 3000n));

    const latest = await samsa(['get-offsets', '--topic', 'orders', ...bs]);
    assert.equal(latest.code, 0, latest.stderr);
    assert.equal(
      latest.stdout,
      [
        'orders:0:3',
        'orders:1:0',
        'orders:10:7',
        ...[2, 3, 4, 5, 6, 7, 8, 9].map((p) => `orders:${p}:0`),
        '',
      ].join('\n'),
    );
    assert.equal(
      (
        await samsa([
          'get-offsets',
          '--topic',
          'orders',
          '--partitions',
          '0,10',
          '--time',
          'earliest',
          ...bs,
        ])
      ).stdout,
      'orders:0:0\norders:10:0\n',
    );
    // By time: the first offset whose timestamp is at or after it; none after the last record.
    assert.equal(
      (await samsa(['get-offsets', '--topic-partitions', 'orders:10', '--time', '3000', ...bs]))
        .stdout,
      'orders:10:5\n',
    );
    assert.equal(
      (
        await samsa([
          'get-offsets',
          '--topic',
          'orders',
          '--partitions',
          '10',
          '--time',
          '9999',
          ...bs,
        ])
      ).stdout,
      '',
    );
    assert.equal(
      (await samsa(['get-offsets', '--topic-partitions', 'orders:0-1', '--time', '-3', ...bs]))
        .stdout,
      'orders:0:2\n',
    );
    const json = JSON.parse(
      (
        await samsa([
          'get-offsets',
          '--topic',
          'orders',
          '--partitions',
          '0',
          '--output',
          'json',
          ...bs,
        ])
      ).stdout,
    ) as unknown;
    assert.deepEqual(json, [{ topic: 'orders', partition: 0, offset: 3 }]);

    const none = await samsa(['get-offsets', '--topic', 'nope', ...bs]);
    assert.deepEqual(none, {
      code: 1,
      stdout: '',
      stderr:
        'samsa get-offsets: Could not match any topic-partitions with the specified filters\n',
    });
    const both = await samsa([
      'get-offsets',
      '--topic',
      'orders',
      '--topic-partitions',
      'orders:0',
      ...bs,
    ]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--topic-partitions cannot be used with --topic or --partitions/);
  });
});

test('time arguments and offset JSON files are parsed as Kafka parses them', () => {
  assert.equal(parseTime('latest'), -1n);
  assert.equal(parseTime('-2'), -2n);
  assert.equal(parseTime('max-timestamp'), -3n);
  assert.equal(parseTime('1700000000000'), 1700000000000n);
  assert.throws(() => parseTime('yesterday'), /Malformed time argument yesterday\./);
  assert.deepEqual(parseOffsetJson('{"partitions":[{"topic":"a","partition":0,"offset":-1}]}'), [
    { topic: 'a', partition: 0, offset: -1n },
  ]);
  assert.throws(() => parseOffsetJson('{'), /The input string is not a valid JSON/);
  assert.throws(
    () => parseOffsetJson('{"version":2,"partitions":[]}'),
    /Not supported version field value 2/,
  );
  assert.throws(() => parseOffsetJson('{"version":1}'), /Missing partitions field/);
  assert.throws(
    () =>
      parseOffsetJson(
        '{"partitions":[{"topic":"a","partition":0,"offset":1},{"topic":"a","partition":0,"offset":2}]}',
      ),
    /Offset json file contains duplicate topic partitions: a-0/,
  );
});

test('delete-records prints Kafka’s report; a failed partition makes the exit code 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-cli-'));
  try {
    await withBroker(async ({ bootstrap }) => {
      const bs = ['--bootstrap-server', bootstrap];
      await samsa(['topics', '--create', '--topic', 'orders', '--partitions', '2', ...bs]);
      await produce(bootstrap, 'orders', 0, records(5, 1000n));
      await produce(bootstrap, 'orders', 1, records(4, 1000n));
      const file = join(dir, 'delete.json');
      writeFileSync(
        file,
        JSON.stringify({
          partitions: [
            { topic: 'orders', partition: 0, offset: 3 },
            { topic: 'orders', partition: 1, offset: -1 },
          ],
          version: 1,
        }),
      );
      const ok = await samsa(['delete-records', '--offset-json-file', file, ...bs]);
      assert.deepEqual(ok, {
        code: 0,
        stdout:
          'Executing records delete operation\n' +
          'Records delete operation completed:\n' +
          'partition: orders-0\tlow_watermark: 3\n' +
          'partition: orders-1\tlow_watermark: 4\n',
        stderr: '',
      });
      assert.equal(
        (await samsa(['get-offsets', '--topic', 'orders', '--time', 'earliest', ...bs])).stdout,
        'orders:0:3\norders:1:4\n',
      );

      writeFileSync(
        file,
        JSON.stringify({
          partitions: [
            { topic: 'orders', partition: 0, offset: 99 },
            { topic: 'nope', partition: 0, offset: 1 },
          ],
        }),
      );
      const failed = await samsa(['delete-records', '--offset-json-file', file, ...bs]);
      assert.equal(failed.code, 1);
      assert.equal(
        failed.stdout,
        'Executing records delete operation\n' +
          'Records delete operation completed:\n' +
          'partition: orders-0\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.\n' +
          'partition: nope-0\terror: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n',
      );
      const missing = await samsa(['delete-records', ...bs]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /Missing required option --offset-json-file/);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('api-versions prints each broker in NodeApiVersions layout', async () => {
  await withBroker(async ({ bootstrap, port }) => {
    const run = await samsa(['api-versions', '--bootstrap-server', bootstrap]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], `127.0.0.1:${port} (id: 1 rack: null) -> (`);
    assert.equal(lines[1], '\tProduce(0): 0 to 11 [usable: 11],');
    assert.ok(lines.includes('\tFetch(1): 4 to 17 [usable: 17],'));
    assert.ok(lines.includes('\tOffsetDelete(47): 0 [usable: 0],'));
    assert.ok(lines.includes('\tLeaderAndIsr(4): UNSUPPORTED,'));
    assert.equal(lines.at(-2), ')');
    assert.match(lines.at(-3)!, /^\t\w+\(\d+\): .*[^,]$/, 'the last API has no comma');
    const json = JSON.parse(
      (await samsa(['api-versions', '--bootstrap-server', bootstrap, '--output', 'json'])).stdout,
    ) as {
      id: number;
      apis: { apiKey: number; status: string }[];
    }[];
    assert.equal(json[0]!.id, 1);
    assert.equal(json[0]!.apis.find((a) => a.apiKey === 18)!.status, 'usable');
  });
});

test('api-versions marks APIs Samsa does not know and versions it cannot use', () => {
  const lines = apiLines(
    new Map([
      [0, { min: 0, max: 99 }],
      [3, { min: 50, max: 60 }],
      [999, { min: 0, max: 2 }],
    ]),
  );
  const text = lines.map(apiLineText);
  assert.ok(text.includes('Produce(0): 0 to 99 [usable: 11]'));
  assert.ok(text.includes('Metadata(3): 50 to 60 [unusable: node too new]'));
  assert.ok(text.includes('UNKNOWN(999): 0 to 2'));
  assert.ok(text.includes('Fetch(1): UNSUPPORTED'));
});
