// Malformed input gets a typed SamsaError, never a crash or an allocation sized by a lying field:
// truncated headers, impossible batch lengths, bad record varints, record counts the bytes cannot
// hold, and random corruption of valid batches of every codec.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isSamsaError } from '../../../src/errors/samsa-error.js';
import { CompressionType } from '../../../src/protocol/compression/compression-type.js';
import { compress } from '../../../src/protocol/compression/codec.js';
import { Writer } from '../../../src/protocol/primitives/writer.js';
import { buildRecordBatch } from '../../../src/protocol/records/build-record-batch.js';
import { crc32c } from '../../../src/protocol/records/crc32c.js';
import { RecordBatch, readRecordBatches } from '../../../src/protocol/records/record-batch.js';
import { RUNS, assertSamsaError, recordsArb } from './helpers.js';

/** A batch around a hand-written records section, with a valid CRC. */
function rawBatch(
  records: Buffer,
  recordCount: number,
  compression: CompressionType = CompressionType.none,
): Buffer {
  const section = compression === CompressionType.none ? records : compress(compression, records);
  const out = new Writer()
    .writeInt64(0n)
    .writeInt32(49 + section.length)
    .writeInt32(0)
    .writeInt8(2)
    .writeUInt32(0)
    .writeInt16(compression)
    .writeInt32(Math.max(0, recordCount - 1))
    .writeInt64(0n)
    .writeInt64(0n)
    .writeInt64(-1n)
    .writeInt16(-1)
    .writeInt32(-1)
    .writeInt32(recordCount)
    .writeRaw(section)
    .toBuffer();
  out.writeUInt32BE(crc32c(out.subarray(21)), 17);
  return out;
}

/** One record body (without its length prefix) from raw varint fields. */
function recordBody(fields: (w: Writer) => void): Buffer {
  const w = new Writer();
  fields(w);
  return w.toBuffer();
}

function withLength(body: Buffer, length = body.length): Buffer {
  return Buffer.concat([new Writer().writeVarint(length).toBuffer(), body]);
}

const goodRecord = withLength(
  recordBody((w) =>
    w
      .writeInt8(0)
      .writeVarlong(0)
      .writeVarint(0)
      .writeVarint(1)
      .writeRaw(Buffer.from('k'))
      .writeVarint(1)
      .writeRaw(Buffer.from('v'))
      .writeVarint(0),
  ),
);

function readAll(bytes: Buffer, maxDecompressedBytes?: number): number {
  let count = 0;
  for (const batch of readRecordBatches(bytes).batches) {
    for (const record of batch.records(
      maxDecompressedBytes === undefined ? {} : { maxDecompressedBytes },
    )) {
      count += record.headers.length + 1;
    }
  }
  return count;
}

describe('malformed batch headers', () => {
  const valid = buildRecordBatch({ records: [{ value: Buffer.from('x') }] });

  it('treats fewer than 12 bytes, or a batch longer than the buffer, as a truncated tail', () => {
    for (const cut of [1, 11, 12, 16, 17, 40, 61, valid.length - 1]) {
      const { batches, truncatedTail } = readRecordBatches(valid.subarray(0, cut));
      assert.equal(batches.length, 0);
      assert.equal(truncatedTail?.length, cut);
    }
  });

  it('does not allocate for a batchLength of 2^31 - 1', () => {
    const bytes = Buffer.from(valid);
    bytes.writeInt32BE(0x7fffffff, 8);
    assert.equal(readRecordBatches(bytes).truncatedTail?.length, bytes.length);
  });

  it('rejects a negative batchLength or one below the header size', () => {
    for (const length of [-1, -0x80000000, 0, 48]) {
      const bytes = Buffer.from(valid);
      bytes.writeInt32BE(length, 8);
      assertSamsaError(() => readRecordBatches(bytes), 'SAMSA_ERR_RECORD_BATCH_CORRUPT');
      assertSamsaError(
        () => readRecordBatches(bytes.subarray(0, 14)),
        'SAMSA_ERR_RECORD_BATCH_CORRUPT',
      );
    }
  });

  it('rejects a header shorter than 61 bytes when wrapped directly', () => {
    assertSamsaError(() => new RecordBatch(valid.subarray(0, 40)), 'SAMSA_ERR_DECODE_TRUNCATED');
  });
});

