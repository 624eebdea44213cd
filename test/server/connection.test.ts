// The network layer with raw sockets: framing limits, in-order pipelined responses, and the ways a
// bad request closes only its own connection. (Real clients drive the full broker in interop tests;
// these cases are ones no well-behaved client can produce.)
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { Apis, Messages } from '../../src/protocol/generated/index.js';
import { Reader, Writer } from '../../src/protocol/primitives/index.js';
import { HandlerRegistry } from '../../src/server/handler-registry.js';
import {
  apiVersionsHandler,
  type ApiVersionsServices,
} from '../../src/server/handlers/18-api-versions.js';
import { RequestDispatcher } from '../../src/server/request-dispatcher.js';
import { SocketServer } from '../../src/server/socket-server.js';

const MAX_FRAME = 1024 * 1024;
let server: SocketServer<ApiVersionsServices>;
let port: number;

before(async () => {
  const registry = new HandlerRegistry<ApiVersionsServices>([apiVersionsHandler]);
  const services: ApiVersionsServices = { advertisedApis: () => registry.advertised() };
  server = new SocketServer(
    new RequestDispatcher(registry, services),
    { maxFrameBytes: MAX_FRAME, maxInFlightRequests: 8 },
    pino({ level: 'silent' }),
  );
  const [bound] = await server.listen([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }]);
  port = bound!.boundPort;
});

after(() => server.close(1000));

function apiVersionsRequest(
  version: number,
  correlationId: number,
  extra: Buffer = Buffer.alloc(0),
): Buffer {
  const w = new Writer();
  const size = w.reserveInt32();
  const headerVersion = version >= 3 ? 2 : 1;
  Messages.RequestHeader.encode(w, headerVersion, {
    requestApiKey: 18,
    requestApiVersion: version,
    correlationId,
    clientId: 'raw-test',
  });
  if (version <= 4) {
    Apis.ApiVersions.request.encode(w, version, {
      clientSoftwareName: 'raw-test',
      clientSoftwareVersion: '1.0',
    });
  } else {
    w.writeUVarint(0); // a body the broker cannot know
  }
  w.writeRaw(extra);
  w.patchInt32(size, w.length - 4);
  return w.toBuffer();
}

/** Connects, writes, and collects response frames until `count` arrive or the socket closes. */
async function exchange(
  bytes: Buffer,
  count: number,
): Promise<{ frames: Buffer[]; closed: boolean }> {
  const socket: Socket = connect(port, '127.0.0.1');
  const frames: Buffer[] = [];
  let pending = Buffer.alloc(0);
  let closed = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out with ${frames.length} of ${count} frames`)),
      5000,
    );
    const finish = (): void => {
      clearTimeout(timer);
      resolve();
    };
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = pending.readInt32BE(0);
        frames.push(pending.subarray(4, 4 + size));
        pending = pending.subarray(4 + size);
      }
      if (frames.length >= count) finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
  socket.destroy();
  return { frames, closed };
}

function decodeApiVersions(frame: Buffer, version: number) {
  const r = new Reader(frame);
  const header = Messages.ResponseHeader.decode(r, 0); // ApiVersions responses always use header v0
  return {
    correlationId: header.correlationId,
    body: Apis.ApiVersions.response.decode(r, version),
  };
}

test('ApiVersions v0-v4 answer with the served APIs in response header v0', async () => {
  for (let v = 0; v <= 4; v++) {
    const { frames } = await exchange(apiVersionsRequest(v, 100 + v), 1);
    const { correlationId, body } = decodeApiVersions(frames[0]!, v);
    assert.equal(correlationId, 100 + v);
    assert.equal(body.errorCode, 0);
    assert.deepEqual(
      body.apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion]),
      [[18, 0, 4]],
    );
  }
});

test('an ApiVersions version newer than served gets error 35 in the v0 layout, not a disconnect', async () => {
  const { frames, closed } = await exchange(apiVersionsRequest(9, 7), 1);
  const { correlationId, body } = decodeApiVersions(frames[0]!, 0);
  assert.equal(correlationId, 7);
  assert.equal(body.errorCode, 35);
  assert.deepEqual(
    body.apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion]),
    [[18, 0, 4]],
  );
  assert.equal(closed, false);
});

test('pipelined requests in one write are answered in request order', async () => {
  const bytes = Buffer.concat(
    [1, 2, 3, 4, 5].map((id) => apiVersionsRequest(id % 2 === 0 ? 3 : 1, id)),
  );
  const { frames } = await exchange(bytes, 5);
  assert.deepEqual(
    frames.map((f) => f.readInt32BE(0)),
    [1, 2, 3, 4, 5],
  );
});

test('a frame declaring 2 GiB closes that connection only', async () => {
  const huge = Buffer.alloc(8);
  huge.writeInt32BE(0x7fffffff, 0);
  const { frames, closed } = await exchange(huge, 1);
  assert.equal(frames.length, 0);
  assert.equal(closed, true);
  const { frames: others } = await exchange(apiVersionsRequest(3, 1), 1);
  assert.equal(others.length, 1, 'other connections keep being served');
});

test('an unknown API key or an unserved API closes the connection after earlier responses', async () => {
  const unknown = Buffer.from([0, 0, 0, 10, 0x7f, 0x00, 0, 0, 0, 0, 0, 1, 0, 0]);
  const { frames, closed } = await exchange(Buffer.concat([apiVersionsRequest(3, 1), unknown]), 2);
  assert.equal(frames.length, 1, 'the valid request before it is answered');
  assert.equal(closed, true);
  const produce = Buffer.from([0, 0, 0, 10, 0, 0, 0, 7, 0, 0, 0, 2, 0xff, 0xff]);
  assert.equal((await exchange(produce, 1)).closed, true);
});

test('a malformed body closes the connection; trailing bytes inside a frame are ignored', async () => {
  const truncated = apiVersionsRequest(3, 5).subarray(0, 16);
  truncated.writeInt32BE(truncated.length - 4, 0);
  assert.equal((await exchange(truncated, 1)).closed, true);
  const trailing = apiVersionsRequest(3, 6, Buffer.from('garbage'));
  const { frames } = await exchange(trailing, 1);
  assert.equal(decodeApiVersions(frames[0]!, 3).correlationId, 6);
});
