// LogValidator through UnifiedLog.appendAsLeader: every rejection path with Kafka's error name
// (and RecordErrors where Kafka reports them), a rejected append leaving the log untouched, the
// LogAppendTime rewrite, and compression.type recompression keeping the records equal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KafkaError, toErrorCode } from '../../src/errors/kafka-error.js';
import { CompressionType } from '../../src/protocol/compression/index.js';
import {
  ATTRIBUTES_OFFSET,
  CRC_OFFSET,
  RECORDS_OFFSET,
  RecordBatch,
  TimestampType,
  buildEndTransactionMarkerBatch,
  buildRecordBatch,
  crc32c,
  ControlRecordType,
  type KafkaRecord,
} from '../../src/protocol/records/index.js';
import type { LogConfig, TopicCompressionType } from '../../src/storage/log-config.js';
import { RecordValidationError } from '../../src/storage/storage-errors.js';
import type { UnifiedLog } from '../../src/storage/unified-log.js';
import { ManualClock, batch, openLog, readAllBatches, tempDir } from './helpers.js';

const NOW = 1_700_000_000_000;

function log(config: Partial<LogConfig> = {}): UnifiedLog {
  return openLog(`${tempDir()}/orders-0`, new ManualClock(NOW), config);
}

function fixCrc(buf: Buffer): Buffer {
  buf.writeUInt32BE(crc32c(buf.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return buf;
}

async function rejects(
  l: UnifiedLog,
  records: Buffer,
  name: string,
  pattern?: RegExp,
  origin: 'client' | 'coordinator' = 'client',
): Promise<KafkaError> {
  let caught: unknown;
  try {
    await l.appendAsLeader(records, { leaderEpoch: 0, origin });
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof KafkaError, `expected ${name}, got ${String(caught)}`);
  assert.equal(caught.errorName, name, caught.message);
  if (pattern) assert.match(caught.message, pattern);
  assert.equal(l.logEndOffset, 0n, 'a rejected append writes nothing');
  return caught;
}

function comparable(records: readonly KafkaRecord[]): unknown[] {
  return records.map((r) => ({
    key: r.key,
    value: r.value,
    headers: r.headers,
    timestamp: r.timestamp,
    offsetDelta: r.offsetDelta,
  }));
}

describe('append validation', () => {
  it('rejects magic other than 2 with INVALID_RECORD', async () => {
    const b = batch();
    b.writeInt8(1, 16);
    await rejects(log(), b, 'INVALID_RECORD', /magic 1/);
  });

  it('rejects empty, truncated and oversized-length input with CORRUPT_MESSAGE or INVALID_RECORD', async () => {
    const l = log();
    await rejects(l, Buffer.alloc(0), 'INVALID_RECORD');
    const b = batch();
    await rejects(l, b.subarray(0, b.length - 1), 'CORRUPT_MESSAGE', /batchLength/);
    await rejects(l, Buffer.concat([batch(), Buffer.alloc(5)]), 'CORRUPT_MESSAGE', /trailing/);
    const short = batch();
    short.writeInt32BE(10, 8);
    await rejects(l, short, 'CORRUPT_MESSAGE');
  });

  it('rejects more than one batch, as Kafka does for magic 2', async () => {
    await rejects(
      log(),
      Buffer.concat([batch(), batch()]),
      'INVALID_RECORD',
      /more than one batch/,
    );
  });

  it('rejects a client batch whose baseOffset is not 0', async () => {
    const b = buildRecordBatch({ baseOffset: 5n, records: [{ value: Buffer.from('x') }] });
    await rejects(log(), b, 'INVALID_RECORD', /should be 0, but it is 5/);
  });

  it('rejects a record one byte over max.message.bytes with MESSAGE_TOO_LARGE, accepts one at it', async () => {
    const b = batch({ count: 1, valueBytes: 1000 });
    await rejects(log({ maxMessageBytes: b.length - 1 }), Buffer.from(b), 'MESSAGE_TOO_LARGE');
    const ok = log({ maxMessageBytes: b.length });
    assert.equal((await ok.appendAsLeader(Buffer.from(b), { leaderEpoch: 0 })).lastOffset, 0n);
    const many = batch({ count: 3, valueBytes: 200 });
    await rejects(log({ maxMessageBytes: many.length - 1 }), many, 'MESSAGE_TOO_LARGE', /exceeds/);
  });

  it('rejects a CRC mismatch with CORRUPT_MESSAGE', async () => {
    const b = batch({ count: 2 });
    b[RECORDS_OFFSET + 3]! ^= 0xff;
    const err = await rejects(log(), b, 'CORRUPT_MESSAGE', /Record is corrupt/);
    assert.equal(toErrorCode(err), 2);
  });

  it('rejects a record count that disagrees with the offset range, or zero records', async () => {
    const l = log();
    const mismatched = buildRecordBatch({
      lastOffsetDelta: 4,
      records: [{ value: Buffer.from('a') }, { value: Buffer.from('b') }],
    });
    await rejects(l, mismatched, 'INVALID_RECORD', /Inconsistent batch offset range/);
    await rejects(l, buildRecordBatch({ records: [] }), 'INVALID_RECORD', /Invalid reported count/);
  });

  it('rejects control batches from clients but takes them from the coordinator', async () => {
    const marker = (): Buffer =>
      buildEndTransactionMarkerBatch({
        producerId: 9n,
        producerEpoch: 0,
        type: ControlRecordType.COMMIT,
        coordinatorEpoch: 1,
        timestamp: 5n,
      });
    const l = log();
    await rejects(l, marker(), 'INVALID_RECORD', /control records/);
    const r = await l.appendAsLeader(marker(), { leaderEpoch: 0, origin: 'coordinator' });
    assert.equal(r.firstOffset, 0n);
  });

  it('rejects an idempotent batch without a sequence', async () => {
    const b = buildRecordBatch({
      producerId: 42n,
      producerEpoch: 0,
      baseSequence: -1,
      records: [{ value: Buffer.from('x') }],
    });
    await rejects(log(), b, 'INVALID_RECORD', /Invalid sequence number -1/);
  });

  it('rejects malformed records inside an uncompressed batch whose CRC is valid', async () => {
    const b = batch({ count: 2 });
    b.writeUInt8(0x7e, RECORDS_OFFSET); // the first record's length varint, now too long
    await rejects(log(), fixCrc(b), 'CORRUPT_MESSAGE', /bad length/);
  });

  it('rejects an undefined compression codec', async () => {
    const b = batch();
    b.writeInt16BE(b.readInt16BE(ATTRIBUTES_OFFSET) | 7, ATTRIBUTES_OFFSET);
    await rejects(log(), fixCrc(b), 'UNSUPPORTED_COMPRESSION_TYPE');
  });

  it('rejects a batch larger than segment.bytes with RECORD_LIST_TOO_LARGE', async () => {
    const b = batch({ valueBytes: 500 });
    await rejects(log({ segmentBytes: b.length - 1 }), b, 'RECORD_LIST_TOO_LARGE');
  });

  it('reports keyless records on a compacted topic per record, compressed or not', async () => {
    for (const compression of [CompressionType.none, CompressionType.lz4]) {
      const b = buildRecordBatch({
        compression,
        records: [
          { key: Buffer.from('k'), value: Buffer.from('a') },
          { key: null, value: Buffer.from('b') },
          { key: null, value: Buffer.from('c') },
        ],
      });
      const compact = { cleanupPolicy: { delete: false, compact: true } };
      const err = await rejects(log(compact), b, 'INVALID_RECORD');
      assert.ok(err instanceof RecordValidationError);
      assert.deepEqual(
        err.recordErrors.map((e) => e.batchIndex),
        [1, 2],
      );
      assert.match(
        err.recordErrors[0]!.message!,
        /Compacted topic cannot accept message without key/,
      );
      assert.match(err.message, /2 record errors in total/);
    }
    const keyed = log({ cleanupPolicy: { delete: true, compact: true } });
    await keyed.appendAsLeader(batch({ count: 3 }), { leaderEpoch: 0 });
  });

  it('rejects CreateTime timestamps outside message.timestamp.before/after.max.ms', async () => {
    const bounds = { messageTimestampBeforeMaxMs: 1000, messageTimestampAfterMaxMs: 500 };
    const at = (ts: number): Buffer =>
      buildRecordBatch({
        records: [
          { value: Buffer.from('ok'), timestamp: BigInt(NOW) },
          { value: Buffer.from('x'), timestamp: BigInt(ts) },
        ],
      });
    for (const ts of [NOW - 1001, NOW + 501]) {
      const err = await rejects(log(bounds), at(ts), 'INVALID_TIMESTAMP');
      assert.ok(err instanceof RecordValidationError);
      assert.deepEqual(
        err.recordErrors.map((e) => e.batchIndex),
        [1],
      );
      assert.match(err.recordErrors[0]!.message!, /is out of range/);
    }
    for (const ts of [NOW - 1000, NOW + 500]) {
      await log(bounds).appendAsLeader(at(ts), { leaderEpoch: 0 });
    }
    const compressed = buildRecordBatch({
      compression: CompressionType.gzip,
      records: [{ value: Buffer.from('x'), timestamp: BigInt(NOW - 5000) }],
    });
    await rejects(log(bounds), compressed, 'INVALID_TIMESTAMP');
  });

  it('rejects a producer batch already marked LogAppendTime on a LogAppendTime topic', async () => {
    const b = buildRecordBatch({
      timestampType: TimestampType.LogAppendTime,
      records: [{ value: Buffer.from('a') }, { value: Buffer.from('b') }],
    });
    const err = await rejects(
      log({ messageTimestampType: 'LogAppendTime' }),
      b,
      'INVALID_TIMESTAMP',
    );
    assert.ok(err instanceof RecordValidationError);
    assert.equal(err.recordErrors.length, 2);
  });
});

describe('broker-owned rewrites', () => {
  it('LogAppendTime stamps the broker time and recomputes the CRC, leaving the records as sent', async () => {
    const l = log({ messageTimestampType: 'LogAppendTime' });
    const produced = batch({ count: 3, timestamp: 123n, tag: 'lat' });
    const original = Buffer.from(produced);
    const result = await l.appendAsLeader(produced, { leaderEpoch: 4 });
    assert.equal(result.logAppendTime, BigInt(NOW));
    const [stored] = await readAllBatches(l);
    assert.ok(stored!.verifyCrc());
    assert.equal(stored!.timestampType, TimestampType.LogAppendTime);
    assert.equal(stored!.maxTimestamp, BigInt(NOW));
    assert.equal(stored!.partitionLeaderEpoch, 4);
    // Only baseOffset, epoch, crc, attributes and maxTimestamp differ from what was produced.
    const differing: number[] = [];
    for (let i = 0; i < original.length; i++)
      if (original[i] !== stored!.buffer[i]) differing.push(i);
    assert.ok(
      differing.every((i) => (i >= 12 && i < 16) || (i >= 17 && i < 23) || (i >= 35 && i < 43)),
    );
    const records = [...stored!.records()];
    assert.deepEqual(
      records.map((r) => r.timestamp),
      [BigInt(NOW), BigInt(NOW), BigInt(NOW)],
    );
    const sent = [...new RecordBatch(original).records()];
    assert.deepEqual(
      records.map((r) => [r.key, r.value]),
      sent.map((r) => [r.key, r.value]),
    );
  });

  const targets: Array<[TopicCompressionType, number]> = [
    ['uncompressed', CompressionType.none],
    ['gzip', CompressionType.gzip],
    ['snappy', CompressionType.snappy],
    ['lz4', CompressionType.lz4],
    ['zstd', CompressionType.zstd],
  ];
  for (const source of [CompressionType.none, CompressionType.gzip, CompressionType.zstd]) {
    for (const [name, id] of targets) {
      it(`compression.type=${name} re-encodes a codec-${source} batch with equal records`, async () => {
        const l = log({ compressionType: name });
        const produced = buildRecordBatch({
          compression: source,
          producerId: 77n,
          producerEpoch: 3,
          baseSequence: 10,
          records: [
            { key: Buffer.from('a'), value: Buffer.from('one'.repeat(50)), timestamp: 10n },
            {
              key: null,
              value: null,
              headers: [{ key: 'h', value: Buffer.from('v') }],
              timestamp: 7n,
            },
            { key: Buffer.from('c'), value: Buffer.from('three'), timestamp: 30n },
          ],
        });
        const sent = comparable([...new RecordBatch(Buffer.from(produced)).records()]);
        const result = await l.appendAsLeader(produced, { leaderEpoch: 0 });
        assert.equal(result.lastOffset, 2n);
        const [stored] = await readAllBatches(l);
        assert.equal(stored!.compression, id);
        assert.ok(stored!.verifyCrc());
        assert.deepEqual(comparable([...stored!.records()]), sent);
        assert.deepEqual(
          [stored!.producerId, stored!.producerEpoch, stored!.baseSequence],
          [77n, 3, 10],
        );
      });
    }
  }

  it('compression.type=producer and a matching codec keep the produced bytes', async () => {
    for (const compressionType of ['producer', 'gzip'] as const) {
      const l = log({ compressionType });
      const produced = batch({ count: 4, compression: CompressionType.gzip });
      const expected = Buffer.from(produced);
      expected.writeInt32BE(0, 12);
      await l.appendAsLeader(produced, { leaderEpoch: 0 });
      const [stored] = await readAllBatches(l);
      assert.deepEqual(stored!.buffer, expected);
    }
  });

  it('rejects a batch that recompression grows past max.message.bytes', async () => {
    const produced = batch({ count: 20, valueBytes: 400, compression: CompressionType.zstd });
    await rejects(
      log({ compressionType: 'uncompressed', maxMessageBytes: produced.length + 10 }),
      produced,
      'MESSAGE_TOO_LARGE',
      /after recompression/,
    );
  });
});
