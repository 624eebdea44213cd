// zstd (codec 4). The native libzstd in node:zlib when this Node has it (22.15+), else the
// WebAssembly build (see zstd-wasm.ts for why that package), loaded only when needed.
//
// Bound, in two steps. First the frames are walked without decoding (zstd-frame.ts): a declared
// Frame_Content_Size or the raw/RLE block sizes past the budget are refused at once. Then each
// frame is decoded into a capacity of its declared content size, or, without one, of the smaller
// of its block-header upper bound and what is left of the budget; the decoder fails rather than
// write past that capacity. Frames are decoded one at a time so concatenated frames also work.
import { nodeZlibZstdBackend } from './zstd-backend.js';
import type { ZstdBackend } from './zstd-backend.js';
import { scanZstdFrames } from './zstd-frame.js';
import { corrupt, joinParts, tooLarge } from './limits.js';

/** zstd's own default level, also Kafka's `compression.zstd.level` default. */
export const ZSTD_DEFAULT_LEVEL = 3;

const backend: ZstdBackend =
  nodeZlibZstdBackend() ?? (await import('./zstd-wasm.js')).wasmZstdBackend;

export function zstdBackendName(): ZstdBackend['name'] {
  return backend.name;
}

export function zstdCompress(
  data: Buffer,
  level = ZSTD_DEFAULT_LEVEL,
  using: ZstdBackend = backend,
): Buffer {
  return using.compress(data, level);
}

export function zstdDecompress(
  data: Buffer,
  maxOutputBytes: number,
  using: ZstdBackend = backend,
): Buffer {
  const frames = scanZstdFrames(data);

  // Refuse what the headers already prove too large, before decoding anything.
  let declared = 0n;
  let exact = 0;
  for (const frame of frames) {
    declared += frame.contentSize ?? 0n;
    exact += frame.contentSize === null ? frame.exactBlockBytes : 0;
  }
  if (declared + BigInt(exact) > BigInt(maxOutputBytes)) {
    throw tooLarge(
      'zstd',
      maxOutputBytes,
      `the frames declare at least ${declared + BigInt(exact)} bytes`,
    );
  }

  const parts: Buffer[] = [];
  let total = 0;
  for (const frame of frames) {
    if (frame.skippable) continue;
    const remaining = maxOutputBytes - total;
    const clipped = frame.contentSize === null && frame.maxContentSize > remaining;
    const capacity =
      frame.contentSize === null
        ? Math.min(frame.maxContentSize, remaining)
        : Number(frame.contentSize);
    let out: Buffer;
    try {
      out = using.decompressFrame(data.subarray(frame.start, frame.end), capacity);
    } catch (err) {
      if (clipped)
        throw tooLarge('zstd', maxOutputBytes, `a frame expands past the ${remaining} bytes left`);
      throw corrupt('zstd', (err as Error).message, err);
    }
    if (frame.contentSize !== null && BigInt(out.length) !== frame.contentSize) {
      throw corrupt('zstd', `frame declared ${frame.contentSize} bytes but held ${out.length}`);
    }
    if (out.length > remaining)
      throw tooLarge('zstd', maxOutputBytes, `a frame expands past the ${remaining} bytes left`);
    if (out.length > 0) {
      parts.push(out);
      total += out.length;
    }
  }
  return parts.length === 0 ? Buffer.alloc(0) : joinParts(parts, total);
}
