// Build a batch with each codec, parse it back: same header fields, same records, CRC valid.
// Property-based over random records (null or byte keys and values, headers, signed timestamp
// deltas up to 2^62, gapped offset deltas).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CompressionType,
  compressionName,
} from '../../../src/protocol/compression/compression-type.js';
import { TimestampType } from '../../../src/protocol/records/batch-layout.js';
import { buildRecordBatch } from '../../../src/protocol/records/build-record-batch.js';
import { readRecordBatches } from '../../../src/protocol/records/record-batch.js';
import { RUNS, assertRecordsMatch, recordsArb } from './helpers.js';

const CODECS = [
  CompressionType.none,
  CompressionType.gzip,
  CompressionType.snappy,
  CompressionType.lz4,
  CompressionType.zstd,
] as const;

const batchFieldsArb = fc.record({
  baseOffset: fc.bigInt({ min: 0n, max: 2n ** 62n }),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  baseTimestamp: fc.bigInt({ min: 0n, max: 2n ** 50n }),
  producerId: fc.oneof(fc.constant(-1n), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n })),
  producerEpoch: fc.integer({ min: -1, max: 32767 }),
  baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  isTransactional: fc.boolean(),
});

describe('record batch round trip', () => {
  for (const codec of CODECS) {
    it(`builds and parses ${compressionName(codec)} batches`, () => {
      fc.assert(
        fc.property(batchFieldsArb, recordsArb, (fields, records) => {
          const bytes = buildRecordBatch({ ...fields, compression: codec, records });
          const { batches, truncatedTail } = readRecordBatches(bytes);
          assert.equal(truncatedTail, null);
          assert.equal(batches.length, 1);
          const batch = batches[0]!;
          assert.ok(batch.verifyCrc());
          assert.equal(batch.buffer.length, bytes.length);
          assert.equal(batch.batchLength, bytes.length - 12);
          assert.equal(batch.magic, 2);
          assert.equal(batch.compression, codec);
          assert.equal(batch.timestampType, TimestampType.CreateTime);
          assert.equal(batch.isTransactional, fields.isTransactional);
          assert.equal(batch.isControl, false);
          assert.equal(batch.hasDeleteHorizon, false);
          assert.equal(batch.baseOffset, fields.baseOffset);
          assert.equal(batch.partitionLeaderEpoch, fields.partitionLeaderEpoch);
          assert.equal(batch.baseTimestamp, fields.baseTimestamp);
          assert.equal(batch.producerId, fields.producerId);
          assert.equal(batch.producerEpoch, fields.producerEpoch);
          assert.equal(batch.baseSequence, fields.baseSequence);
          assert.equal(batch.recordCount, records.length);
          const lastOffsetDelta = records.reduce((max, r) => Math.max(max, r.offsetDelta ?? 0), 0);
          assert.equal(batch.lastOffsetDelta, lastOffsetDelta);
          const timestamps = records.map(
            (r) => fields.baseTimestamp + BigInt(r.timestampDelta ?? 0),
          );
          const maxTimestamp = timestamps.reduce(
            (max, t) => (t > max ? t : max),
            timestamps[0] ?? fields.baseTimestamp,
          );
          assert.equal(batch.maxTimestamp, maxTimestamp);
          assertRecordsMatch(
            [...batch.records()],
            records,
            fields.baseOffset,
            fields.baseTimestamp,
          );
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('reads a sequence of batches of every codec in one buffer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...CODECS), recordsArb), { minLength: 1, maxLength: 6 }),
        (specs) => {
          let nextOffset = 0n;
          const built = specs.map(([codec, records]) => {
            const baseOffset = nextOffset;
            const bytes = buildRecordBatch({
              baseOffset,
              baseTimestamp: 1_700_000_000_000n,
              compression: codec,
              records,
            });
            nextOffset += BigInt(records.length + 10);
            return { baseOffset, records, bytes };
          });
          const { batches, truncatedTail } = readRecordBatches(
            Buffer.concat(built.map((b) => b.bytes)),
          );
          assert.equal(truncatedTail, null);
          assert.equal(batches.length, built.length);
          batches.forEach((batch, i) => {
            const b = built[i]!;
            assert.ok(batch.verifyCrc());
            assert.ok(batch.buffer.equals(b.bytes));
            assertRecordsMatch([...batch.records()], b.records, b.baseOffset, 1_700_000_000_000n);
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('builds with a compression level for gzip and zstd', () => {
    const records = [{ value: Buffer.from('abc'.repeat(1000)) }];
    for (const codec of [CompressionType.gzip, CompressionType.zstd]) {
      const fast = buildRecordBatch({ compression: codec, compressionLevel: 1, records });
      const [batch] = readRecordBatches(fast).batches;
      assert.ok(batch!.verifyCrc());
      assert.deepEqual([...batch!.records()][0]!.value, records[0]!.value);
    }
  });
});