describe('malformed records', () => {
  for (const codec of [CompressionType.none, CompressionType.zstd]) {
    const read = (records: Buffer, count: number) => () => [
      ...new RecordBatch(rawBatch(records, count, codec)).records(),
    ];
    const label = codec === CompressionType.none ? 'uncompressed' : 'zstd';

    it(`${label}: reads the hand-written good record`, () => {
      const [record] = read(goodRecord, 1)();
      assert.equal(record!.key!.toString(), 'k');
      assert.equal(record!.value!.toString(), 'v');
    });

    it(`${label}: rejects a record length varint longer than 5 bytes`, () => {
      assertSamsaError(
        read(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 0, 0]), 1),
        'SAMSA_ERR_DECODE_INVALID_VARINT',
      );
    });

    it(`${label}: rejects a timestampDelta varlong longer than 10 bytes`, () => {
      const body = Buffer.concat([
        Buffer.from([0]),
        Buffer.alloc(11, 0xff),
        Buffer.from([0, 0, 0, 0]),
      ]);
      assertSamsaError(read(withLength(body), 1), 'SAMSA_ERR_DECODE_INVALID_VARINT');
    });

    it(`${label}: rejects a record length past the end or negative`, () => {
      assertSamsaError(
        read(withLength(goodRecord.subarray(1), 200), 1),
        'SAMSA_ERR_RECORD_BATCH_CORRUPT',
      );
      assertSamsaError(
        read(withLength(goodRecord.subarray(1), -3), 1),
        'SAMSA_ERR_RECORD_BATCH_CORRUPT',
      );
    });

    it(`${label}: rejects a key length past the end`, () => {
      const body = recordBody((w) =>
        w
          .writeInt8(0)
          .writeVarlong(0)
          .writeVarint(0)
          .writeVarint(1_000_000)
          .writeRaw(Buffer.from('kk')),
      );
      assertSamsaError(read(withLength(body), 1), 'SAMSA_ERR_DECODE_INVALID_LENGTH');
    });

    it(`${label}: rejects negative key and header key lengths below -1`, () => {
      const badKey = recordBody((w) =>
        w
          .writeInt8(0)
          .writeVarlong(0)
          .writeVarint(0)
          .writeVarint(-2)
          .writeVarint(-1)
          .writeVarint(0),
      );
      assertSamsaError(read(withLength(badKey), 1), 'SAMSA_ERR_RECORD_BATCH_CORRUPT');
      const badHeaderKey = recordBody((w) =>
        w
          .writeInt8(0)
          .writeVarlong(0)
          .writeVarint(0)
          .writeVarint(-1)
          .writeVarint(-1)
          .writeVarint(1)
          .writeVarint(-1)
          .writeVarint(-1),
      );
      assertSamsaError(read(withLength(badHeaderKey), 1), 'SAMSA_ERR_RECORD_BATCH_CORRUPT');
    });

    it(`${label}: rejects header counts that are negative or larger than the bytes`, () => {
      for (const count of [-1, 1_000_000]) {
        const body = recordBody((w) =>
          w
            .writeInt8(0)
            .writeVarlong(0)
            .writeVarint(0)
            .writeVarint(-1)
            .writeVarint(-1)
            .writeVarint(count),
        );
        assertSamsaError(read(withLength(body), 1), 'SAMSA_ERR_RECORD_BATCH_CORRUPT');
      }
    });

    it(`${label}: rejects a record whose fields do not fill its declared length`, () => {
      const padded = Buffer.concat([goodRecord.subarray(1), Buffer.from([0, 0])]);
      assertSamsaError(read(withLength(padded), 1), 'SAMSA_ERR_RECORD_BATCH_CORRUPT');
    });

    it(`${label}: rejects a record count larger than the records present`, () => {
      const two = Buffer.concat([goodRecord, goodRecord]);
      const big = withLength(
        recordBody((w) =>
          w
            .writeInt8(0)
            .writeVarlong(0)
            .writeVarint(0)
            .writeVarint(-1)
            .writeVarint(30)
            .writeRaw(Buffer.alloc(30))
            .writeVarint(0),
        ),
      );
      // Enough bytes to pass the up-front count check, so the reader runs out mid-way.
      assertSamsaError(read(Buffer.concat([big, big]), 3), 'SAMSA_ERR_DECODE_TRUNCATED');
      // Counts the bytes cannot possibly hold are refused before any record is read.
      assertSamsaError(read(two, 0x7fffffff), 'SAMSA_ERR_RECORD_BATCH_CORRUPT');
      assertSamsaError(read(two, -1), 'SAMSA_ERR_RECORD_BATCH_CORRUPT');
    });

    it(`${label}: rejects bytes left over after the declared records`, () => {
      assertSamsaError(
        read(Buffer.concat([goodRecord, goodRecord]), 1),
        'SAMSA_ERR_RECORD_BATCH_CORRUPT',
      );
    });
  }
});

describe('random corruption of valid batches', () => {
  const codecArb = fc.constantFrom(0, 1, 2, 3, 4) as fc.Arbitrary<CompressionType>;

  it('only ever throws SamsaError, whatever bytes are flipped', () => {
    fc.assert(
      fc.property(
        codecArb,
        recordsArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (codec, records, flips) => {
          const bytes = buildRecordBatch({ compression: codec, records });
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          try {
            readAll(bytes, 1 << 20);
          } catch (err) {
            assert.ok(isSamsaError(err), `non-SamsaError ${String(err)}`);
          }
        },
      ),
      { numRuns: RUNS * 8 },
    );
  });

  it('only ever throws SamsaError for any truncation of any batch', () => {
    fc.assert(
      fc.property(codecArb, recordsArb, fc.nat(), (codec, records, cut) => {
        const bytes = buildRecordBatch({ compression: codec, records });
        const truncated = bytes.subarray(0, cut % bytes.length);
        // A cut inside a buffer is a truncated tail; wrapping the cut bytes as a batch is an error.
        assert.equal(readRecordBatches(truncated).truncatedTail?.length ?? 0, truncated.length);
        try {
          const records = [...new RecordBatch(truncated).records()];
          assert.fail(`a truncated batch was accepted with ${records.length} records`);
        } catch (err) {
          assert.ok(isSamsaError(err), `non-SamsaError ${String(err)}`);
        }
      }),
      { numRuns: RUNS * 4 },
    );
  });
});
