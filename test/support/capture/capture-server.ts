// A small Kafka-speaking server that records every request frame a real client sends and answers
// enough of them (see handlers.ts) to lead the client through its handshake, produce and fetch.
// Test support for golden fixtures, not the broker: one node on 127.0.0.1, memory only.
//
// On the wire: int32 size-prefixed frames; requests on one connection are answered strictly in
// order; the response header version follows responseHeaderVersion (v0 for ApiVersions). A request
// the server cannot answer (unknown API, unadvertised version, undecodable body) is recorded as a
// problem and its connection closed, as Kafka closes connections it cannot parse.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ApiDefinition } from '../../../src/protocol/api.js';
import { responseHeaderVersion } from '../../../src/protocol/api.js';
import { Apis, Messages } from '../../../src/protocol/generated/index.js';
import { Reader, Writer } from '../../../src/protocol/primitives/index.js';
import { advertisedVersions, type VersionRange } from './advertised-versions.js';
import { handlerFor, unsupportedApiVersionsResponse, type HandlerContext } from './handlers.js';
import { decodeFrameHeader, peekApiKeyAndVersion } from './request-frame.js';
import { TopicStore } from './topic-store.js';

const HOST = '127.0.0.1';
/** Larger frames than this are refused (Kafka's socket.request.max.bytes is 100 MiB). */
const MAX_FRAME_BYTES = 100 * 1024 * 1024;

export interface CapturedFrame {
  /** Arrival order over the whole server, from 0. */
  seq: number;
  /** Which client connection sent it, numbered from 1 in accept order. */
  connection: number;
  /** The label set with `setRun` when the frame arrived. */
  run: string;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** The frame after its size prefix: request header, then body. */
  bytes: Buffer;
}

export interface CaptureServerOptions {
  /** Lower the advertised max version of some APIs, by API key. */
  maxVersionCaps?: ReadonlyMap<number, number>;
  /** Longest an empty fetch waits before answering (default 100 ms). */
  fetchWaitCapMs?: number;
}

export class CaptureServer {
  readonly frames: CapturedFrame[] = [];
  /** Requests the server could not answer, and why. A clean capture has none. */
  readonly problems: string[] = [];
  readonly store = new TopicStore();
  readonly advertised: ReadonlyMap<number, VersionRange>;

  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #fetchWaitCapMs: number;
  #port = 0;
  #run = '';
  #connections = 0;
  #producerIds = 1000n;

  private constructor(options: CaptureServerOptions) {
    this.advertised = advertisedVersions(options.maxVersionCaps);
    this.#fetchWaitCapMs = options.fetchWaitCapMs ?? 100;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  static async start(options: CaptureServerOptions = {}): Promise<CaptureServer> {
    const capture = new CaptureServer(options);
    await new Promise<void>((resolve, reject) => {
      capture.#server.once('error', reject);
      capture.#server.listen(0, HOST, () => resolve());
    });
    capture.#port = (capture.#server.address() as AddressInfo).port;
    return capture;
  }

  get host(): string {
    return HOST;
  }

  get port(): number {
    return this.#port;
  }

  /** `host:port`, as clients take a bootstrap address. */
  get address(): string {
    return `${HOST}:${this.#port}`;
  }

  /** Labels the frames that arrive from now on (one label per client run). */
  setRun(name: string): void {
    this.#run = name;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    const connection = ++this.#connections;
    this.#sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    // Requests are handled one at a time so responses leave in request order.
    let queue = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const size = pending.readInt32BE(0);
        if (size < 0 || size > MAX_FRAME_BYTES) {
          this.problems.push(`connection ${connection}: frame size ${size} refused`);
          socket.destroy();
          return;
        }
        if (pending.length < 4 + size) break;
        const frame = Buffer.from(pending.subarray(4, 4 + size));
        pending = pending.subarray(4 + size);
        queue = queue.then(() => this.#handle(socket, connection, frame));
      }
    });
  }

  async #handle(socket: Socket, connection: number, frame: Buffer): Promise<void> {
    if (socket.destroyed) return;
    const peek = peekApiKeyAndVersion(frame);
    const where = `connection ${connection}, ${peek === null ? 'short frame' : `API ${peek.apiKey} v${peek.apiVersion}`}`;
    // Recorded before anything is decoded, so even a frame the server cannot read is kept.
    const captured: CapturedFrame = {
      seq: this.frames.length,
      connection,
      run: this.#run,
      apiKey: peek?.apiKey ?? -1,
      apiVersion: peek?.apiVersion ?? -1,
      correlationId: frame.length >= 8 ? frame.readInt32BE(4) : -1,
      clientId: null,
      bytes: frame,
    };
    this.frames.push(captured);
    try {
      const head = decodeFrameHeader(frame);
      const { requestApiKey: apiKey, requestApiVersion: version, correlationId } = head.header;
      captured.clientId = head.header.clientId;
      const range = this.advertised.get(apiKey);
      if (apiKey === Apis.ApiVersions.apiKey && range !== undefined && version > range.maxVersion) {
        this.#respond(socket, head.api, 0, correlationId, unsupportedApiVersionsResponse(range));
        return;
      }
      const handler = handlerFor(head.api);
      if (
        range === undefined ||
        handler === null ||
        version < range.minVersion ||
        version > range.maxVersion
      ) {
        throw new Error(`${head.api.name} v${version} is not advertised`);
      }
      const r = new Reader(frame, head.bodyOffset);
      const body = head.api.request.decode(r, version);
      if (r.remaining !== 0)
        throw new Error(`${r.remaining} bytes left after the ${head.api.name} body`);
      const response = await handler(this.#context(version), body);
      if (response !== null) this.#respond(socket, head.api, version, correlationId, response);
    } catch (err) {
      this.problems.push(`${where}: ${(err as Error).message}`);
      socket.destroy();
    }
  }

  #context(version: number): HandlerContext {
    return {
      version,
      store: this.store,
      host: HOST,
      port: this.#port,
      advertised: this.advertised,
      fetchWaitCapMs: this.#fetchWaitCapMs,
      nextProducerId: () => this.#producerIds++,
    };
  }

  #respond(
    socket: Socket,
    api: ApiDefinition,
    version: number,
    correlationId: number,
    body: unknown,
  ): void {
    const w = new Writer();
    const sizeAt = w.reserveInt32();
    Messages.ResponseHeader.encode(w, responseHeaderVersion(api, version), { correlationId });
    api.response.encode(w, version, body);
    w.patchInt32(sizeAt, w.length - 4);
    if (!socket.destroyed) socket.write(w.toBuffer());
  }
}
