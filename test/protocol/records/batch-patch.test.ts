// CRC checking and the broker's in-place patches: baseOffset and partitionLeaderEpoch leave the
// CRC valid (they are outside its range); LogAppendTime changes covered bytes and recomputes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CompressionType } from '../../../src/protocol/compression/compression-type.js';
import { TimestampType } from '../../../src/protocol/records/batch-layout.js';
import {
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
} from '../../../src/protocol/records/batch-patch.js';
import { buildRecordBatch } from '../../../src/protocol/records/build-record-batch.js';
import { RecordBatch, readRecordBatches } from '../../../src/protocol/records/record-batch.js';
import { RUNS, assertSamsaError, recordsArb } from './helpers.js';

function sample(compression: CompressionType = CompressionType.none): Buffer {
  return buildRecordBatch({
    compression,
    baseTimestamp: 1_000n,
    records: [
      { value: Buffer.from('a'), timestampDelta: 0 },
      { value: Buffer.from('b'), timestampDelta: 5 },
    ],
  });
}

describe('verifyCrc', () => {
  it('detects any single flipped byte in the range the CRC covers', () => {
    fc.assert(
      fc.property(
        recordsArb,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (records, position, xor) => {
          const bytes = buildRecordBatch({ records });
          const at = 21 + (position % (bytes.length - 21));
          bytes[at]! ^= xor;
          assert.equal(new RecordBatch(bytes).verifyCrc(), false);
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  it('detects a flipped bit in the stored CRC itself', () => {
    const bytes = sample();
    bytes[18]! ^= 0x01;
    assert.equal(new RecordBatch(bytes).verifyCrc(), false);
  });
});

describe('in-place patching', () => {
  it('setBaseOffset leaves the CRC valid and is seen by an existing view', () => {
    const bytes = sample(CompressionType.gzip);
    const batch = new RecordBatch(bytes);
    const crc = batch.crc;
    setBaseOffset(batch.buffer, 1_234_567_890_123n);
    assert.equal(batch.baseOffset, 1_234_567_890_123n);
    assert.equal(batch.crc, crc);
    assert.ok(batch.verifyCrc());
    assert.deepEqual(
      [...batch.records()].map((r) => r.offset),
      [1_234_567_890_123n, 1_234_567_890_124n],
    );
  });

  it('setPartitionLeaderEpoch leaves the CRC valid', () => {
    const bytes = sample();
    setPartitionLeaderEpoch(bytes, 99);
    const batch = new RecordBatch(bytes);
    assert.equal(batch.partitionLeaderEpoch, 99);
    assert.ok(batch.verifyCrc());
  });

  it('setLogAppendTime sets the type bit and maxTimestamp and recomputes the CRC', () => {
    for (const codec of [CompressionType.none, CompressionType.lz4]) {
      const bytes = sample(codec);
      const before = new RecordBatch(Buffer.from(bytes));
      setLogAppendTime(bytes, 9_999n);
      const batch = new RecordBatch(bytes);
      assert.equal(batch.timestampType, TimestampType.LogAppendTime);
      assert.equal(batch.maxTimestamp, 9_999n);
      assert.equal(batch.compression, codec);
      assert.ok(batch.verifyCrc());
      assert.notEqual(batch.crc, before.crc);
      assert.equal(batch.baseTimestamp, before.baseTimestamp);
      assert.deepEqual(
        [...batch.records()].map((r) => r.timestamp),
        [9_999n, 9_999n],
      );
    }
  });

  it('patches one batch inside a larger buffer without touching its neighbours', () => {
    const first = sample();
    const second = sample(CompressionType.snappy);
    const all = Buffer.concat([first, second, first]);
    const { batches } = readRecordBatches(all);
    setBaseOffset(batches[1]!.buffer, 2n);
    setLogAppendTime(batches[1]!.buffer, 5n);
    const again = readRecordBatches(all).batches;
    assert.deepEqual(
      again.map((b) => [b.baseOffset, b.timestampType, b.verifyCrc()]),
      [
        [0n, 0, true],
        [2n, 1, true],
        [0n, 0, true],
      ],
    );
    assert.ok(all.subarray(0, first.length).equals(first));
    assert.ok(all.subarray(first.length + second.length).equals(first));
  });

  it('refuses to patch what is not a whole magic-2 batch', () => {
    const bytes = sample();
    assertSamsaError(() => setBaseOffset(bytes.subarray(0, 30), 1n), 'SAMSA_ERR_DECODE_TRUNCATED');
    assertSamsaError(
      () => setLogAppendTime(bytes.subarray(0, bytes.length - 1), 1n),
      'SAMSA_ERR_RECORD_BATCH_CORRUPT',
    );
    const legacy = Buffer.from(bytes);
    legacy.writeInt8(1, 16);
    assertSamsaError(
      () => setPartitionLeaderEpoch(legacy, 1),
      'SAMSA_ERR_RECORD_BATCH_UNSUPPORTED_MAGIC',
    );
  });
});
