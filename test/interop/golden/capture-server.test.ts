// The capture server on the wire, driven with hand-built frames: the ApiVersions fallback layout,
// in-order answers to pipelined requests, no answer to acks=0, produce → fetch of the stored bytes,
// and a closed connection (never a crash) for what it does not serve.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import type { ApiDefinition } from '../../../src/protocol/api.js';
import { requestHeaderVersion, responseHeaderVersion } from '../../../src/protocol/api.js';
import type { FetchResponse } from '../../../src/protocol/generated/api/fetch.js';
import { defaultFetchRequestFetchPartition } from '../../../src/protocol/generated/api/fetch.js';
import type { MetadataResponse } from '../../../src/protocol/generated/api/metadata.js';
import type { ProduceResponse } from '../../../src/protocol/generated/api/produce.js';
import { Apis, Messages } from '../../../src/protocol/generated/index.js';
import { Reader, Writer } from '../../../src/protocol/primitives/index.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';
import { CaptureServer } from '../../support/capture/capture-server.js';

function frame(api: ApiDefinition, version: number, correlationId: number, body: unknown): Buffer {
  const w = new Writer();
  const sizeAt = w.reserveInt32();
  const header = {
    requestApiKey: api.apiKey,
    requestApiVersion: version,
    correlationId,
    clientId: 'raw-test',
  };
  Messages.RequestHeader.encode(w, requestHeaderVersion(api, version), header);
  api.request.encode(w, version, body);
  w.patchInt32(sizeAt, w.length - 4);
  return w.toBuffer();
}

/** A connection that collects whole response frames (without their size prefix). */
class RawClient {
  readonly socket: Socket;
  readonly closed: Promise<void>;
  #buffer: Buffer = Buffer.alloc(0);
  #frames: Buffer[] = [];
  #waiters: (() => void)[] = [];

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.closed = new Promise((resolve) => this.socket.on('close', () => resolve()));
    this.socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      while (this.#buffer.length >= 4 && this.#buffer.length >= 4 + this.#buffer.readInt32BE(0)) {
        const size = this.#buffer.readInt32BE(0);
        this.#frames.push(this.#buffer.subarray(4, 4 + size));
        this.#buffer = this.#buffer.subarray(4 + size);
      }
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  async responses(n: number): Promise<Buffer[]> {
    while (this.#frames.length < n)
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.#frames.splice(0, n);
  }

  get pending(): number {
    return this.#frames.length;
  }
}

function decodeResponse<T>(
  api: ApiDefinition,
  version: number,
  bytes: Buffer,
): { correlationId: number; body: T } {
  const r = new Reader(bytes);
  const { correlationId } = Messages.ResponseHeader.decode(r, responseHeaderVersion(api, version));
  const body = api.response.decode(r, version) as T;
  assert.equal(r.remaining, 0, `${api.name} v${version} response has trailing bytes`);
  return { correlationId, body };
}

async function withServer(
  run: (server: CaptureServer, client: RawClient) => Promise<void>,
): Promise<void> {
  const server = await CaptureServer.start();
  const client = new RawClient(server.port);
  try {
    await run(server, client);
  } finally {
    client.socket.destroy();
    await server.close();
  }
}

test('an ApiVersions version above the advertised one gets error 35 in the v0 layout', async () => {
  await withServer(async (server, client) => {
    // v9 does not exist: header v2 (flexible), body unknown to everyone, so none is sent.
    const w = new Writer();
    const sizeAt = w.reserveInt32();
    Messages.RequestHeader.encode(w, 2, {
      requestApiKey: 18,
      requestApiVersion: 9,
      correlationId: 77,
      clientId: 'raw-test',
    });
    w.patchInt32(sizeAt, w.length - 4);
    client.socket.write(w.toBuffer());
    const [response] = await client.responses(1);
    const max = server.advertised.get(Apis.ApiVersions.apiKey)!.maxVersion;
    const expected = Buffer.alloc(16);
    expected.writeInt32BE(77, 0); // response header v0: correlation id only
    expected.writeInt16BE(35, 4); // UNSUPPORTED_VERSION
    expected.writeInt32BE(1, 6); // one key (int32 count: the v0 layout)
    expected.writeInt16BE(18, 10);
    expected.writeInt16BE(0, 12);
    expected.writeInt16BE(max, 14);
    assert.deepEqual(response, expected);
    assert.deepEqual(server.problems, []);
    assert.equal(server.frames[0]?.apiVersion, 9, 'the frame is still recorded');
  });
});

test('pipelined requests are answered in order, and acks=0 gets no answer', async () => {
  await withServer(async (server, client) => {
    const metadata = {
      ...Apis.Metadata.request.create(),
      topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 't' }],
      allowAutoTopicCreation: true,
    };
    const batch = buildRecordBatch({
      records: [{ key: Buffer.from('k'), value: Buffer.from('v') }],
    });
    const produce = (acks: number) => ({
      ...Apis.Produce.request.create(),
      acks,
      timeoutMs: 1000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: batch }] }],
    });
    client.socket.write(
      Buffer.concat([
        frame(Apis.Metadata, 12, 1, metadata),
        frame(Apis.Produce, 9, 2, produce(0)),
        frame(Apis.Produce, 9, 3, produce(-1)),
        frame(Apis.ApiVersions, 3, 4, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' }),
      ]),
    );
    const [m, p, a] = await client.responses(3);
    const md = decodeResponse<MetadataResponse>(Apis.Metadata, 12, m!);
    assert.equal(md.correlationId, 1);
    assert.equal(md.body.topics[0]?.name, 't');
    assert.equal(md.body.brokers[0]?.port, server.port);
    const pr = decodeResponse<ProduceResponse>(Apis.Produce, 9, p!);
    assert.equal(pr.correlationId, 3, 'the acks=0 produce (2) got no response');
    assert.equal(
      pr.body.responses[0]?.partitionResponses[0]?.baseOffset,
      1n,
      'both produces were appended',
    );
    assert.equal(decodeResponse(Apis.ApiVersions, 3, a!).correlationId, 4);
    assert.equal(client.pending, 0);
  });
});

