// The CLI's Kafka client against a live in-process broker, and against scripted fake brokers for
// what a real one rarely does: an older ApiVersions, silence, a stray correlation id.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import {
  BrokerConnection,
  ClientError,
  KafkaClient,
  clientMaxVersion,
  parseBootstrap,
} from '../../src/cli/client/index.js';
import { KafkaError } from '../../src/errors/kafka-error.js';
import { Apis, Messages } from '../../src/protocol/generated/index.js';
import { Reader, Writer } from '../../src/protocol/primitives/index.js';
import { withBroker } from '../support/broker.js';

/** A fake broker: `onRequest` gets each decoded request header and writes whatever it likes. */
async function fakeBroker(
  onRequest: (
    socket: Socket,
    header: { apiKey: number; version: number; correlationId: number },
  ) => void,
): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        const r = new Reader(frame);
        onRequest(socket, {
          apiKey: r.readInt16(),
          version: r.readInt16(),
          correlationId: r.readInt32(),
        });
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { server, port: address.port };
}

function respond(socket: Socket, correlationId: number, encodeBody: (w: Writer) => void): void {
  const w = new Writer();
  const size = w.reserveInt32();
  Messages.ResponseHeader.encode(w, 0, { correlationId });
  encodeBody(w);
  w.patchInt32(size, w.length - 4);
  socket.write(w.toBuffer());
}

test('bootstrap lists parse host:port entries, IPv6 in brackets, and reject anything else', () => {
  assert.deepEqual(parseBootstrap('127.0.0.1:9092,[::1]:9093, kafka-1:19092'), [
    { host: '127.0.0.1', port: 9092 },
    { host: '::1', port: 9093 },
    { host: 'kafka-1', port: 19092 },
  ]);
  assert.throws(() => parseBootstrap('localhost'), /Invalid broker address "localhost"/);
  assert.throws(() => parseBootstrap('h:99999'), /expected host:port/);
});

test('connect negotiates versions, reads the cluster, and routes requests', async () => {
  await withBroker(async ({ bootstrap, broker }) => {
    const client = await KafkaClient.connect({ bootstrap });
    try {
      assert.equal(client.clusterId, broker.clusterId);
      assert.deepEqual([...client.brokers.keys()], [1]);
      assert.equal(client.controllerId, 1);
      const conn = await client.connection('controller');
      // Negotiated: min(our max, broker max) per API.
      const brokerMax = conn.brokerVersions.get(Apis.Metadata.apiKey)!.max;
      assert.equal(
        conn.versionFor(Apis.Metadata),
        Math.min(brokerMax, clientMaxVersion(Apis.Metadata)),
      );
      const created = await client.request(
        Apis.CreateTopics,
        {
          topics: [
            {
              name: 'orders',
              numPartitions: 3,
              replicationFactor: 1,
              assignments: [],
              configs: [],
            },
          ],
          timeoutMs: 5000,
        },
        { broker: 'controller' },
      );
      assert.equal(created.topics[0]!.errorCode, 0);
      const leaders = await client.leaders(['orders']);
      assert.deepEqual(
        [...leaders.get('orders')!.entries()],
        [
          [0, 1],
          [1, 1],
          [2, 1],
        ],
      );
      await assert.rejects(client.topicMetadata('nope'), (err: unknown) => {
        assert.ok(err instanceof KafkaError);
        assert.equal(err.errorName, 'UNKNOWN_TOPIC_OR_PARTITION');
        assert.match(err.message, /Topic 'nope' does not exist/);
        return true;
      });
      // A coordinator lookup creates __consumer_offsets on first use and is retried until ready.
      const coordinator = await client.findCoordinator('group', 'g1');
      assert.equal(coordinator, 1);
      const fetched = await client.withCoordinator('group', 'g1', (c) =>
        c.send(Apis.OffsetFetch, { groupId: 'g1', topics: null }, { version: 5 }),
      );
      assert.equal(fetched.errorCode, 0);
    } finally {
      client.close();
    }
  });
});

