// BrokerConnection: one TCP connection to one broker, speaking Kafka's framing with Samsa's
// generated codecs.
//
// - Opening it negotiates versions: ApiVersions at our highest version, falling back as Kafka's
//   clients do when the broker answers UNSUPPORTED_VERSION (a v0 body naming its range). After
//   that, versionFor(api) is min(our max, broker max) per API, and an API whose ranges do not meet
//   is refused before anything is sent.
// - Requests are pipelined: any number may be in flight; each carries its own correlation id and
//   its response is matched by that id (Kafka answers in order, so a stray id means the stream is
//   broken and the connection is closed).
// - Every request has a timeout. A timed-out request leaves the stream in an unknown state, so the
//   connection is closed and every other request in flight fails with it, as Kafka's clients do.
import { connect, type Socket } from 'node:net';
import {
  requestHeaderVersion,
  responseHeaderVersion,
  type ApiDefinition,
} from '../../protocol/api.js';
import { Apis, Messages } from '../../protocol/generated/index.js';
import type { ApiVersionsResponse } from '../../protocol/generated/api/api-versions.js';
import { Reader, Writer } from '../../protocol/primitives/index.js';
import { formatAddress, type BrokerAddress } from './address.js';
import { ClientError, kafkaErrorFor } from './errors.js';

export interface ConnectionOptions {
  /** client.id in every request header; default "samsa-cli". */
  clientId?: string;
  /** Sent in ApiVersions v3+ (KIP-511). */
  softwareName?: string;
  softwareVersion?: string;
  /** How long a TCP connect may take; default 10 s. */
  connectTimeoutMs?: number;
  /** Default per-request timeout; default 30 s. send() may override it per request. */
  requestTimeoutMs?: number;
  /** Largest response frame accepted; default 256 MiB. */
  maxResponseBytes?: number;
}

export interface VersionRange {
  min: number;
  max: number;
}

export interface SendOptions {
  /** Version to send; default versionFor(api). */
  version?: number;
  /** Overrides the connection's request timeout (a long-poll Fetch adds its maxWaitMs). */
  timeoutMs?: number;
}

interface Pending {
  api: ApiDefinition;
  version: number;
  resolve(body: Reader): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const UNSUPPORTED_VERSION = 35;

/** The highest version of `api` Samsa's codecs speak for requests (an unstable latest excluded). */
export function clientMaxVersion(api: ApiDefinition): number {
  return api.latestVersionUnstable ? api.maxVersion - 1 : api.maxVersion;
}

function describeSocketError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ECONNRESET':
      return 'connection reset by the broker';
    default:
      return err.message;
  }
}

export class BrokerConnection {
  readonly address: BrokerAddress;
  /** "host:port", for messages. */
  readonly label: string;
  readonly #socket: Socket;
  readonly #clientId: string;
  readonly #requestTimeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #pending = new Map<number, Pending>();
  #correlationId = 0;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #frameSize = -1;
  #closedBy: ClientError | null = null;
  #brokerVersions = new Map<number, VersionRange>();
  #apiVersionsResponse: ApiVersionsResponse | null = null;

