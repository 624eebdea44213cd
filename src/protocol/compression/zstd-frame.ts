// Walks the frames and block headers of zstd data (RFC 8878) without decoding anything, so the
// decompression budget can be checked before a decoder allocates: a frame's Frame_Content_Size is
// exact when present, raw and RLE blocks state their decoded size, and a compressed block decodes
// to at most min(Window_Size, 128 KiB). Structural damage (truncation, reserved bits) is reported
// as corrupt here, before the decoder sees it.
import { corrupt } from './limits.js';

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_SIZE_MAX = 128 * 1024;

export interface ZstdFrame {
  start: number;
  end: number;
  skippable: boolean;
  /** Frame_Content_Size, or null when the header leaves it out (zstd-jni's streams do). */
  contentSize: bigint | null;
  /** Bytes that raw and RLE blocks are known to produce. */
  exactBlockBytes: number;
  /** An upper bound on the frame's decoded size. */
  maxContentSize: number;
}

export function scanZstdFrames(data: Buffer): ZstdFrame[] {
  const frames: ZstdFrame[] = [];
  let at = 0;
  do {
    const frame = scanFrame(data, at);
    frames.push(frame);
    at = frame.end;
  } while (at < data.length);
  return frames;
}

function need(data: Buffer, at: number, n: number, what: string): void {
  if (data.length - at < n) throw corrupt('zstd', `${what} at offset ${at} is truncated`);
}

function scanFrame(data: Buffer, start: number): ZstdFrame {
  need(data, start, 4, 'frame magic');
  const magic = data.readUInt32LE(start);
  if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
    need(data, start + 4, 4, 'skippable frame size');
    const size = data.readUInt32LE(start + 4);
    need(data, start + 8, size, 'skippable frame');
    return {
      start,
      end: start + 8 + size,
      skippable: true,
      contentSize: 0n,
      exactBlockBytes: 0,
      maxContentSize: 0,
    };
  }
  if (magic !== ZSTD_MAGIC)
    throw corrupt('zstd', `offset ${start} holds 0x${magic.toString(16)}, not a zstd frame magic`);

  let at = start + 4;
  need(data, at, 1, 'frame header');
  const fhd = data[at++]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd & 0x20) !== 0;
  const hasChecksum = (fhd & 0x04) !== 0;
  const dictIdFlag = fhd & 0x03;
  if ((fhd & 0x08) !== 0) throw corrupt('zstd', 'frame header sets the reserved bit');

  let windowSize = Number.MAX_SAFE_INTEGER;
  if (!singleSegment) {
    need(data, at, 1, 'window descriptor');
    const wd = data[at++]!;
    const windowBase = 2 ** (10 + (wd >> 3));
    windowSize = windowBase + (windowBase / 8) * (wd & 0x07);
  }
  at += dictIdFlag === 3 ? 4 : dictIdFlag;
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag;
  need(data, at, fcsSize, 'frame content size');
  let contentSize: bigint | null = null;
  if (fcsSize === 1) contentSize = BigInt(data[at]!);
  else if (fcsSize === 2) contentSize = BigInt(data.readUInt16LE(at) + 256);
  else if (fcsSize === 4) contentSize = BigInt(data.readUInt32LE(at));
  else if (fcsSize === 8) contentSize = data.readBigUInt64LE(at);
  at += fcsSize;
  // In single-segment mode the window is the whole content.
  if (singleSegment && contentSize !== null) windowSize = Number(contentSize);
  const compressedBlockMax = Math.min(windowSize, BLOCK_SIZE_MAX);

  let exactBlockBytes = 0;
  let maxContentSize = 0;
  for (;;) {
    need(data, at, 3, 'block header');
    const header = data.readUIntLE(at, 3);
    at += 3;
    const last = (header & 1) !== 0;
    const type = (header >> 1) & 0x03;
    const size = header >>> 3;
    if (type === 3) throw corrupt('zstd', `block at offset ${at - 3} has the reserved type`);
    if (size > BLOCK_SIZE_MAX)
      throw corrupt('zstd', `block at offset ${at - 3} declares ${size} bytes, over 128 KiB`);
    if (type === 1) {
      need(data, at, 1, 'RLE block');
      at += 1;
      exactBlockBytes += size;
      maxContentSize += size;
    } else {
      need(data, at, size, 'block');
      at += size;
      if (type === 0) {
        exactBlockBytes += size;
        maxContentSize += size;
      } else {
        maxContentSize += compressedBlockMax;
      }
    }
    if (last) break;
  }
  if (hasChecksum) {
    need(data, at, 4, 'content checksum');
    at += 4;
  }
  if (contentSize !== null && contentSize < BigInt(exactBlockBytes)) {
    throw corrupt(
      'zstd',
      `frame declares ${contentSize} bytes but its raw and RLE blocks alone hold ${exactBlockBytes}`,
    );
  }
  if (contentSize !== null && contentSize < BigInt(maxContentSize))
    maxContentSize = Number(contentSize);
  return { start, end: at, skippable: false, contentSize, exactBlockBytes, maxContentSize };
}
