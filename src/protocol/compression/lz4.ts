// lz4 (codec 3): the standard LZ4 frame format (magic 0x184D2204), as Kafka's clients write it.
//
// lz4-napi's frame decoder reads to the end with no output limit, so the frame is parsed here and
// each block goes to lz4-napi's raw block decoder (lz4_flex), which takes its output capacity from
// a 4-byte little-endian prefix and fails rather than write past it. The capacity of a block is
// the smallest of: the frame's block maximum size, what an LZ4 block of that length can expand to
// (at most 255 output bytes per input byte), and what is left of the budget. A declared content
// size past the budget is refused before any block is decoded.
//
// Checksums (header, block, content; xxHash32) are skipped, not verified: a record batch's
// CRC-32C already covers every compressed byte, and a mismatch still fails the block decoder or
// the content-size check in almost every case.
import lz4 from 'lz4-napi';
import { corrupt, joinParts, tooLarge } from './limits.js';

const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const LINKED_DICT_SIZE = 64 * 1024;
const MAX_EXPANSION = 255;

const BLOCK_MAX_SIZES: Readonly<Record<number, number>> = {
  4: 64 * 1024,
  5: 256 * 1024,
  6: 1024 * 1024,
  7: 4 * 1024 * 1024,
};

/** lz4_flex's frame encoder defaults: independent blocks, no checksums; every client reads them. */
export function lz4Compress(data: Buffer): Buffer {
  return lz4.compressFrameSync(data);
}

interface FrameState {
  parts: Buffer[];
  total: number;
}

export function lz4Decompress(data: Buffer, maxOutputBytes: number): Buffer {
  const state: FrameState = { parts: [], total: 0 };
  let at = 0;
  do {
    if (data.length - at < 4) throw corrupt('lz4', `frame magic at offset ${at} is truncated`);
    const magic = data.readUInt32LE(at);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (data.length - at < 8)
        throw corrupt('lz4', `skippable frame at offset ${at} is truncated`);
      const size = data.readUInt32LE(at + 4);
      if (size > data.length - at - 8)
        throw corrupt('lz4', `skippable frame at offset ${at} runs past the input`);
      at += 8 + size;
      continue;
    }
    if (magic !== FRAME_MAGIC)
      throw corrupt('lz4', `offset ${at} holds 0x${magic.toString(16)}, not an LZ4 frame magic`);
    at = decodeFrame(data, at + 4, maxOutputBytes, state);
  } while (at < data.length);
  return state.parts.length === 0 ? Buffer.alloc(0) : joinParts(state.parts, state.total);
}