  private constructor(address: BrokerAddress, socket: Socket, options: ConnectionOptions) {
    this.address = address;
    this.label = formatAddress(address);
    this.#socket = socket;
    this.#clientId = options.clientId ?? 'samsa-cli';
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#maxResponseBytes = options.maxResponseBytes ?? 256 * 1024 * 1024;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      this.#fail(
        new ClientError(
          'SAMSA_ERR_CONNECTION_CLOSED',
          `Connection to ${this.label} failed: ${describeSocketError(err)}`,
          { cause: err },
        ),
      ),
    );
    socket.on('close', () =>
      this.#fail(
        new ClientError(
          'SAMSA_ERR_CONNECTION_CLOSED',
          `Connection to ${this.label} closed by the broker before it answered`,
        ),
      ),
    );
  }

  /** Connects and negotiates API versions. */
  static async open(
    address: BrokerAddress,
    options: ConnectionOptions = {},
  ): Promise<BrokerConnection> {
    const label = formatAddress(address);
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: address.host, port: address.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(
          new ClientError(
            'SAMSA_ERR_BROKER_UNREACHABLE',
            `Cannot connect to ${label}: no answer within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          new ClientError(
            'SAMSA_ERR_BROKER_UNREACHABLE',
            `Cannot connect to ${label}: ${describeSocketError(err)}`,
            { cause: err },
          ),
        );
      });
    });
    const conn = new BrokerConnection(address, socket, options);
    try {
      await conn.#negotiate(options);
    } catch (err) {
      conn.close();
      throw err;
    }
    return conn;
  }

  /** The broker's ApiVersions answer (its API ranges, features). */
  get apiVersions(): ApiVersionsResponse {
    return this.#apiVersionsResponse!;
  }

  /** The version ranges the broker advertised, by API key. */
  get brokerVersions(): ReadonlyMap<number, VersionRange> {
    return this.#brokerVersions;
  }

  get closed(): boolean {
    return this.#closedBy !== null;
  }

  /** The version both sides speak: min(our max, broker max), or null when the ranges do not meet. */
  negotiatedVersion(api: ApiDefinition): number | null {
    const broker = this.#brokerVersions.get(api.apiKey);
    if (broker === undefined) return null;
    const max = Math.min(clientMaxVersion(api), broker.max);
    return max >= Math.max(api.minVersion, broker.min) ? max : null;
  }

  supports(api: ApiDefinition): boolean {
    return this.negotiatedVersion(api) !== null;
  }

  versionFor(api: ApiDefinition): number {
    const version = this.negotiatedVersion(api);
    if (version === null) {
      const broker = this.#brokerVersions.get(api.apiKey);
      const range = broker ? `versions ${broker.min}-${broker.max}` : 'no version';
      throw new ClientError(
        'SAMSA_ERR_UNSUPPORTED_API',
        `Broker ${this.label} does not support ${api.name} (it serves ${range}; Samsa speaks ${api.minVersion}-${clientMaxVersion(api)})`,
      );
    }
    return version;
  }

  /** Sends a request and resolves with its decoded response. */
  async send<Req, Res>(
    api: ApiDefinition<Req, Res>,
    body: Partial<Req>,
    options: SendOptions = {},
  ): Promise<Res> {
    const version = options.version ?? this.versionFor(api as ApiDefinition);
    const reader = await this.#exchange(api as ApiDefinition, version, body, options.timeoutMs);
    try {
      return api.response.decode(reader, version);
    } catch (err) {
      throw new ClientError(
        'SAMSA_ERR_BAD_RESPONSE',
        `Cannot decode ${api.name} v${version} response from ${this.label}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /** Sends a request the broker does not answer (Produce with acks=0); resolves once written. */
  async sendNoResponse<Req>(
    api: ApiDefinition<Req, unknown>,
    body: Partial<Req>,
    options: { version?: number } = {},
  ): Promise<void> {
    const version = options.version ?? this.versionFor(api as ApiDefinition);
    const { frame } = this.#encode(api as ApiDefinition, version, body);
    await this.#write(frame);
  }

  /** Closes the connection; requests still in flight fail. */
  close(): void {
    this.#fail(
      new ClientError('SAMSA_ERR_CONNECTION_CLOSED', `Connection to ${this.label} was closed`),
    );
  }

  async #negotiate(options: ConnectionOptions): Promise<void> {
    const api = Apis.ApiVersions as ApiDefinition;
    const body = {
      clientSoftwareName: options.softwareName ?? 'samsa-cli',
      clientSoftwareVersion: options.softwareVersion ?? '0',
    };
    let version = clientMaxVersion(api);
    for (let attempt = 0; attempt < 3; attempt++) {
      const reader = await this.#exchange(api, version, body);
      const start = reader.offset;
      let response: ApiVersionsResponse;
      try {
        response = Apis.ApiVersions.response.decode(reader, version);
      } catch {
        response = { ...Apis.ApiVersions.response.create(), errorCode: UNSUPPORTED_VERSION };
      }
      if (response.errorCode === UNSUPPORTED_VERSION && version > 0) {
        // The broker answered in v0 with its own ApiVersions range (Kafka's rule).
        const v0 = Apis.ApiVersions.response.decode(new Reader(reader.buf, start, reader.end), 0);
        const theirs = v0.apiKeys.find((k) => k.apiKey === api.apiKey);
        version = Math.min(version - 1, theirs?.maxVersion ?? 0);
        continue;
      }
      if (response.errorCode !== 0) throw kafkaErrorFor(response.errorCode);
      this.#apiVersionsResponse = response;
      for (const k of response.apiKeys) {
        this.#brokerVersions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
      }
      return;
    }
    throw new ClientError(
      'SAMSA_ERR_UNSUPPORTED_API',
      `Broker ${this.label} accepts no ApiVersions version Samsa speaks`,
    );
  }

  #encode(
    api: ApiDefinition,
    version: number,
    body: unknown,
  ): { correlationId: number; frame: Buffer[] } {
    if (this.#closedBy !== null) throw this.#closedBy;
    const correlationId = this.#correlationId;
    this.#correlationId = (this.#correlationId + 1) & 0x7fffffff;
    const w = new Writer(256);
    const size = w.reserveInt32();
    Messages.RequestHeader.encode(w, requestHeaderVersion(api, version), {
      requestApiKey: api.apiKey,
      requestApiVersion: version,
      correlationId,
      clientId: this.#clientId,
    });
    api.request.encode(w, version, { ...(api.request.create() as object), ...(body as object) });
    w.patchInt32(size, w.length - 4);
    return { correlationId, frame: w.toChunks() };
  }

  #write(frame: Buffer[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#socket.cork();
      for (let i = 0; i < frame.length; i++) {
        if (i < frame.length - 1) this.#socket.write(frame[i]!);
        else this.#socket.write(frame[i]!, (err) => (err ? reject(err) : resolve()));
      }
      this.#socket.uncork();
    });
  }

  #exchange(
    api: ApiDefinition,
    version: number,
    body: unknown,
    timeoutMs = this.#requestTimeoutMs,
  ): Promise<Reader> {
    return new Promise<Reader>((resolve, reject) => {
      const { correlationId, frame } = this.#encode(api, version, body);
      const timer = setTimeout(() => {
        this.#pending.delete(correlationId);
        reject(
          new ClientError(
            'SAMSA_ERR_REQUEST_TIMEOUT',
            `Broker ${this.label} did not answer ${api.name} within ${timeoutMs} ms`,
          ),
        );
        this.#fail(
          new ClientError(
            'SAMSA_ERR_CONNECTION_CLOSED',
            `Connection to ${this.label} closed after a ${api.name} request timed out`,
          ),
        );
      }, timeoutMs);
      this.#pending.set(correlationId, { api, version, resolve, reject, timer });
      this.#write(frame).catch(() => {
        // A failed write also closes the socket; #fail rejects the request.
      });
    });
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (this.#frameSize < 0) {
        if (this.#buffered < 4) return;
        const size = this.#take(4).readInt32BE(0);
        if (size < 4 || size > this.#maxResponseBytes) {
          this.#fail(
            new ClientError(
              'SAMSA_ERR_BAD_RESPONSE',
              `Broker ${this.label} sent a response frame of ${size} bytes (the limit is ${this.#maxResponseBytes})`,
            ),
          );
          return;
        }
        this.#frameSize = size;
      }
      if (this.#buffered < this.#frameSize) return;
      const frame = this.#take(this.#frameSize);
      this.#frameSize = -1;
      this.#onFrame(frame);
      if (this.#closedBy !== null) return;
    }
  }

  /** Removes and returns the next n buffered bytes (copying only when they span chunks). */
  #take(n: number): Buffer {
    this.#buffered -= n;
    const first = this.#chunks[0]!;
    if (first.length >= n) {
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0]!;
      const used = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(used);
    }
    return out;
  }

  #onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const pending = this.#pending.get(correlationId);
    if (pending === undefined) {
      this.#fail(
        new ClientError(
          'SAMSA_ERR_BAD_RESPONSE',
          `Broker ${this.label} answered correlation id ${correlationId}, which no request in flight has`,
        ),
      );
      return;
    }
    this.#pending.delete(correlationId);
    clearTimeout(pending.timer);
    try {
      const reader = new Reader(frame);
      Messages.ResponseHeader.decode(reader, responseHeaderVersion(pending.api, pending.version));
      pending.resolve(reader);
    } catch (err) {
      pending.reject(
        new ClientError(
          'SAMSA_ERR_BAD_RESPONSE',
          `Cannot decode the ${pending.api.name} response header from ${this.label}`,
          { cause: err },
        ),
      );
    }
  }

  #fail(reason: ClientError): void {
    if (this.#closedBy !== null) return;
    this.#closedBy = reason;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(reason);
    }
    this.#pending.clear();
    this.#socket.destroy();
  }
}
