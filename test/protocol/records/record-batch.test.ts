// The RecordBatch view and the batch splitter: header fields and attribute bits, zero-copy
// slices, partial batches at the end of a buffer, wrong magic, LogAppendTime record timestamps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompressionType } from '../../../src/protocol/compression/compression-type.js';
import { TimestampType } from '../../../src/protocol/records/batch-layout.js';
import { buildRecordBatch } from '../../../src/protocol/records/build-record-batch.js';
import {
  RecordBatch,
  iterateRecordBatches,
  readRecordBatches,
} from '../../../src/protocol/records/record-batch.js';
import { assertSamsaError } from './helpers.js';

function sampleBatch(
  baseOffset: bigint,
  compression: CompressionType = CompressionType.none,
): Buffer {
  return buildRecordBatch({
    baseOffset,
    partitionLeaderEpoch: 7,
    baseTimestamp: 1_000n,
    producerId: 42n,
    producerEpoch: 3,
    baseSequence: 100,
    compression,
    records: [
      { key: Buffer.from('k0'), value: Buffer.from('v0'), timestamp: 1_000n },
      {
        key: null,
        value: Buffer.from('v1'),
        timestamp: 1_250n,
        headers: [{ key: 'trace', value: Buffer.from('abc') }],
      },
      {
        key: Buffer.from('k2'),
        value: null,
        timestamp: 990n,
        headers: [{ key: 'nil', value: null }],
      },
    ],
  });
}

