// zstd: the frame scanner that checks the budget before decoding, frames without a content size
// (zstd-jni's streaming encoder, which Kafka's Java producer uses, writes those), concatenated and
// skippable frames, and both backends: the wasm one always, node:zlib's where Node has it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { compress, decompress } from '../../../src/protocol/compression/codec.js';
import { CompressionType } from '../../../src/protocol/compression/compression-type.js';
import { nodeZlibZstdBackend } from '../../../src/protocol/compression/zstd-backend.js';
import type { ZstdBackend } from '../../../src/protocol/compression/zstd-backend.js';
import { scanZstdFrames } from '../../../src/protocol/compression/zstd-frame.js';
import { wasmZstdBackend } from '../../../src/protocol/compression/zstd-wasm.js';
import {
  zstdBackendName,
  zstdCompress,
  zstdDecompress,
} from '../../../src/protocol/compression/zstd.js';
import { RUNS, assertSamsaError } from '../records/helpers.js';
import { stripZstdContentSize, zstdRleFrame } from './helpers.js';

const nodeHasZstd =
  typeof (zlib as unknown as { zstdDecompressSync?: unknown }).zstdDecompressSync === 'function';
const native = nodeZlibZstdBackend();
const BACKENDS: ZstdBackend[] =
  native === undefined ? [wasmZstdBackend] : [native, wasmZstdBackend];

describe('zstd backend choice', () => {
  it('uses node:zlib exactly when this Node has zstd, else wasm', () => {
    assert.equal(native !== undefined, nodeHasZstd);
    assert.equal(zstdBackendName(), nodeHasZstd ? 'node:zlib' : 'wasm');
  });
});

describe('zstd frame scanner', () => {
  it('reads the declared content size and block bounds', () => {
    const data = Buffer.from('scan me '.repeat(40_000));
    const [frame] = scanZstdFrames(compress(CompressionType.zstd, data));
    assert.equal(frame!.contentSize, BigInt(data.length));
    assert.equal(frame!.maxContentSize, data.length);
    assert.equal(frame!.skippable, false);
  });

  it('bounds a frame without content size by its blocks', () => {
    const [frame] = scanZstdFrames(zstdRleFrame(3, 1000));
    assert.equal(frame!.contentSize, null);
    assert.equal(frame!.exactBlockBytes, 3000);
    assert.equal(frame!.maxContentSize, 3000);
    assert.equal(
      decompress(CompressionType.zstd, zstdRleFrame(3, 1000), 3000).toString(),
      'A'.repeat(3000),
    );
  });

  it('calls structural damage corrupt: reserved bits and block types, truncation, bad magic', () => {
    const good = compress(CompressionType.zstd, Buffer.from('hello zstd'));
    const reservedBit = Buffer.from(good);
    reservedBit[4]! |= 0x08;
    const rle = zstdRleFrame(1, 10);
    const reservedType = Buffer.from(rle);
    reservedType[6]! |= 0x06;
    for (const bad of [
      reservedBit,
      reservedType,
      good.subarray(0, good.length - 1),
      good.subarray(0, 5),
      Buffer.from('not zstd at all'),
    ]) {
      assertSamsaError(
        () => decompress(CompressionType.zstd, bad, 1000),
        'SAMSA_ERR_COMPRESSION_CORRUPT',
      );
    }
  });
});

for (const backend of BACKENDS) {
  describe(`zstd through ${backend.name}`, () => {
    it('round-trips random data, with and without a content size', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 1, maxLength: 20_000 }),
          fc.integer({ min: 1, max: 19 }),
          (bytes, level) => {
            const data = Buffer.from(bytes);
            const frame = zstdCompress(data, level, backend);
            assert.deepEqual(zstdDecompress(frame, data.length, backend), data);
            assert.deepEqual(
              zstdDecompress(stripZstdContentSize(frame), data.length, backend),
              data,
            );
          },
        ),
        { numRuns: RUNS },
      );
    });

    it('reads concatenated and skippable frames', () => {
      const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 9, 9]);
      const a = zstdCompress(Buffer.from('first '), 3, backend);
      const b = stripZstdContentSize(zstdCompress(Buffer.from('second'), 3, backend));
      assert.equal(
        zstdDecompress(Buffer.concat([a, skippable, b]), 100, backend).toString(),
        'first second',
      );
    });

    it('calls a content size that disagrees with the data corrupt', () => {
      const frame = Buffer.from(zstdCompress(Buffer.from('sixteen bytes!!!'), 3, backend));
      const [scanned] = scanZstdFrames(frame);
      assert.equal(scanned!.contentSize, 16n);
      // Single-segment frames of this size keep FCS in the byte after the header descriptor.
      assert.equal(frame[4]! & 0x20, 0x20);
      frame[5] = 20;
      assertSamsaError(() => zstdDecompress(frame, 100, backend), 'SAMSA_ERR_COMPRESSION_CORRUPT');
    });

    it('stops a frame without content size at the budget', () => {
      const data = Buffer.alloc(3 * 1024 * 1024);
      for (let i = 0; i < data.length; i += 1000) data.writeUInt32BE(i, i);
      const frame = stripZstdContentSize(zstdCompress(data, 3, backend));
      assertSamsaError(
        () => zstdDecompress(frame, 1024 * 1024, backend),
        'SAMSA_ERR_COMPRESSION_TOO_LARGE',
      );
      assert.deepEqual(zstdDecompress(frame, data.length, backend), data);
    });
  });
}
