// The codec entry point: every codec round-trips random data, the budget is exact (output of
// exactly maxOutputBytes passes, one byte less fails), unknown codec ids are refused, and random
// garbage fed to any decoder ends in a typed error or a bounded result, never a crash.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isSamsaError } from '../../../src/errors/samsa-error.js';
import { compress, decompress } from '../../../src/protocol/compression/codec.js';
import {
  CompressionType,
  compressionName,
  toCompressionType,
} from '../../../src/protocol/compression/compression-type.js';
import { RUNS, assertSamsaError } from '../records/helpers.js';

const CODECS = [0, 1, 2, 3, 4] as const;

const dataArb = fc.oneof(
  fc.uint8Array({ maxLength: 5000 }).map((a) => Buffer.from(a)),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 50 }), fc.nat(20_000))
    .map(([unit, n]) => Buffer.alloc(n, Buffer.from(unit))),
);

describe('compress / decompress', () => {
  for (const codec of CODECS) {
    const name = compressionName(codec);

    it(`${name}: round-trips random data`, () => {
      fc.assert(
        fc.property(dataArb, (data) => {
          const packed = compress(codec, data);
          assert.deepEqual(decompress(codec, packed, data.length), data);
        }),
        { numRuns: RUNS * 2 },
      );
    });

    it(`${name}: round-trips empty data and data larger than one block or chunk`, () => {
      const big = Buffer.alloc(5 * 1024 * 1024 + 17);
      for (let i = 0; i < big.length; i += 7) big[i] = i % 251;
      for (const data of [Buffer.alloc(0), big]) {
        assert.deepEqual(decompress(codec, compress(codec, data), data.length), data);
      }
    });

    it(`${name}: holds the budget to the byte`, () => {
      const data = Buffer.alloc(100_000, 'budget ');
      const packed = compress(codec, data);
      assert.equal(decompress(codec, packed, data.length).length, data.length);
      assertSamsaError(
        () => decompress(codec, packed, data.length - 1),
        'SAMSA_ERR_COMPRESSION_TOO_LARGE',
      );
      assertSamsaError(() => decompress(codec, packed, 0), 'SAMSA_ERR_COMPRESSION_TOO_LARGE');
    });

    it(`${name}: answers random garbage with a typed error or a bounded result`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          try {
            const out = decompress(codec, Buffer.from(bytes), 64 * 1024);
            assert.ok(out.length <= 64 * 1024);
          } catch (err) {
            assert.ok(isSamsaError(err), `non-SamsaError ${String(err)}`);
            assert.ok(
              err.code === 'SAMSA_ERR_COMPRESSION_CORRUPT' ||
                err.code === 'SAMSA_ERR_COMPRESSION_TOO_LARGE',
              err.code,
            );
          }
        }),
        { numRuns: RUNS * 8 },
      );
    });

    it(`${name}: answers corrupted valid data with a typed error or a bounded result`, () => {
      fc.assert(
        fc.property(
          dataArb,
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 6,
          }),
          (data, flips) => {
            const packed = Buffer.from(compress(codec, data));
            for (const [at, value] of flips)
              if (packed.length > 0) packed[at % packed.length] = value;
            try {
              assert.ok(decompress(codec, packed, 64 * 1024).length <= 64 * 1024);
            } catch (err) {
              assert.ok(isSamsaError(err), `non-SamsaError ${String(err)}`);
            }
          },
        ),
        { numRuns: RUNS * 8 },
      );
    });

    it(`${name}: answers every truncation of valid data with a typed error or the data`, () => {
      const data = Buffer.alloc(70_000, 'truncate me ');
      const packed = compress(codec, data);
      for (let cut = 0; cut < packed.length; cut += Math.max(1, Math.floor(packed.length / 50))) {
        try {
          const out = decompress(codec, packed.subarray(0, cut), data.length);
          // Only a cut at a block boundary can still decode, and then to a prefix.
          assert.ok(data.subarray(0, out.length).equals(out));
        } catch (err) {
          assert.ok(isSamsaError(err), `cut at ${cut}: non-SamsaError ${String(err)}`);
        }
      }
    });
  }

  it('refuses codec ids Kafka does not define', () => {
    for (const id of [5, 6, 7, -1, 8, 1.5, Number.NaN]) {
      assertSamsaError(() => compress(id, Buffer.from('x')), 'SAMSA_ERR_COMPRESSION_UNSUPPORTED');
      assertSamsaError(
        () => decompress(id, Buffer.from('x'), 10),
        'SAMSA_ERR_COMPRESSION_UNSUPPORTED',
      );
      assertSamsaError(() => toCompressionType(id), 'SAMSA_ERR_COMPRESSION_UNSUPPORTED');
    }
  });

  it('rejects a budget that is not a non-negative integer', () => {
    for (const budget of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () =>
          decompress(
            CompressionType.gzip,
            compress(CompressionType.gzip, Buffer.from('x')),
            budget,
          ),
        RangeError,
      );
    }
  });

  it('passes uncompressed data through without copying', () => {
    const data = Buffer.from('as is');
    assert.equal(compress(CompressionType.none, data), data);
    assert.equal(decompress(CompressionType.none, data, 5), data);
  });
});