test('requests are pipelined: many in flight on one connection, each matched to its response', async () => {
  await withBroker(async ({ bootstrap }) => {
    const client = await KafkaClient.connect({ bootstrap });
    try {
      const conn = await client.connection();
      const names = Array.from({ length: 50 }, (_, i) => `t${i}`);
      const results = await Promise.all(
        names.map((name) =>
          conn.send(Apis.CreateTopics, {
            topics: [
              { name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
            ],
            timeoutMs: 5000,
          }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.topics[0]!.name),
        names,
      );
    } finally {
      client.close();
    }
  });
});

test('an unreachable bootstrap names every address tried', async () => {
  const { server, port } = await fakeBroker(() => undefined);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await assert.rejects(KafkaClient.connect({ bootstrap: `127.0.0.1:${port}` }), (err: unknown) => {
    assert.ok(err instanceof ClientError);
    assert.equal(err.code, 'SAMSA_ERR_BROKER_UNREACHABLE');
    assert.equal(
      err.message,
      `Cannot connect to the broker at 127.0.0.1:${port}: connection refused`,
    );
    return true;
  });
  await assert.rejects(
    KafkaClient.connect({ bootstrap: `127.0.0.1:${port},127.0.0.1:${port}` }),
    /Cannot connect to any bootstrap broker \(127\.0\.0\.1:\d+: connection refused; 127\.0\.0\.1:\d+: connection refused\)/,
  );
});

test('a broker that never answers times the request out and the connection closes', async () => {
  const { server, port } = await fakeBroker(() => undefined);
  try {
    await assert.rejects(
      BrokerConnection.open({ host: '127.0.0.1', port }, { requestTimeoutMs: 200 }),
      (err: unknown) => {
        assert.ok(err instanceof ClientError);
        assert.equal(err.code, 'SAMSA_ERR_REQUEST_TIMEOUT');
        assert.match(err.message, /did not answer ApiVersions within 200 ms/);
        return true;
      },
    );
  } finally {
    server.close();
  }
});

test('ApiVersions falls back when an older broker answers UNSUPPORTED_VERSION in v0', async () => {
  const seen: number[] = [];
  const { server, port } = await fakeBroker((socket, h) => {
    if (h.apiKey !== 18) return;
    seen.push(h.version);
    if (h.version > 2) {
      respond(socket, h.correlationId, (w) =>
        Apis.ApiVersions.response.encode(w, 0, {
          ...Apis.ApiVersions.response.create(),
          errorCode: 35,
          apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }],
        }),
      );
    } else {
      respond(socket, h.correlationId, (w) =>
        Apis.ApiVersions.response.encode(w, h.version, {
          ...Apis.ApiVersions.response.create(),
          apiKeys: [
            { apiKey: 18, minVersion: 0, maxVersion: 2 },
            { apiKey: 3, minVersion: 0, maxVersion: 5 },
          ],
        }),
      );
    }
  });
  try {
    const conn = await BrokerConnection.open({ host: '127.0.0.1', port });
    assert.deepEqual(seen, [clientMaxVersion(Apis.ApiVersions), 2]);
    assert.equal(conn.versionFor(Apis.Metadata), 5);
    assert.equal(conn.supports(Apis.CreateTopics), false);
    assert.throws(
      () => conn.versionFor(Apis.CreateTopics),
      /does not support CreateTopics \(it serves no version; Samsa speaks 0-\d+\)/,
    );
    conn.close();
  } finally {
    server.close();
  }
});

test('a response with a correlation id no request has closes the connection', async () => {
  const { server, port } = await fakeBroker((socket, h) => {
    if (h.apiKey !== 18) {
      respond(socket, h.correlationId + 100, () => undefined);
      return;
    }
    respond(socket, h.correlationId, (w) =>
      Apis.ApiVersions.response.encode(w, h.version, {
        ...Apis.ApiVersions.response.create(),
        apiKeys: [
          { apiKey: 18, minVersion: 0, maxVersion: 4 },
          { apiKey: 3, minVersion: 0, maxVersion: 12 },
        ],
      }),
    );
  });
  try {
    const conn = await BrokerConnection.open({ host: '127.0.0.1', port });
    await assert.rejects(conn.send(Apis.Metadata, { topics: [] }), /no request in flight has/);
    assert.equal(conn.closed, true);
  } finally {
    server.close();
  }
});
