// The two ways Samsa runs zstd: node:zlib's native libzstd (Node >= 22.15) or a WebAssembly build.
import zlib from 'node:zlib';

export interface ZstdBackend {
  readonly name: 'node:zlib' | 'wasm';
  compress(data: Buffer, level: number): Buffer;
  /**
   * Decodes one zstd frame into at most `capacity` bytes, throwing when it holds more or is
   * corrupt. The caller has already checked the frame's declared content size against the budget.
   */
  decompressFrame(frame: Buffer, capacity: number): Buffer;
}

/** The zstd part of node:zlib from Node 22.15 on; @types/node for Node 20 does not declare it. */
interface ZlibZstd {
  zstdCompressSync(data: Buffer, options?: { params?: Record<number, number> }): Buffer;
  zstdDecompressSync(data: Buffer, options?: { maxOutputLength?: number }): Buffer;
  constants: { ZSTD_c_compressionLevel: number };
}

function nativeZlibZstd(): ZlibZstd | undefined {
  const candidate = zlib as unknown as Partial<ZlibZstd>;
  return typeof candidate.zstdCompressSync === 'function' &&
    typeof candidate.zstdDecompressSync === 'function'
    ? (candidate as ZlibZstd)
    : undefined;
}

export function nodeZlibZstdBackend(): ZstdBackend | undefined {
  const native = nativeZlibZstd();
  if (native === undefined) return undefined;
  return {
    name: 'node:zlib',
    compress(data: Buffer, level: number): Buffer {
      return native.zstdCompressSync(data, {
        params: { [native.constants.ZSTD_c_compressionLevel]: level },
      });
    },
    decompressFrame(frame: Buffer, capacity: number): Buffer {
      // zlib streams the frame and stops at maxOutputLength (which must be at least 1).
      const out = native.zstdDecompressSync(frame, { maxOutputLength: Math.max(1, capacity) });
      if (out.length > capacity) throw new RangeError(`zstd frame decodes past ${capacity} bytes`);
      return out;
    },
  };
}
