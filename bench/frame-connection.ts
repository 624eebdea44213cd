// The load generator's socket: size-prefixed Kafka frames out, response frames (size prefix
// stripped) handed to one callback in arrival order, with no parsing beyond the size. Senders
// pipeline by calling send() again before the answers come back; request() is a one-shot helper
// for the few setup calls (CreateTopics, ListOffsets) that go through the generated codecs.
import { connect, type Socket } from 'node:net';
import {
  requestHeaderVersion,
  responseHeaderVersion,
  type ApiDefinition,
} from '../src/protocol/api.js';
import { Messages } from '../src/protocol/generated/index.js';
import { Reader, Writer } from '../src/protocol/primitives/index.js';

export const CLIENT_ID = 'samsa-bench';

/** Encodes `body` as one size-prefixed request frame of `api` v`version`. */
export function encodeRequest<Req>(
  api: ApiDefinition<Req>,
  version: number,
  correlationId: number,
  body: Req,
): Buffer {
  const w = new Writer(256);
  const size = w.reserveInt32();
  Messages.RequestHeader.encode(w, requestHeaderVersion(api, version), {
    requestApiKey: api.apiKey,
    requestApiVersion: version,
    correlationId,
    clientId: CLIENT_ID,
  });
  api.request.encode(w, version, body);
  w.patchInt32(size, w.length - 4);
  return w.toBuffer();
}

/** Offset of the correlation id in a request frame: size (4), api key (2), api version (2). */
const CORRELATION_ID_AT = 8;

/**
 * Copies of one request frame in a ring of `ringSize` slots; `frame(id)` patches the correlation
 * id of slot `id % ringSize` in place and returns it, so sending costs no encoding. A slot must
 * be reused only after its previous request was answered (keep the ring larger than the number
 * of requests in flight), so its bytes are never patched while the socket may still write them.
 */
export function frameRing(template: Buffer, ringSize: number): (id: number) => Buffer {
  const ring = Array.from({ length: ringSize }, () => Buffer.from(template));
  return (id) => {
    const slot = ring[id % ringSize]!;
    slot.writeInt32BE(id, CORRELATION_ID_AT);
    return slot;
  };
}

/** Decodes a response frame (no size prefix), checking its correlation id. */
export function decodeResponse<Res>(
  api: ApiDefinition<unknown, Res>,
  version: number,
  correlationId: number,
  frame: Buffer,
): Res {
  const r = new Reader(frame);
  const header = Messages.ResponseHeader.decode(r, responseHeaderVersion(api, version));
  if (header.correlationId !== correlationId) {
    throw new Error(
      `${api.name} response has correlation id ${header.correlationId}, expected ${correlationId}`,
    );
  }
  return api.response.decode(r, version);
}

export class FrameConnection {
  readonly #socket: Socket;
  /**
   * Where a frame split across chunks is put together. Reused, so that reading 1 MiB fetch
   * responses does not allocate (and garbage-collect) 1 MiB per response: a frame handed to the
   * callback is valid until the next chunk arrives, which is enough for one request in flight.
   */
  #assembly = Buffer.allocUnsafe(64 * 1024);
  #assembled = 0;
  /** Size of the frame being assembled (prefix included), or -1 until its prefix is in. */
  #need = -1;
  /** A frame in the assembly buffer was handed out during the current data event. */
  #handedOut = false;
  #onFrame: (frame: Buffer) => void = () => undefined;
  #onError: (err: Error) => void = () => undefined;
  #correlationId = 1_000_000;
  #failure: Error | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => this.#fail(err));
    socket.on('close', () => this.#fail(new Error('The server closed the connection')));
  }

  static async open(port: number): Promise<FrameConnection> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new FrameConnection(socket);
  }

  /** Where response frames go; errors (and the server closing) go to onError. */
  listen(onFrame: (frame: Buffer) => void, onError: (err: Error) => void): void {
    this.#onFrame = onFrame;
    this.#onError = onError;
    if (this.#failure !== null) onError(this.#failure);
  }

  /** Writes one whole frame; false when the socket's buffer is full (it is still queued). */
  send(frame: Buffer): boolean {
    return this.#socket.write(frame);
  }

  /** Sends one request and resolves with its decoded response (nothing else may be in flight). */
  request<Req, Res>(
    api: ApiDefinition<Req, Res>,
    version: number,
    body: Partial<Req>,
    timeoutMs = 10_000,
  ): Promise<Res> {
    const correlationId = ++this.#correlationId;
    const frame = encodeRequest(api, version, correlationId, { ...api.request.create(), ...body });
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`No ${api.name} v${version} response in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const settle = (err: Error | null, value?: Res): void => {
        clearTimeout(timer);
        this.listen(
          () => undefined,
          () => undefined,
        );
        if (err === null) resolve(value!);
        else reject(err);
      };
      this.listen(
        (f) => {
          try {
            settle(null, decodeResponse(api, version, correlationId, f));
          } catch (err) {
            settle(err as Error);
          }
        },
        (err) => settle(err),
      );
      this.send(frame);
    });
  }

  close(): void {
    this.#failure = new Error('Connection closed by the load generator');
    this.#socket.destroy();
  }

  #fail(err: Error): void {
    if (this.#failure !== null) return;
    this.#failure = err;
    this.#onError(err);
  }

  #onData(chunk: Buffer): void {
    this.#handedOut = false;
    let at = 0;
    if (this.#assembled > 0) at = this.#assemble(chunk);
    while (at >= 0 && chunk.length - at >= 4) {
      const end = at + 4 + chunk.readInt32BE(at);
      if (end > chunk.length) break;
      this.#onFrame(chunk.subarray(at + 4, end));
      at = end;
    }
    if (at >= 0 && at < chunk.length) this.#keep(chunk.subarray(at));
  }

  /** Starts assembling a frame from `bytes`, its first bytes. */
  #keep(bytes: Buffer): void {
    // The assembly buffer still holds a frame handed out in this event: leave it alone.
    if (this.#handedOut) this.#assembly = Buffer.allocUnsafe(this.#assembly.length);
    this.#assembled = 0;
    this.#need = -1;
    const rest = this.#assemble(bytes);
    if (rest !== -1) throw new Error('A whole frame reached the assembly buffer');
  }

  #reserve(size: number): void {
    if (size <= this.#assembly.length) return;
    const next = Buffer.allocUnsafe(Math.max(size, this.#assembly.length * 2));
    this.#assembly.copy(next, 0, 0, this.#assembled);
    this.#assembly = next;
  }

  /**
   * Adds the start of `chunk` to the frame being assembled, handing the frame out once whole;
   * returns where the rest of the chunk starts, or -1 when all of it went into the frame.
   */
  #assemble(chunk: Buffer): number {
    let at = 0;
    if (this.#need < 0) {
      // The size prefix is not whole yet: complete it first.
      at = Math.min(4 - this.#assembled, chunk.length);
      this.#reserve(4);
      chunk.copy(this.#assembly, this.#assembled, 0, at);
      this.#assembled += at;
      if (this.#assembled < 4) return -1;
      this.#need = 4 + this.#assembly.readInt32BE(0);
      this.#reserve(this.#need);
    }
    const take = Math.min(this.#need - this.#assembled, chunk.length - at);
    chunk.copy(this.#assembly, this.#assembled, at, at + take);
    this.#assembled += take;
    at += take;
    if (this.#assembled < this.#need) return -1;
    const frame = this.#assembly.subarray(4, this.#need);
    this.#assembled = 0;
    this.#need = -1;
    this.#handedOut = true;
    this.#onFrame(frame);
    return at;
  }
}