test('a fetch returns the produced batch with the broker-assigned base offset and a valid CRC', async () => {
  await withServer(async (server, client) => {
    const topic = server.store.create('f');
    const batch = buildRecordBatch({
      records: [
        { key: null, value: Buffer.from('one') },
        { key: null, value: Buffer.from('two') },
      ],
    });
    topic.partitions[0]!.append(batch);
    topic.partitions[0]!.append(batch);
    const partition = {
      ...defaultFetchRequestFetchPartition(),
      fetchOffset: 3n,
      partitionMaxBytes: 1 << 20,
    };
    const fetch = {
      ...Apis.Fetch.request.create(),
      maxWaitMs: 0,
      topics: [{ topic: '', topicId: topic.id, partitions: [partition] }],
    };
    client.socket.write(frame(Apis.Fetch, 17, 9, fetch));
    const [response] = await client.responses(1);
    const { body } = decodeResponse<FetchResponse>(Apis.Fetch, 17, response!);
    const fetched = body.responses[0]?.partitions[0];
    assert.equal(body.responses[0]?.topicId, topic.id);
    assert.equal(fetched?.errorCode, 0);
    assert.equal(fetched?.highWatermark, 4n);
    const records = fetched?.records ?? Buffer.alloc(0);
    assert.equal(
      records.length,
      batch.length,
      'the whole batch holding offset 3, not the one before',
    );
    assert.equal(records.readBigInt64BE(0), 2n, 'base offset written by the server');
    assert.deepEqual(records.subarray(8), batch.subarray(8), 'every other byte as produced');
  });
});

test('an API the server does not advertise closes the connection and is reported', async () => {
  await withServer(async (server, client) => {
    client.socket.write(frame(Apis.ListGroups, 4, 5, Apis.ListGroups.request.create()));
    await client.closed;
    assert.equal(client.pending, 0);
    assert.equal(server.frames[0]?.apiKey, Apis.ListGroups.apiKey);
    assert.match(server.problems[0] ?? '', /ListGroups v4 is not advertised/);
  });
});

test('an unknown API key closes the connection, and its frame is still recorded', async () => {
  await withServer(async (server, client) => {
    const unknown = Buffer.from([0, 0, 0, 8, 0x03, 0xe7, 0, 0, 0, 0, 0, 42]); // key 999 v0, correlation 42
    client.socket.write(unknown);
    await client.closed;
    assert.deepEqual(
      server.frames.map((f) => [f.apiKey, f.apiVersion, f.correlationId, f.bytes.length]),
      [[999, 0, 42, 8]],
    );
    assert.match(server.problems[0] ?? '', /unknown API key 999/);
  });
});
