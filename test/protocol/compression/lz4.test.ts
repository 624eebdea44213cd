// LZ4 frames: what lz4-napi (lz4_flex) and @platformatic/kafka (its wasm codec) write, and the frame features
// other producers use: linked blocks (python-kafka's lz4 default), stored blocks, a content size,
// block and content checksums, skippable and concatenated frames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressionsAlgorithms } from '@platformatic/kafka';
import lz4 from 'lz4-napi';
import { compress, decompress } from '../../../src/protocol/compression/codec.js';
import { CompressionType } from '../../../src/protocol/compression/compression-type.js';
import { assertSamsaError } from '../records/helpers.js';
import { lz4Block, lz4Frame } from './helpers.js';

function sampleData(size: number, seed: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = ((i >> 3) * seed + (i % 5)) & 0xff;
  return data;
}

describe('lz4 frames', () => {
  it('writes a standard frame that lz4-napi and @platformatic/kafka frame decoders read', () => {
    const data = sampleData(300_000, 31);
    const packed = compress(CompressionType.lz4, data);
    assert.equal(packed.readUInt32LE(0), 0x184d2204);
    assert.deepEqual(lz4.decompressFrameSync(packed), data);
    assert.deepEqual(compressionsAlgorithms.lz4.decompressSync(packed), data);
  });

  it('reads frames from @platformatic/kafka', () => {
    const data = sampleData(200_000, 7);
    assert.deepEqual(
      decompress(CompressionType.lz4, compressionsAlgorithms.lz4.compressSync(data), data.length),
      data,
    );
  });

  it('reads linked blocks that copy from the previous 64 KiB of output', () => {
    const chunks = [
      sampleData(65_536, 3),
      sampleData(65_536, 3),
      sampleData(30_000, 3),
      sampleData(65_536, 3),
    ];
    const blocks = chunks.map((chunk, i) => {
      if (i === 0) return { compressed: lz4Block(chunk) };
      const before = Buffer.concat(chunks.slice(0, i));
      return { compressed: lz4Block(chunk, before.subarray(Math.max(0, before.length - 65_536))) };
    });
    const frame = lz4Frame(blocks, { independent: false });
    const expected = Buffer.concat(chunks);
    assert.deepEqual(decompress(CompressionType.lz4, frame, expected.length), expected);
    // The same blocks read as independent cannot resolve their back-references.
    assertSamsaError(
      () => decompress(CompressionType.lz4, lz4Frame(blocks), expected.length),
      'SAMSA_ERR_COMPRESSION_CORRUPT',
    );
  });

  it('reads stored blocks, checksummed blocks and a content size', () => {
    const a = sampleData(1000, 5);
    const b = sampleData(2000, 9);
    const frame = lz4Frame([{ stored: a }, { compressed: lz4Block(b) }], {
      blockChecksums: true,
      contentChecksum: true,
      contentSize: 3000n,
    });
    assert.deepEqual(decompress(CompressionType.lz4, frame, 3000), Buffer.concat([a, b]));
  });

  it('calls a content size that disagrees with the blocks corrupt', () => {
    const frame = lz4Frame([{ stored: Buffer.alloc(100) }], { contentSize: 101n });
    assertSamsaError(
      () => decompress(CompressionType.lz4, frame, 1000),
      'SAMSA_ERR_COMPRESSION_CORRUPT',
    );
  });

  it('skips skippable frames and reads concatenated frames', () => {
    const skippable = Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const one = compress(CompressionType.lz4, Buffer.from('one '));
    const two = compress(CompressionType.lz4, Buffer.from('two'));
    assert.equal(
      decompress(
        CompressionType.lz4,
        Buffer.concat([skippable, one, skippable, two]),
        100,
      ).toString(),
      'one two',
    );
  });

  it('rejects frames it cannot read: wrong magic or version, reserved bits, a dictionary id, no EndMark', () => {
    const good = lz4Frame([{ stored: Buffer.from('x') }]);
    const badMagic = Buffer.from(good);
    badMagic[0] = 0x05;
    const reserved = Buffer.from(good);
    reserved[5]! |= 0x02;
    const badBlockSize = lz4Frame([{ stored: Buffer.from('x') }], { blockSizeCode: 2 });
    for (const frame of [
      badMagic,
      lz4Frame([{ stored: Buffer.from('x') }], { version: 2 }),
      reserved,
      badBlockSize,
      lz4Frame([{ stored: Buffer.from('x') }], { dictId: true }),
      good.subarray(0, good.length - 4),
      good.subarray(0, 6),
      Buffer.alloc(0),
    ]) {
      assertSamsaError(
        () => decompress(CompressionType.lz4, frame, 100),
        'SAMSA_ERR_COMPRESSION_CORRUPT',
      );
    }
  });
});
