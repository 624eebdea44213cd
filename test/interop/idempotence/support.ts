// Shared by the idempotent-producer interop tests:
//  - a broker behind a proxy that swallows the response to the first Produce request(s) and then
//    drops the connection, so a real client's in-flight batch is written but never acknowledged
//    and the client must retry it: exactly the failure idempotence exists for. The broker
//    advertises the proxy, so every client connection goes through it.
//  - topic creation over the wire, and a kcat consumer (-C -p 0 -o beginning -e, no group).
//  - raw request frames: encode once, send the same bytes as often as wanted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  requestHeaderVersion,
  responseHeaderVersion,
  type ApiDefinition,
} from '../../../src/protocol/api.js';
import { Apis, Messages } from '../../../src/protocol/generated/index.js';
import { Reader, Writer } from '../../../src/protocol/primitives/index.js';
import { readRecordBatches } from '../../../src/protocol/records/index.js';
import { startBroker, type TestBroker } from '../../support/broker.js';
import { runChild } from '../../support/capture/client-capture.js';
import { WireClient } from '../../server/handlers/wire-client.js';

const PRODUCE_KEY = 0;

/** Splits a byte stream into size-prefixed Kafka frames (size prefix included). */
class FrameSplitter {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: Buffer[] = [];
    while (this.#pending.length >= 4) {
      const size = this.#pending.readInt32BE(0);
      if (this.#pending.length < 4 + size) break;
      frames.push(this.#pending.subarray(0, 4 + size));
      this.#pending = this.#pending.subarray(4 + size);
    }
    return frames;
  }
}

/**
 * A TCP proxy to the broker that, for the first `dropProduceResponses` Produce requests it sees,
 * lets the request through but swallows the broker's response and closes both connections.
 */
export class RetryProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #targetPort = 0;
  #toDrop: number;
  /** Produce requests whose response was swallowed. */
  dropped = 0;
  /** Produce requests seen, retries included. */
  produceRequests = 0;

  private constructor(dropProduceResponses: number) {
    this.#toDrop = dropProduceResponses;
    this.#server = createServer((client) => this.#accept(client));
  }

  static async start(dropProduceResponses: number): Promise<RetryProxy> {
    const proxy = new RetryProxy(dropProduceResponses);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy not listening');
    return address.port;
  }

  set targetPort(port: number) {
    this.#targetPort = port;
  }

