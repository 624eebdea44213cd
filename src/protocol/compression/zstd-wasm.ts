// zstd through @bokuweb/zstd-wasm: the reference libzstd compiled to WebAssembly and shipped inside
// the package (no install script, no download, compress and decompress). Used where node:zlib has
// no zstd (Node < 22.15).
//
// Why this package: fzstd is pure JS but only decompresses, and its streaming decoder allocates the
// window the frame header asks for (up to 2 GiB) before producing anything; zstd-codec is an
// Emscripten build of a 2018-era libzstd that is no longer maintained and whose simple API gives up
// on frames without a content size; native addons (zstd-napi, @mongodb-js/zstd) need an install
// script. Here libzstd's one-shot ZSTD_decompress writes straight into an output buffer of the
// capacity we choose and fails with dstSize_tooSmall rather than pass it, so the budget holds.
//
// The package initialises asynchronously (it compiles the wasm), hence the top-level await; its
// memory grows to the largest output decoded so far and is kept for reuse.
import zstdWasm from '@bokuweb/zstd-wasm';
import type { ZstdBackend } from './zstd-backend.js';

await zstdWasm.init();

function view(out: Uint8Array): Buffer {
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

export const wasmZstdBackend: ZstdBackend = {
  name: 'wasm',
  compress(data: Buffer, level: number): Buffer {
    return view(zstdWasm.compress(data, level));
  },
  decompressFrame(frame: Buffer, capacity: number): Buffer {
    // When the frame carries Frame_Content_Size the package allocates exactly that (checked against
    // the budget by the caller); otherwise it allocates `capacity`.
    return view(zstdWasm.decompress(frame, { defaultHeapSize: capacity }));
  },
};
