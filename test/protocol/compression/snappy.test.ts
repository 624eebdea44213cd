// snappy framing: Samsa writes xerial's format as Kafka's Java producer does (magic, version 1,
// compatible version 1, 32 KiB input blocks) and reads both xerial and plain raw blocks, as
// librdkafka and @platformatic/kafka (its own wasm codec) send the latter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressionsAlgorithms } from '@platformatic/kafka';
import snappy from 'snappy';
import { compress, decompress } from '../../../src/protocol/compression/codec.js';
import { CompressionType } from '../../../src/protocol/compression/compression-type.js';
import { assertSamsaError } from '../records/helpers.js';

const XERIAL_HEADER = Buffer.from('82534e41505059000000000100000001', 'hex');

function xerialBlocks(packed: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  for (let at = 16; at < packed.length;) {
    const length = packed.readInt32BE(at);
    blocks.push(packed.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return blocks;
}

describe('snappy xerial framing', () => {
  it('writes the xerial header and 32 KiB blocks', () => {
    const data = Buffer.alloc(100_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 13;
    const packed = compress(CompressionType.snappy, data);
    assert.deepEqual(packed.subarray(0, 16), XERIAL_HEADER);
    const blocks = xerialBlocks(packed);
    assert.equal(blocks.length, 4);
    const decoded = blocks.map((b) => snappy.uncompressSync(b, { asBuffer: true }) as Buffer);
    assert.deepEqual(
      decoded.map((b) => b.length),
      [32768, 32768, 32768, 100_000 - 3 * 32768],
    );
    assert.deepEqual(Buffer.concat(decoded), data);
  });

  it('writes just the header for no data, and reads it back as empty', () => {
    const packed = compress(CompressionType.snappy, Buffer.alloc(0));
    assert.deepEqual(packed, XERIAL_HEADER);
    assert.equal(decompress(CompressionType.snappy, packed, 0).length, 0);
  });

  it('reads a plain raw block, as librdkafka and @platformatic/kafka write', () => {
    const data = Buffer.from('raw snappy block '.repeat(100));
    assert.deepEqual(
      decompress(CompressionType.snappy, snappy.compressSync(data), data.length),
      data,
    );
    assert.deepEqual(
      decompress(
        CompressionType.snappy,
        compressionsAlgorithms.snappy.compressSync(data),
        data.length,
      ),
      data,
    );
  });

  it('reads concatenated xerial streams, skipping the repeated header', () => {
    const a = Buffer.from('first stream '.repeat(50));
    const b = Buffer.from('second stream '.repeat(50));
    const joined = Buffer.concat([
      compress(CompressionType.snappy, a),
      compress(CompressionType.snappy, b),
    ]);
    assert.deepEqual(decompress(CompressionType.snappy, joined, 10_000), Buffer.concat([a, b]));
  });

  it('calls a damaged block, or a truncated block length, corrupt', () => {
    const packed = compress(CompressionType.snappy, Buffer.from('hello hello hello hello'));
    const damaged = Buffer.from(packed);
    damaged.fill(0xff, 21);
    assertSamsaError(
      () => decompress(CompressionType.snappy, damaged, 1000),
      'SAMSA_ERR_COMPRESSION_CORRUPT',
    );
    assertSamsaError(
      () => decompress(CompressionType.snappy, Buffer.concat([packed, Buffer.from([0, 0])]), 1000),
      'SAMSA_ERR_COMPRESSION_CORRUPT',
    );
    // A block whose length prefix disagrees with its content.
    const block = snappy.compressSync(Buffer.from('abcdef'));
    block[0] = 9;
    assertSamsaError(
      () => decompress(CompressionType.snappy, block, 1000),
      'SAMSA_ERR_COMPRESSION_CORRUPT',
    );
  });
});