  #accept(client: Socket): void {
    const upstream = connect(this.#targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
      s.on('error', () => undefined);
    }
    const produceIds = new Set<number>();
    const requests = new FrameSplitter();
    const responses = new FrameSplitter();
    let cut = false;
    const cutBoth = (): void => {
      cut = true;
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      for (const frame of requests.push(chunk)) {
        if (frame.readInt16BE(4) === PRODUCE_KEY) {
          this.produceRequests++;
          produceIds.add(frame.readInt32BE(8));
        }
      }
      if (!cut) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      for (const frame of responses.push(chunk)) {
        if (cut) return;
        const correlationId = frame.readInt32BE(4);
        if (produceIds.has(correlationId) && this.#toDrop > 0) {
          this.#toDrop--;
          this.dropped++;
          cutBoth();
          return;
        }
        client.write(frame);
      }
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

export interface IdempotenceBroker {
  broker: TestBroker;
  /** What clients connect to: the proxy. */
  bootstrap: string;
  proxy: RetryProxy;
}

/** A broker behind a RetryProxy that swallows `dropProduceResponses` Produce responses. */
export async function withRetryBroker(
  dropProduceResponses: number,
  fn: (ctx: IdempotenceBroker) => Promise<void>,
): Promise<void> {
  const proxy = await RetryProxy.start(dropProduceResponses);
  const broker = await startBroker({
    overrides: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}` },
  });
  proxy.targetPort = broker.port;
  try {
    await fn({ broker, bootstrap: `127.0.0.1:${proxy.port}`, proxy });
  } finally {
    await proxy.close();
    await broker.stop();
  }
}

/** Creates `name` with `partitions` partitions, talking to the broker directly. */
export async function createTopic(port: number, name: string, partitions = 1): Promise<void> {
  const client = await WireClient.connect(port);
  try {
    const response = await client.send(Apis.CreateTopics, 7, {
      topics: [
        { name, numPartitions: partitions, replicationFactor: -1, assignments: [], configs: [] },
      ],
      timeoutMs: 5000,
    });
    assert.equal(response.topics[0]?.errorCode, 0, response.topics[0]?.errorMessage ?? '');
  } finally {
    client.close();
  }
}

/** Every record of partition 0 as `offset:key=value` lines, read by kcat without a group. */
export async function kcatConsume(bootstrap: string, topic: string): Promise<string[]> {
  const { stdout } = await runChild(
    'kcat',
    [
      '-b',
      bootstrap,
      '-C',
      '-t',
      topic,
      '-p',
      '0',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%o:%k=%s\\n',
    ],
    { timeoutMs: 15_000 },
  );
  return stdout.split('\n').filter((line) => line !== '');
}

/** `offset:key=value` lines for records key-i=value-i, i in [0, n), at offsets 0..n-1. */
export function expectedLines(n: number, prefix = ''): string[] {
  return Array.from({ length: n }, (_, i) => `${i}:${prefix}k${i}=${prefix}v${i}`);
}

/** A request frame (size prefix included), encoded once so it can be sent byte for byte again. */
export function encodeRequest<Req>(
  api: ApiDefinition<Req, unknown>,
  version: number,
  correlationId: number,
  body: Partial<Req>,
): Buffer {
  const w = new Writer(512);
  const size = w.reserveInt32();
  Messages.RequestHeader.encode(w, requestHeaderVersion(api, version), {
    requestApiKey: api.apiKey,
    requestApiVersion: version,
    correlationId,
    clientId: 'idempotence-test',
  });
  api.request.encode(w, version, { ...api.request.create(), ...body });
  w.patchInt32(size, w.length - 4);
  return w.toBuffer();
}

/** One socket that sends raw frames and reads whole response frames, in order. */
export class RawConnection {
  readonly #socket: Socket;
  readonly #splitter = new FrameSplitter();
  readonly #frames: Buffer[] = [];
  #wake: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#frames.push(...this.#splitter.push(chunk));
      this.#wake?.();
    });
  }

  static async connect(port: number): Promise<RawConnection> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawConnection(socket);
  }

  /** Sends `frame` and decodes the next response as `api` v`version`. */
  async roundTrip<Res>(
    api: ApiDefinition<unknown, Res>,
    version: number,
    frame: Buffer,
  ): Promise<Res> {
    this.#socket.write(frame);
    const deadline = Date.now() + 5000;
    while (this.#frames.length === 0) {
      if (Date.now() > deadline) throw new Error(`no ${api.name} response`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    const response = this.#frames.shift()!;
    const r = new Reader(response.subarray(4));
    const header = Messages.ResponseHeader.decode(r, responseHeaderVersion(api, version));
    assert.equal(header.correlationId, frame.readInt32BE(8), 'responses come back in order');
    return api.response.decode(r, version);
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** Producer id, epoch, base sequence and record count of each batch in partition 0's first segment. */
export function storedBatches(
  dataDir: string,
  topic: string,
): { producerId: bigint; producerEpoch: number; baseSequence: number; count: number }[] {
  const file = join(dataDir, `${topic}-0`, '00000000000000000000.log');
  const { batches, truncatedTail } = readRecordBatches(readFileSync(file));
  assert.equal(truncatedTail, null);
  return batches.map((b) => ({
    producerId: b.producerId,
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    count: b.recordCount,
  }));
}

/**
 * Checks that the stored batches come from `producers` idempotent producers, each with sequences
 * that start at 0 and follow on without a gap or a repeat.
 */
export function assertSequencesContiguous(
  batches: ReturnType<typeof storedBatches>,
  producers: number,
): void {
  const next = new Map<bigint, number>();
  for (const b of batches) {
    assert.ok(b.producerId >= 0n, 'every batch carries a producer id');
    assert.equal(b.baseSequence, next.get(b.producerId) ?? 0, `producer ${b.producerId}`);
    next.set(b.producerId, b.baseSequence + b.count);
  }
  assert.equal(next.size, producers, 'producer ids');
}
