// snappy (codec 2). Kafka's Java client writes xerial's framing: an 8-byte magic, int32 version,
// int32 compatible version, then [int32 big-endian length][raw snappy block] repeated, each block
// compressing up to 32 KiB. Other clients (librdkafka, @platformatic/kafka) send one raw block.
// Decompression accepts both, as xerial's own SnappyInputStream does; compression writes xerial.
//
// Bound: a raw block opens with its exact uncompressed length (a uvarint). It is checked against
// what is left of the budget before the block codec allocates anything.
import snappy from 'snappy';
import { corrupt, joinParts, tooLarge } from './limits.js';

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** xerial's SnappyOutputStream default block size, which Kafka's Java producer uses. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

export function snappyCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.allocUnsafe(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  parts.push(header);
  let total = XERIAL_HEADER_SIZE;
  for (let at = 0; at < data.length; at += XERIAL_BLOCK_SIZE) {
    const block = snappy.compressSync(
      data.subarray(at, Math.min(at + XERIAL_BLOCK_SIZE, data.length)),
    );
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
    total += 4 + block.length;
  }
  return Buffer.concat(parts, total);
}

function isXerialHeader(data: Buffer, at: number): boolean {
  return (
    data.length - at >= XERIAL_HEADER_SIZE && data.compare(XERIAL_MAGIC, 0, 8, at, at + 8) === 0
  );
}

export function snappyDecompress(data: Buffer, maxOutputBytes: number): Buffer {
  if (!isXerialHeader(data, 0)) return decodeRawBlock(data, maxOutputBytes, maxOutputBytes);

  const parts: Buffer[] = [];
  let total = 0;
  let at = XERIAL_HEADER_SIZE;
  while (at < data.length) {
    // Concatenated xerial streams repeat the header where a block length would be.
    if (isXerialHeader(data, at)) {
      at += XERIAL_HEADER_SIZE;
      continue;
    }
    if (data.length - at < 4)
      throw corrupt('snappy', `xerial block length at offset ${at} is truncated`);
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0 || length > data.length - at) {
      throw corrupt(
        'snappy',
        `xerial block length ${length} at offset ${at - 4} runs past the ${data.length} input bytes`,
      );
    }
    const block = decodeRawBlock(
      data.subarray(at, at + length),
      maxOutputBytes - total,
      maxOutputBytes,
    );
    at += length;
    if (block.length > 0) {
      parts.push(block);
      total += block.length;
    }
  }
  return parts.length === 0 ? Buffer.alloc(0) : joinParts(parts, total);
}

/** The uvarint that opens a raw snappy block: its exact uncompressed length, at most 2^32 - 1. */
function rawUncompressedLength(block: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= block.length) throw corrupt('snappy', 'block length prefix is truncated');
    const byte = block[i]!;
    if (i === 4 && byte > 0x0f)
      throw corrupt('snappy', 'block length prefix is longer than 32 bits');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return value;
  }
  throw corrupt('snappy', 'block length prefix is longer than 5 bytes');
}

function decodeRawBlock(block: Buffer, remaining: number, maxOutputBytes: number): Buffer {
  const length = rawUncompressedLength(block);
  if (length > remaining) {
    throw tooLarge(
      'snappy',
      maxOutputBytes,
      `a block declares ${length} bytes with ${remaining} left`,
    );
  }
  let out: Buffer;
  try {
    out = snappy.uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (err) {
    throw corrupt('snappy', (err as Error).message, err);
  }
  // The codec checks this itself; re-checking keeps the budget independent of its version.
  if (out.length !== length)
    throw corrupt('snappy', `block declared ${length} bytes but held ${out.length}`);
  return out;
}
