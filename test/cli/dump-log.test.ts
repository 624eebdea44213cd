// samsa dump-log on segment files a live broker wrote, read offline after it stopped:
// DumpLogSegments' batch, record and index lines as golden text, the CRC check, a torn tail.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32c } from '../../src/protocol/records/index.js';
import { startBroker } from '../support/broker.js';
import { produce, samsa } from './helpers.js';
import { removeDataDir } from '../support/child-broker.js';

const T = 1_700_000_000_000n;

test('dump-log prints batches, records, index entries and the CRC check in Kafka’s layout', async () => {
  const broker = await startBroker({ overrides: { 'log.index.interval.bytes': 1 } });
  const dir = join(broker.dataDir, 'orders-0');
  try {
    await samsa([
      'topics',
      '--create',
      '--topic',
      'orders',
      '--bootstrap-server',
      broker.bootstrap,
    ]);
    await produce(broker.bootstrap, 'orders', 0, [
      { key: Buffer.from('k1'), value: Buffer.from('hello'), timestamp: T },
      {
        key: null,
        value: Buffer.from('world'),
        timestamp: T + 1n,
        headers: [{ key: 'h1', value: Buffer.from('x') }],
      },
    ]);
    await produce(broker.bootstrap, 'orders', 0, [
      { key: Buffer.from('k3'), value: null, timestamp: T + 5n },
    ]);
  } finally {
    await broker.stop({ keepData: true });
  }
  try {
    const log = join(dir, '00000000000000000000.log');
    const bytes = readFileSync(log);
    const firstSize = 12 + bytes.readInt32BE(8);
    const crc1 = bytes.readUInt32BE(17);
    const crc2 = bytes.readUInt32BE(firstSize + 17);
    assert.equal(crc32c(bytes.subarray(21, firstSize)), crc1);
    const secondSize = bytes.length - firstSize;

    const shallow = await samsa(['dump-log', '--files', log]);
    assert.equal(shallow.code, 0, shallow.stderr);
    const batch1 =
      'baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 ' +
      'partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty ' +
      `position: 0 CreateTime: ${T + 1n} size: ${firstSize} magic: 2 compresscodec: none crc: ${crc1} isvalid: true`;
    const batch2 =
      'baseOffset: 2 lastOffset: 2 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 ' +
      'partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty ' +
      `position: ${firstSize} CreateTime: ${T + 5n} size: ${secondSize} magic: 2 compresscodec: none crc: ${crc2} isvalid: true`;
    assert.equal(shallow.stdout, `Dumping ${log}\nLog starting offset: 0\n${batch1}\n${batch2}\n`);

    const deep = await samsa(['dump-log', '--files', log, '--print-data-log']);
    assert.equal(
      deep.stdout,
      [
        `Dumping ${log}`,
        'Log starting offset: 0',
        batch1,
        `| offset: 0 CreateTime: ${T} keySize: 2 valueSize: 5 sequence: -1 headerKeys: [] key: k1 payload: hello`,
        `| offset: 1 CreateTime: ${T + 1n} keySize: -1 valueSize: 5 sequence: -1 headerKeys: [h1] payload: world`,
        batch2,
        `| offset: 2 CreateTime: ${T + 5n} keySize: 2 valueSize: -1 sequence: -1 headerKeys: [] key: k3`,
        '',
      ].join('\n'),
    );
    const metadataLess = await samsa([
      'dump-log',
      '--files',
      log,
      '--print-data-log',
      '--skip-record-metadata',
    ]);
    assert.match(metadataLess.stdout, /^\| key: k1 payload: hello$/m);

    const index = join(dir, '00000000000000000000.index');
    const timeindex = join(dir, '00000000000000000000.timeindex');
    const indexes = await samsa(['dump-log', '--files', `${index},${timeindex}`]);
    assert.equal(indexes.code, 0);
    assert.equal(
      indexes.stdout,
      [
        `Dumping ${index}`,
        // As in Kafka, a batch is indexed once more than index.interval.bytes came before it.
        `offset: 2 position: ${firstSize}`,
        `Dumping ${timeindex}`,
        `timestamp: ${T + 5n} offset: 2`,
        '',
      ].join('\n'),
    );
    assert.equal(indexes.stderr, '', 'the index entries match the log');

    const json = JSON.parse(
      (await samsa(['dump-log', '--files', log, '--deep-iteration', '--output', 'json'])).stdout,
    ) as {
      batches: { isValid: boolean; records: { offset: number }[] }[];
    }[];
    assert.deepEqual(
      json[0]!.batches.map((b) => [b.isValid, b.records.map((r) => r.offset)]),
      [
        [true, [0, 1]],
        [true, [2]],
      ],
    );

    // A flipped byte fails the CRC; a torn tail is reported as invalid bytes.
    const corrupt = Buffer.from(bytes);
    corrupt[firstSize - 1] = corrupt[firstSize - 1]! ^ 0xff;
    writeFileSync(log, corrupt);
    appendFileSync(log, Buffer.from([0, 0, 0, 0, 0, 0, 0, 9, 0, 0]));
    const damaged = await samsa(['dump-log', '--files', log]);
    assert.match(damaged.stdout, /^baseOffset: 0 .* isvalid: false$/m);
    assert.match(damaged.stdout, /^baseOffset: 2 .* isvalid: true$/m);
    assert.match(
      damaged.stdout,
      /^Found 10 invalid bytes at the end of 00000000000000000000\.log$/m,
    );

    const missing = await samsa(['dump-log', '--files', join(dir, 'nope.log')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read .*nope\.log: ENOENT/);
    const unknownKind = await samsa(['dump-log', '--files', join(dir, 'leader-epoch-checkpoint')]);
    assert.match(unknownKind.stderr, /^Ignoring unknown file /);
  } finally {
    removeDataDir(broker.dataDir);
  }
});