describe('RecordBatch', () => {
  it('exposes every header field', () => {
    const batch = new RecordBatch(sampleBatch(500n));
    assert.equal(batch.baseOffset, 500n);
    assert.equal(batch.partitionLeaderEpoch, 7);
    assert.equal(batch.magic, 2);
    assert.equal(batch.attributes, 0);
    assert.equal(batch.compression, CompressionType.none);
    assert.equal(batch.timestampType, TimestampType.CreateTime);
    assert.equal(batch.lastOffsetDelta, 2);
    assert.equal(batch.lastOffset, 502n);
    assert.equal(batch.nextOffset, 503n);
    assert.equal(batch.baseTimestamp, 1_000n);
    assert.equal(batch.maxTimestamp, 1_250n);
    assert.equal(batch.producerId, 42n);
    assert.equal(batch.producerEpoch, 3);
    assert.equal(batch.baseSequence, 100);
    assert.equal(batch.recordCount, 3);
    assert.equal(batch.sizeInBytes, batch.batchLength + 12);
    assert.equal(batch.crc, batch.computeCrc());
    assert.ok(batch.verifyCrc());
  });

  it('decodes each attribute bit', () => {
    const bytes = buildRecordBatch({
      compression: CompressionType.zstd,
      timestampType: TimestampType.LogAppendTime,
      isTransactional: true,
      isControl: true,
      hasDeleteHorizon: true,
      maxTimestamp: 9n,
      records: [],
    });
    const batch = new RecordBatch(bytes);
    assert.equal(batch.attributes, 0b111_1100);
    assert.equal(batch.compression, CompressionType.zstd);
    assert.equal(batch.timestampType, TimestampType.LogAppendTime);
    assert.equal(batch.isTransactional, true);
    assert.equal(batch.isControl, true);
    assert.equal(batch.hasDeleteHorizon, true);
    assert.equal(batch.maxTimestamp, 9n);
  });

  it('yields records with absolute offsets and timestamps', () => {
    const records = [...new RecordBatch(sampleBatch(10n)).records()];
    assert.deepEqual(
      records.map((r) => [r.offset, r.timestamp, r.timestampDelta, r.offsetDelta]),
      [
        [10n, 1_000n, 0n, 0],
        [11n, 1_250n, 250n, 1],
        [12n, 990n, -10n, 2],
      ],
    );
    assert.deepEqual(records[1]!.headers, [{ key: 'trace', value: Buffer.from('abc') }]);
    assert.deepEqual(records[2]!.headers, [{ key: 'nil', value: null }]);
    assert.equal(records[1]!.key, null);
    assert.equal(records[2]!.value, null);
  });

  it('hands out keys and values as views of the batch, not copies', () => {
    const bytes = sampleBatch(0n);
    const [first] = new RecordBatch(bytes).records();
    assert.equal(first!.key!.buffer, bytes.buffer);
    assert.equal(first!.value!.buffer, bytes.buffer);
    bytes[bytes.indexOf('v0') + 1] = 0x39; // '9'
    assert.equal(first!.value!.toString(), 'v9');
  });

  it('gives every record the batch maxTimestamp under LogAppendTime, as Kafka does', () => {
    const bytes = buildRecordBatch({
      timestampType: TimestampType.LogAppendTime,
      baseTimestamp: 100n,
      maxTimestamp: 5_000n,
      records: [{ timestampDelta: 0 }, { timestampDelta: 20 }],
    });
    assert.deepEqual(
      [...new RecordBatch(bytes).records()].map((r) => [r.timestamp, r.timestampDelta]),
      [
        [5_000n, 0n],
        [5_000n, 20n],
      ],
    );
  });

  it('decompresses lazily: header fields never touch the compressed records', () => {
    const bytes = sampleBatch(0n, CompressionType.gzip);
    // Garble the compressed section; the header and CRC check still work, records() does not.
    bytes.fill(0xee, 61 + 12);
    const batch = new RecordBatch(bytes);
    assert.equal(batch.recordCount, 3);
    assert.equal(batch.verifyCrc(), false);
    assertSamsaError(() => [...batch.records()], 'SAMSA_ERR_COMPRESSION_CORRUPT');
  });

  it('applies the decompression budget to records()', () => {
    const bytes = buildRecordBatch({
      compression: CompressionType.lz4,
      records: [{ value: Buffer.alloc(100_000) }],
    });
    const batch = new RecordBatch(bytes);
    assertSamsaError(
      () => [...batch.records({ maxDecompressedBytes: 50_000 })],
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
    assert.equal([...batch.records({ maxDecompressedBytes: 200_000 })][0]!.value!.length, 100_000);
  });

  it('rejects a compression id Kafka does not define when records are read', () => {
    const bytes = sampleBatch(0n);
    bytes.writeInt16BE(6, 21);
    const batch = new RecordBatch(bytes);
    assert.equal(batch.compression, 6);
    assertSamsaError(() => [...batch.records()], 'SAMSA_ERR_COMPRESSION_UNSUPPORTED');
  });
});

describe('readRecordBatches / iterateRecordBatches', () => {
  const first = sampleBatch(0n);
  const second = sampleBatch(3n, CompressionType.snappy);
  const both = Buffer.concat([first, second]);

  it('splits batches as zero-copy views', () => {
    const { batches, truncatedTail } = readRecordBatches(both);
    assert.equal(truncatedTail, null);
    assert.deepEqual(
      batches.map((b) => [b.baseOffset, b.sizeInBytes]),
      [
        [0n, first.length],
        [3n, second.length],
      ],
    );
    assert.equal(batches[1]!.buffer.buffer, both.buffer);
    assert.equal(batches[1]!.buffer.byteOffset, both.byteOffset + first.length);
  });

  it('returns an empty list for an empty buffer', () => {
    assert.deepEqual(readRecordBatches(Buffer.alloc(0)), { batches: [], truncatedTail: null });
  });

  it('hands back a partial last batch as the truncated tail, at every cut point', () => {
    for (let cut = first.length + 1; cut < both.length; cut++) {
      const { batches, truncatedTail } = readRecordBatches(both.subarray(0, cut));
      assert.equal(batches.length, 1, `cut at ${cut}`);
      assert.equal(truncatedTail?.length, cut - first.length, `cut at ${cut}`);
    }
  });

  it('returns the truncated tail from the iterator too', () => {
    const iterator = iterateRecordBatches(both.subarray(0, both.length - 1));
    const seen: bigint[] = [];
    let step = iterator.next();
    while (step.done !== true) {
      seen.push(step.value.baseOffset);
      step = iterator.next();
    }
    assert.deepEqual(seen, [0n]);
    assert.equal(step.value?.length, second.length - 1);
    assert.equal(iterateRecordBatches(both).next().done, false);
    const all = [...iterateRecordBatches(both)].map((b) => b.baseOffset);
    assert.deepEqual(all, [0n, 3n]);
  });

  it('rejects a batch with the wrong magic, even a partial one', () => {
    for (const magic of [0, 1, 3, -1]) {
      const bytes = Buffer.from(both);
      bytes.writeInt8(magic, first.length + 16);
      assertSamsaError(() => readRecordBatches(bytes), 'SAMSA_ERR_RECORD_BATCH_UNSUPPORTED_MAGIC');
      assertSamsaError(
        () => readRecordBatches(bytes.subarray(0, first.length + 20)),
        'SAMSA_ERR_RECORD_BATCH_UNSUPPORTED_MAGIC',
      );
      assertSamsaError(
        () => new RecordBatch(bytes.subarray(first.length)),
        'SAMSA_ERR_RECORD_BATCH_UNSUPPORTED_MAGIC',
      );
    }
  });

  it('wraps a single batch only when the buffer is exactly that batch', () => {
    assertSamsaError(() => new RecordBatch(both), 'SAMSA_ERR_RECORD_BATCH_CORRUPT');
    assertSamsaError(() => new RecordBatch(first.subarray(0, 60)), 'SAMSA_ERR_DECODE_TRUNCATED');
  });
});
