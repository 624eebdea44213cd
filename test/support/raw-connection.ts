// A bare TCP connection to a broker for bad-input tests: write any bytes, read size-prefixed
// response frames, and see whether (and when) the broker closed the connection. Also hand-built
// request frames (header v1 or v2 plus a body), so a test controls every byte it sends.
import { connect, type Socket } from 'node:net';

export class RawConnection {
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);
  #closed = false;
  #waiters = new Set<() => void>();
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#notify();
    });
    // A reset (the broker destroying the socket) counts as closed, not as a test failure.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#closed = true;
        this.#notify();
        resolve();
      }),
    );
  }

  static open(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`Cannot connect to ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new RawConnection(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Writes bytes; false when the socket is already gone. */
  send(bytes: Buffer): boolean {
    if (this.#closed || this.#socket.destroyed) return false;
    this.#socket.write(bytes);
    return true;
  }

  /** The next response frame (without its size prefix), or null when the broker closes first. */
  async readFrame(timeoutMs: number): Promise<Buffer | null> {
    const ready = await this.#until(
      () => this.#frameLength() !== undefined || this.#closed,
      timeoutMs,
    );
    if (!ready) throw new Error(`No response frame and no close within ${timeoutMs} ms`);
    const length = this.#frameLength();
    if (length === undefined) return null;
    const frame = this.#buffer.subarray(4, 4 + length);
    this.#buffer = this.#buffer.subarray(4 + length);
    return frame;
  }

  /** True when the broker closed the connection within `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    return this.#until(() => this.#closed, timeoutMs);
  }

  /** Bytes received and not read as frames. */
  get unread(): Buffer {
    return this.#buffer;
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #frameLength(): number | undefined {
    if (this.#buffer.length < 4) return undefined;
    const length = this.#buffer.readInt32BE(0);
    return this.#buffer.length - 4 >= length ? length : undefined;
  }

  #until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (result: boolean): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(result);
      };
      this.#waiters.add(check);
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/**
 * A request frame, size prefix included: request header v1 (api key, version, correlation id,
 * client id) — v2 adds an empty tagged-field section — then `body`.
 */
export function requestFrame(options: {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId?: string | null;
  flexibleHeader?: boolean;
  body?: Buffer;
}): Buffer {
  const clientId = options.clientId === undefined ? 'samsa-raw' : options.clientId;
  const id = clientId === null ? null : Buffer.from(clientId, 'utf8');
  const header = Buffer.alloc(10 + (id?.length ?? 0));
  header.writeInt16BE(options.apiKey, 0);
  header.writeInt16BE(options.apiVersion, 2);
  header.writeInt32BE(options.correlationId, 4);
  header.writeInt16BE(id === null ? -1 : id.length, 8);
  id?.copy(header, 10);
  const parts = [
    header,
    ...(options.flexibleHeader ? [Buffer.from([0])] : []),
    options.body ?? Buffer.alloc(0),
  ];
  const payload = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

/** An ApiVersions response body in the v0 layout: error code and [key, min, max] entries. */
export function readApiVersionsV0(frame: Buffer): {
  correlationId: number;
  errorCode: number;
  apiKeys: [number, number, number][];
} {
  const correlationId = frame.readInt32BE(0);
  const errorCode = frame.readInt16BE(4);
  const count = frame.readInt32BE(6);
  const apiKeys: [number, number, number][] = [];
  for (let i = 0; i < count; i++) {
    const at = 10 + i * 6;
    apiKeys.push([frame.readInt16BE(at), frame.readInt16BE(at + 2), frame.readInt16BE(at + 4)]);
  }
  return { correlationId, errorCode, apiKeys };
}
