// A minimal Kafka client for handler tests: one socket, requests encoded and responses decoded
// with the generated codecs at any version, one request at a time. Lets a test send what real
// clients never do (duplicate names, deletes by id, v0 DescribeConfigs).
import { connect, type Socket } from 'node:net';
import {
  requestHeaderVersion,
  responseHeaderVersion,
  type ApiDefinition,
} from '../../../src/protocol/api.js';
import { Messages } from '../../../src/protocol/generated/index.js';
import { Reader, Writer } from '../../../src/protocol/primitives/index.js';

export class WireClient {
  readonly #socket: Socket;
  #pending = Buffer.alloc(0);
  #waiting: ((frame: Buffer) => void) | undefined;
  #correlationId = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#pending = Buffer.concat([this.#pending, chunk]);
      if (this.#pending.length < 4) return;
      const size = this.#pending.readInt32BE(0);
      if (this.#pending.length < 4 + size) return;
      const frame = this.#pending.subarray(4, 4 + size);
      this.#pending = this.#pending.subarray(4 + size);
      this.#waiting?.(frame);
    });
  }

  static async connect(port: number): Promise<WireClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new WireClient(socket);
  }

  /** Sends `body` as `api` v`version` and returns the decoded response body. */
  async send<Req, Res>(
    api: ApiDefinition<Req, Res>,
    version: number,
    body: Partial<Req>,
  ): Promise<Res> {
    const correlationId = ++this.#correlationId;
    const w = new Writer(256);
    const size = w.reserveInt32();
    Messages.RequestHeader.encode(w, requestHeaderVersion(api, version), {
      requestApiKey: api.apiKey,
      requestApiVersion: version,
      correlationId,
      clientId: 'wire-client',
    });
    api.request.encode(w, version, { ...api.request.create(), ...body });
    w.patchInt32(size, w.length - 4);
    const frame = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${api.name} v${version} response`)),
        5000,
      );
      this.#waiting = (f) => {
        clearTimeout(timer);
        resolve(f);
      };
      this.#socket.write(w.toBuffer());
    });
    const r = new Reader(frame);
    const header = Messages.ResponseHeader.decode(r, responseHeaderVersion(api, version));
    if (header.correlationId !== correlationId) {
      throw new Error(`correlation id ${header.correlationId}, expected ${correlationId}`);
    }
    return api.response.decode(r, version);
  }

  close(): void {
    this.#socket.destroy();
  }
}