/** Decodes one frame whose magic ends at `at`; returns the offset after the frame. */
function decodeFrame(data: Buffer, at: number, maxOutputBytes: number, state: FrameState): number {
  if (data.length - at < 3) throw corrupt('lz4', 'frame descriptor is truncated');
  const flg = data[at]!;
  const bd = data[at + 1]!;
  if (flg >> 6 !== 1) throw corrupt('lz4', `frame version ${flg >> 6} is not 1`);
  if ((flg & 0x02) !== 0 || (bd & 0x8f) !== 0)
    throw corrupt('lz4', 'frame descriptor sets reserved bits');
  const independent = (flg & 0x20) !== 0;
  const blockChecksums = (flg & 0x10) !== 0;
  const hasContentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const hasDictId = (flg & 0x01) !== 0;
  const blockMaxSize = BLOCK_MAX_SIZES[(bd >> 4) & 0x07];
  if (blockMaxSize === undefined)
    throw corrupt('lz4', `block maximum size code ${(bd >> 4) & 0x07} is invalid`);
  at += 2;

  const descriptorRest = (hasContentSize ? 8 : 0) + (hasDictId ? 4 : 0) + 1;
  if (data.length - at < descriptorRest) throw corrupt('lz4', 'frame descriptor is truncated');
  const startTotal = state.total;
  let contentSize = -1n;
  if (hasContentSize) {
    contentSize = data.readBigUInt64LE(at);
    at += 8;
    if (contentSize > BigInt(maxOutputBytes - state.total)) {
      throw tooLarge(
        'lz4',
        maxOutputBytes,
        `the frame declares a content size of ${contentSize} bytes`,
      );
    }
  }
  // Kafka never sets a dictionary id and nothing here could supply the dictionary.
  if (hasDictId) throw corrupt('lz4', 'frame needs a preset dictionary');
  at += 1; // header checksum

  for (;;) {
    if (data.length - at < 4) throw corrupt('lz4', `block header at offset ${at} is truncated`);
    const word = data.readUInt32LE(at);
    at += 4;
    if (word === 0) break; // EndMark
    const size = word & 0x7fffffff;
    const stored = word !== size;
    if (size > blockMaxSize)
      throw corrupt(
        'lz4',
        `block of ${size} bytes exceeds the frame's ${blockMaxSize}-byte maximum`,
      );
    if (size + (blockChecksums ? 4 : 0) > data.length - at) {
      throw corrupt('lz4', `block of ${size} bytes at offset ${at - 4} runs past the input`);
    }
    const block = data.subarray(at, at + size);
    at += size + (blockChecksums ? 4 : 0);
    const remaining = maxOutputBytes - state.total;
    let out: Buffer;
    if (stored) {
      if (size > remaining)
        throw tooLarge(
          'lz4',
          maxOutputBytes,
          `a stored block holds ${size} bytes with ${remaining} left`,
        );
      out = block;
    } else {
      const dict = independent ? undefined : linkedDictionary(state.parts);
      out = decodeBlock(
        block,
        Math.min(blockMaxSize, MAX_EXPANSION * size + 64),
        remaining,
        maxOutputBytes,
        dict,
      );
    }
    if (out.length > 0) {
      state.parts.push(out);
      state.total += out.length;
    }
  }
  if (contentChecksum) {
    if (data.length - at < 4) throw corrupt('lz4', 'content checksum is truncated');
    at += 4;
  }
  if (hasContentSize && BigInt(state.total - startTotal) !== contentSize) {
    throw corrupt(
      'lz4',
      `frame declared ${contentSize} bytes but held ${state.total - startTotal}`,
    );
  }
  return at;
}

function decodeBlock(
  block: Buffer,
  bound: number,
  remaining: number,
  maxOutputBytes: number,
  dict?: Buffer,
): Buffer {
  const clipped = remaining < bound;
  const capacity = clipped ? remaining : bound;
  // lz4-napi's block API takes the output capacity as a little-endian prefix of its input.
  const input = Buffer.allocUnsafe(4 + block.length);
  input.writeUInt32LE(capacity, 0);
  block.copy(input, 4);
  try {
    return dict === undefined ? lz4.uncompressSync(input) : lz4.uncompressSync(input, dict);
  } catch (err) {
    // With the capacity cut to the budget, an overflow means the block expands past it.
    if (clipped)
      throw tooLarge('lz4', maxOutputBytes, `a block expands past the ${remaining} bytes left`);
    throw corrupt('lz4', (err as Error).message, err);
  }
}

/** Linked blocks may copy from the previous 64 KiB of output. */
function linkedDictionary(parts: readonly Buffer[]): Buffer | undefined {
  const last = parts[parts.length - 1];
  if (last === undefined) return undefined;
  if (last.length >= LINKED_DICT_SIZE || parts.length === 1)
    return last.subarray(Math.max(0, last.length - LINKED_DICT_SIZE));
  const tail: Buffer[] = [];
  let size = 0;
  for (let i = parts.length - 1; i >= 0 && size < LINKED_DICT_SIZE; i--) {
    const part = parts[i]!;
    const take = Math.min(part.length, LINKED_DICT_SIZE - size);
    tail.unshift(part.subarray(part.length - take));
    size += take;
  }
  return Buffer.concat(tail, size);
}
