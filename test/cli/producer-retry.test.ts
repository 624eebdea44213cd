// The CLI producer against a scripted broker, for what a single live broker rarely does: a
// leader that moves (NOT_LEADER_OR_FOLLOWER), a partition with no leader, a broker that never stops
// failing. Retriable errors refresh the metadata and resend; the retries run out, and each record's
// callback gets the error.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { KafkaClient, Producer } from '../../src/cli/client/index.js';
import { KafkaError } from '../../src/errors/kafka-error.js';
import { responseHeaderVersion, type ApiDefinition } from '../../src/protocol/api.js';
import { Apis, Messages } from '../../src/protocol/generated/index.js';
import {
  defaultMetadataResponsePartition,
  defaultMetadataResponseTopic,
} from '../../src/protocol/generated/api/metadata.js';
import { defaultProduceResponsePartitionProduceResponse } from '../../src/protocol/generated/api/produce.js';
import { Reader, Writer } from '../../src/protocol/primitives/index.js';

interface Script {
  /** Produce error codes answered in turn; the last one repeats. */
  produceErrors: number[];
  /** Leader ids Metadata answers in turn; the last one repeats. */
  leaders: number[];
}

interface FakeBroker {
  server: Server;
  port: number;
  produces: number;
  metadatas: number;
}

function reply(
  socket: Socket,
  api: ApiDefinition,
  version: number,
  correlationId: number,
  body: unknown,
): void {
  const w = new Writer();
  const size = w.reserveInt32();
  Messages.ResponseHeader.encode(w, responseHeaderVersion(api, version), { correlationId });
  api.response.encode(w, version, { ...(api.response.create() as object), ...(body as object) });
  w.patchInt32(size, w.length - 4);
  socket.write(w.toBuffer());
}

async function scriptedBroker(script: Script): Promise<FakeBroker> {
  const fake: FakeBroker = { server: createServer(), port: 0, produces: 0, metadatas: 0 };
  const at = <T>(list: T[], i: number): T => list[Math.min(i, list.length - 1)]!;
  fake.server.on('connection', (socket) => {
    let pending = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        const r = new Reader(frame);
        const apiKey = r.readInt16();
        const version = r.readInt16();
        const correlationId = r.readInt32();
        if (apiKey === Apis.ApiVersions.apiKey) {
          reply(socket, Apis.ApiVersions as ApiDefinition, version, correlationId, {
            errorCode: 0,
            apiKeys: [Apis.ApiVersions, Apis.Metadata, Apis.Produce].map((a) => ({
              apiKey: a.apiKey,
              minVersion: 0,
              maxVersion: a.maxVersion,
            })),
          });
        } else if (apiKey === Apis.Metadata.apiKey) {
          const leader = at(script.leaders, fake.metadatas++);
          reply(socket, Apis.Metadata as ApiDefinition, version, correlationId, {
            brokers: [{ nodeId: 1, host: '127.0.0.1', port: fake.port, rack: null }],
            clusterId: 'fake',
            controllerId: 1,
            topics: [
              {
                ...defaultMetadataResponseTopic(),
                errorCode: 0,
                name: 'orders',
                topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
                isInternal: false,
                partitions: [
                  {
                    ...defaultMetadataResponsePartition(),
                    errorCode: 0,
                    partitionIndex: 0,
                    leaderId: leader,
                    leaderEpoch: 0,
                    replicaNodes: [1],
                    isrNodes: [1],
                    offlineReplicas: [],
                  },
                ],
              },
            ],
          });
        } else if (apiKey === Apis.Produce.apiKey) {
          const errorCode = at(script.produceErrors, fake.produces++);
          reply(socket, Apis.Produce as ApiDefinition, version, correlationId, {
            responses: [
              {
                name: 'orders',
                partitionResponses: [
                  {
                    ...defaultProduceResponsePartitionProduceResponse(),
                    index: 0,
                    errorCode,
                    baseOffset: errorCode === 0 ? 7n : -1n,
                    logAppendTimeMs: -1n,
                    logStartOffset: 0n,
                    recordErrors: [],
                    errorMessage: null,
                  },
                ],
              },
            ],
          });
        }
      }
    });
  });
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  fake.port = (fake.server.address() as { port: number }).port;
  return fake;
}

async function withScript(
  script: Script,
  fn: (producer: Producer, fake: FakeBroker) => Promise<void>,
): Promise<void> {
  const fake = await scriptedBroker(script);
  const client = await KafkaClient.connect({ bootstrap: `127.0.0.1:${fake.port}` });
  try {
    await fn(new Producer(client, { lingerMs: 0, retries: 3, retryBackoffMs: 10 }), fake);
  } finally {
    client.close();
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
  }
}

test('producer: NOT_LEADER_OR_FOLLOWER refreshes the metadata and resends the batch', async () => {
  await withScript({ produceErrors: [6, 0], leaders: [1] }, async (producer, fake) => {
    const meta = await producer.sendAsync({
      topic: 'orders',
      key: Buffer.from('k'),
      value: Buffer.from('v'),
    });
    assert.deepEqual(
      { ...meta, timestamp: 0n },
      { topic: 'orders', partition: 0, offset: 7n, timestamp: 0n },
    );
    assert.equal(fake.produces, 2);
    assert.ok(fake.metadatas >= 3, `metadata looked up again (${fake.metadatas} lookups)`);
  });
});

test('producer: a partition without a leader waits for one', async () => {
  await withScript({ produceErrors: [0], leaders: [-1, -1, 1] }, async (producer, fake) => {
    const meta = await producer.sendAsync({ topic: 'orders', value: Buffer.from('v') });
    assert.equal(meta.offset, 7n);
    assert.equal(fake.produces, 1);
  });
});

test('producer: retries run out and every record of the batch gets the error', async () => {
  await withScript({ produceErrors: [6], leaders: [1] }, async (producer, fake) => {
    const results = await Promise.allSettled([
      producer.sendAsync({ topic: 'orders', value: Buffer.from('a') }),
      producer.sendAsync({ topic: 'orders', value: Buffer.from('b') }),
    ]);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok(r.reason instanceof KafkaError);
      assert.equal(r.reason.errorName, 'NOT_LEADER_OR_FOLLOWER');
    }
    assert.equal(fake.produces, 4, 'the first attempt and 3 retries');
    assert.equal(producer.pending, 0);
  });
});
