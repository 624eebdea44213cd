// Splits a TCP byte stream into Kafka request frames (int32 size, then that many bytes).
// The declared size is checked against socket.request.max.bytes before anything is buffered for
// it, so a 2 GiB claim costs nothing; a frame that arrives whole in one chunk is handed out as a
// slice of that chunk, without copying.
import { SamsaError } from '../errors/samsa-error.js';

export class FrameDecoder {
  readonly #maxFrameBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Feeds a chunk; returns the complete frames it finished, in order. Throws on an invalid size. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let buf = chunk;
    if (this.#pendingBytes > 0) {
      this.#pending.push(chunk);
      buf = Buffer.concat(this.#pending, this.#pendingBytes + chunk.length);
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    let at = 0;
    while (buf.length - at >= 4) {
      const size = buf.readInt32BE(at);
      if (size < 0 || size > this.#maxFrameBytes) {
        throw new SamsaError(
          'SAMSA_ERR_FRAME_TOO_LARGE',
          `Request frame of ${size} bytes is outside 0..${this.#maxFrameBytes} (socket.request.max.bytes)`,
        );
      }
      if (buf.length - at - 4 < size) break;
      frames.push(buf.subarray(at + 4, at + 4 + size));
      at += 4 + size;
    }
    if (at < buf.length) {
      const rest = buf.subarray(at);
      this.#pending.push(rest);
      this.#pendingBytes = rest.length;
    }
    return frames;
  }

  /** Bytes received toward a frame not yet complete. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }
}
