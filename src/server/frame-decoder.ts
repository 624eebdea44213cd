// Splits a TCP byte stream into Kafka request frames (int32 size, then that many bytes).
// The declared size is checked against socket.request.max.bytes before anything is buffered for
// it, so a 2 GiB claim costs nothing. Chunks are kept as they arrive and joined once, when a frame
// is complete, so a large request read in many small chunks is copied once, not once per chunk;
// a frame that arrives whole inside one chunk is handed out as a slice of it, without copying.
import { SamsaError } from '../errors/samsa-error.js';

export class FrameDecoder {
  readonly #maxFrameBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes of the frame being assembled, size prefix included; -1 while its size is unknown. */
  #needed = -1;

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Feeds a chunk; returns the complete frames it finished, in order. Throws on an invalid size. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.#needed === -1) {
        if (this.#pendingBytes < 4) break;
        const size = this.#peekInt32();
        if (size < 0 || size > this.#maxFrameBytes) {
          throw new SamsaError(
            'SAMSA_ERR_FRAME_TOO_LARGE',
            `Request frame of ${size} bytes is outside 0..${this.#maxFrameBytes} (socket.request.max.bytes)`,
          );
        }
        this.#needed = 4 + size;
      }
      if (this.#pendingBytes < this.#needed) break;
      frames.push(this.#take(this.#needed).subarray(4));
      this.#needed = -1;
    }
    return frames;
  }

  /** Bytes received toward a frame not yet complete. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  #peekInt32(): number {
    const first = this.#pending[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return this.#take(4, false).readInt32BE(0);
  }

  /** The next n buffered bytes; consumed unless consume is false. */
  #take(n: number, consume = true): Buffer {
    const first = this.#pending[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      for (const chunk of this.#pending) {
        const copied = chunk.copy(out, filled, 0, Math.min(chunk.length, n - filled));
        filled += copied;
        if (filled === n) break;
      }
    }
    if (consume) this.#drop(n);
    return out;
  }

  #drop(n: number): void {
    this.#pendingBytes -= n;
    let left = n;
    while (left > 0) {
      const first = this.#pending[0]!;
      if (first.length > left) {
        this.#pending[0] = first.subarray(left);
        return;
      }
      this.#pending.shift();
      left -= first.length;
    }
  }
}
