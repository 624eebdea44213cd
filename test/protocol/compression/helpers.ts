// Hand-built frames for the codec tests, for the cases real encoders do not emit on request:
// LZ4 frames with linked blocks, stored blocks, a content size or checksums; zstd frames with
// their Frame_Content_Size removed (as zstd-jni's streaming encoder, Kafka's Java client, writes).
import lz4 from 'lz4-napi';

export interface Lz4FrameOptions {
  independent?: boolean;
  blockChecksums?: boolean;
  contentChecksum?: boolean;
  contentSize?: bigint;
  /** Block maximum size code, 4 (64 KiB) to 7 (4 MiB). */
  blockSizeCode?: number;
  dictId?: boolean;
  version?: number;
}

export type Lz4Block = { compressed: Buffer } | { stored: Buffer };

/** A raw LZ4 block for `data`, optionally referring back into `dict`. */
export function lz4Block(data: Buffer, dict?: Buffer): Buffer {
  const prefixed = dict === undefined ? lz4.compressSync(data) : lz4.compressSync(data, dict);
  return prefixed.subarray(4);
}

export function lz4Frame(blocks: readonly Lz4Block[], options: Lz4FrameOptions = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0x04, 0x22, 0x4d, 0x18])];
  let flg = (options.version ?? 1) << 6;
  if (options.independent !== false) flg |= 0x20;
  if (options.blockChecksums === true) flg |= 0x10;
  if (options.contentSize !== undefined) flg |= 0x08;
  if (options.contentChecksum === true) flg |= 0x04;
  if (options.dictId === true) flg |= 0x01;
  parts.push(Buffer.from([flg, (options.blockSizeCode ?? 4) << 4]));
  if (options.contentSize !== undefined) {
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(options.contentSize);
    parts.push(size);
  }
  if (options.dictId === true) parts.push(Buffer.alloc(4));
  parts.push(Buffer.from([0x00])); // header checksum: not verified by Samsa
  for (const block of blocks) {
    const header = Buffer.alloc(4);
    if ('stored' in block) {
      header.writeUInt32LE((block.stored.length | 0x80000000) >>> 0);
      parts.push(header, block.stored);
    } else {
      header.writeUInt32LE(block.compressed.length);
      parts.push(header, block.compressed);
    }
    if (options.blockChecksums === true) parts.push(Buffer.alloc(4, 0xab));
  }
  parts.push(Buffer.alloc(4)); // EndMark
  if (options.contentChecksum === true) parts.push(Buffer.alloc(4, 0xcd));
  return Buffer.concat(parts);
}

/** The same zstd frame with Frame_Content_Size taken out and a window descriptor that fits. */
export function stripZstdContentSize(frame: Buffer): Buffer {
  const fhd = frame[4]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd & 0x20) !== 0;
  const dictIdFlag = fhd & 0x03;
  const dictIdSize = dictIdFlag === 3 ? 4 : dictIdFlag;
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag;
  let at = 5;
  let windowDescriptor: number;
  if (singleSegment) {
    // The window was the content; describe a window at least that large.
    const content =
      frame.readUIntLE(at + dictIdSize, Math.min(fcsSize, 6)) + (fcsSize === 2 ? 256 : 0);
    const exponent = Math.max(0, Math.ceil(Math.log2(Math.max(content, 1))) - 10);
    windowDescriptor = exponent << 3;
  } else {
    windowDescriptor = frame[at++]!;
  }
  const dictId = frame.subarray(at, at + dictIdSize);
  const rest = frame.subarray(at + dictIdSize + fcsSize);
  const newFhd = (fhd & 0x1f & ~0x20) | 0; // no FCS, not single-segment
  return Buffer.concat([
    frame.subarray(0, 4),
    Buffer.from([newFhd, windowDescriptor]),
    dictId,
    rest,
  ]);
}

/** A zstd frame of RLE blocks: `blocks` blocks of 128 KiB each, with no content size. */
export function zstdRleFrame(blocks: number, blockSize = 128 * 1024): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])]; // window 2^17
  for (let i = 0; i < blocks; i++) {
    const header = ((blockSize << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0)) >>> 0;
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, 0x41]));
  }
  return Buffer.concat(parts);
}
