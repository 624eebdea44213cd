// Compression bombs and lying lengths: each is refused with SAMSA_ERR_COMPRESSION_TOO_LARGE
// (or _CORRUPT when the input itself is malformed) without materialising its claimed size.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { compress, decompress } from '../../../src/protocol/compression/codec.js';
import { CompressionType } from '../../../src/protocol/compression/compression-type.js';
import { wasmZstdBackend } from '../../../src/protocol/compression/zstd-wasm.js';
import { zstdDecompress } from '../../../src/protocol/compression/zstd.js';
import { assertSamsaError } from '../records/helpers.js';
import { lz4Block, lz4Frame, stripZstdContentSize, zstdRleFrame } from './helpers.js';

const MiB = 1024 * 1024;

describe('gzip bombs', () => {
  it('stops inflating 64 MiB of zeros at a 1 MiB budget', () => {
    const bomb = gzipSync(Buffer.alloc(64 * MiB), { level: 9 });
    assert.ok(bomb.length < 100 * 1024, `bomb is ${bomb.length} bytes`);
    assertSamsaError(
      () => decompress(CompressionType.gzip, bomb, MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
  });

  it('stops a multi-member stream whose members together pass the budget', () => {
    const member = gzipSync(Buffer.alloc(600 * 1024));
    assertSamsaError(
      () => decompress(CompressionType.gzip, Buffer.concat([member, member]), MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
    assert.equal(
      decompress(CompressionType.gzip, Buffer.concat([member, member]), 2 * MiB).length,
      1200 * 1024,
    );
  });
});

describe('snappy bombs', () => {
  it('refuses a raw block whose length prefix claims 2 GiB, before decoding', () => {
    const block = Buffer.concat([
      Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08]),
      Buffer.alloc(64, 0x01),
    ]);
    assertSamsaError(
      () => decompress(CompressionType.snappy, block, MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
  });

  it('refuses the same claim inside a xerial block', () => {
    const header = compress(CompressionType.snappy, Buffer.alloc(0));
    const block = Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.alloc(10)]);
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length);
    assertSamsaError(
      () => decompress(CompressionType.snappy, Buffer.concat([header, length, block]), MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
  });

  it('refuses a xerial stream whose blocks together pass the budget', () => {
    const packed = compress(CompressionType.snappy, Buffer.alloc(2 * MiB));
    assertSamsaError(
      () => decompress(CompressionType.snappy, packed, MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
  });

  it('calls a xerial block length past the end of the input corrupt', () => {
    const packed = compress(CompressionType.snappy, Buffer.from('short'));
    for (const length of [0x7fffffff, packed.length, -5]) {
      const lying = Buffer.from(packed);
      lying.writeInt32BE(length, 16);
      assertSamsaError(
        () => decompress(CompressionType.snappy, lying, MiB),
        'SAMSA_ERR_COMPRESSION_CORRUPT',
      );
    }
  });

  it('calls a length prefix longer than 32 bits corrupt', () => {
    assertSamsaError(
      () =>
        decompress(CompressionType.snappy, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f, 0x00]), MiB),
      'SAMSA_ERR_COMPRESSION_CORRUPT',
    );
  });
});

describe('lz4 bombs', () => {
  it('refuses a frame whose declared content size passes the budget, before any block', () => {
    const frame = lz4Frame([{ compressed: lz4Block(Buffer.from('tiny')) }], {
      contentSize: 2n ** 40n,
    });
    assertSamsaError(
      () => decompress(CompressionType.lz4, frame, MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
  });

  it('stops a frame of 4 MiB zero blocks (256 MiB claimed) at the budget', () => {
    const zeros = lz4Block(Buffer.alloc(4 * MiB));
    assert.ok(zeros.length < 20_000);
    const frame = lz4Frame(
      Array.from({ length: 64 }, () => ({ compressed: zeros })),
      { blockSizeCode: 7 },
    );
    assert.ok(frame.length < 64 * 20_000);
    assertSamsaError(
      () => decompress(CompressionType.lz4, frame, MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
    // Just enough budget for the first blocks still fails once the next would pass it.
    assertSamsaError(
      () => decompress(CompressionType.lz4, frame, 9 * MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
  });

  it('refuses a stored block larger than what is left of the budget', () => {
    const frame = lz4Frame(
      [{ stored: Buffer.alloc(600 * 1024) }, { stored: Buffer.alloc(600 * 1024) }],
      { blockSizeCode: 6 },
    );
    assertSamsaError(
      () => decompress(CompressionType.lz4, frame, MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
    assert.equal(decompress(CompressionType.lz4, frame, 2 * MiB).length, 1200 * 1024);
  });

  it('calls a block larger than the frame maximum, or past the input, corrupt', () => {
    const big = lz4Frame([{ stored: Buffer.alloc(70 * 1024) }], { blockSizeCode: 4 });
    assertSamsaError(
      () => decompress(CompressionType.lz4, big, MiB),
      'SAMSA_ERR_COMPRESSION_CORRUPT',
    );
    const frame = lz4Frame([{ compressed: lz4Block(Buffer.alloc(1000, 'a')) }]);
    frame.writeUInt32LE(60_000, 7);
    assertSamsaError(
      () => decompress(CompressionType.lz4, frame, MiB),
      'SAMSA_ERR_COMPRESSION_CORRUPT',
    );
  });
});

describe('zstd bombs', () => {
  it('refuses a frame claiming a huge content size, before decoding', () => {
    const frame = compress(CompressionType.zstd, Buffer.from('hello'));
    // Rewrite the header: FCS flag 3 (8 bytes), single segment, claiming 2^62 bytes.
    const fcs = Buffer.alloc(8);
    fcs.writeBigUInt64LE(2n ** 62n);
    const fhd = frame[4]!;
    const fcsSize = fhd >> 6 === 0 ? 1 : 1 << (fhd >> 6);
    const lying = Buffer.concat([
      frame.subarray(0, 4),
      Buffer.from([0xe0]),
      fcs,
      frame.subarray(5 + fcsSize),
    ]);
    assertSamsaError(
      () => decompress(CompressionType.zstd, lying, MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
  });

  it('refuses RLE blocks past the budget from their headers alone', () => {
    const frame = zstdRleFrame(16_384); // 2 GiB in 64 KiB of input
    assertSamsaError(
      () => decompress(CompressionType.zstd, frame, MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
  });

  it('stops a frame without content size that inflates past the budget', () => {
    const data = Buffer.alloc(8 * MiB);
    for (let i = 0; i < data.length; i += 4096) data.write(`block ${i} `, i);
    const frame = stripZstdContentSize(compress(CompressionType.zstd, data));
    assert.equal(frame[4]! >> 6, 0, 'frame has no content size');
    // The decoder itself must stop: the header says nothing of the size.
    assertSamsaError(
      () => decompress(CompressionType.zstd, frame, MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
    assertSamsaError(
      () => zstdDecompress(frame, MiB, wasmZstdBackend),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
    assert.deepEqual(decompress(CompressionType.zstd, frame, data.length), data);
  });

  it('refuses concatenated frames whose declared sizes together pass the budget', () => {
    const frame = compress(CompressionType.zstd, Buffer.alloc(600 * 1024));
    assertSamsaError(
      () => decompress(CompressionType.zstd, Buffer.concat([frame, frame]), MiB),
      'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    );
  });
});
