// Idempotence on the wire, with requests built by the generated codecs: InitProducerId at every
// version (fresh ids with epoch 0, never reused, not even across a restart; Kafka's INVALID_REQUEST
// for a half-given producer id/epoch; transactional ids refused), a retried Produce — the very
// same request bytes sent twice after a real InitProducerId — stored once with both responses
// carrying the same base offset (also after a restart), and the per-partition errors
// OUT_OF_ORDER_SEQUENCE_NUMBER and INVALID_PRODUCER_EPOCH.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/errors/kafka-error.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import type { ProduceResponse } from '../../../src/protocol/generated/api/produce.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';
import { startBroker, withBroker } from '../../support/broker.js';
import { WireClient } from '../../server/handlers/wire-client.js';
import {
  RawConnection,
  createTopic,
  encodeRequest,
  expectedLines,
  kcatConsume,
  storedBatches,
} from './support.js';

async function initProducerId(
  client: WireClient,
  version: number,
  body: { transactionalId?: string | null; producerId?: bigint; producerEpoch?: number } = {},
) {
  return client.send(Apis.InitProducerId, version, {
    transactionalId: null,
    transactionTimeoutMs: 60_000,
    ...body,
  });
}

/** Records k<from>..k<from+count-1> from producer `pid`, starting at sequence `seq`. */
function batchOf(pid: bigint, epoch: number, seq: number, from: number, count: number): Buffer {
  return buildRecordBatch({
    producerId: pid,
    producerEpoch: epoch,
    baseSequence: seq,
    records: Array.from({ length: count }, (_, i) => ({
      key: Buffer.from(`k${from + i}`),
      value: Buffer.from(`v${from + i}`),
      timestamp: BigInt(Date.now()),
    })),
  });
}

function produceFrame(version: number, correlationId: number, topic: string, records: Buffer) {
  return encodeRequest(Apis.Produce, version, correlationId, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  });
}

function partitionOf(response: ProduceResponse) {
  const partition = response.responses[0]?.partitionResponses[0];
  assert.ok(partition !== undefined, 'a partition response');
  return partition;
}

test('InitProducerId v0-v5 hands out fresh ids with epoch 0, never the same one twice', async () => {
  await withBroker(async (broker) => {
    const client = await WireClient.connect(broker.port);
    const ids = new Set<bigint>();
    try {
      for (let v = 0; v <= 5; v++) {
        const response = await initProducerId(client, v);
        assert.deepEqual([response.errorCode, response.producerEpoch], [0, 0], `v${v}`);
        ids.add(response.producerId);
      }
      // v3+: what @platformatic/kafka sends (0/0), and a KIP-360 bump of a known id: without a
      // transactional id Kafka answers both with a new id.
      for (const [producerId, producerEpoch] of [
        [0n, 0],
        [[...ids][0]!, 0],
        [[...ids][1]!, 5],
      ] as const) {
        const response = await initProducerId(client, 4, { producerId, producerEpoch });
        assert.deepEqual([response.errorCode, response.producerEpoch], [0, 0]);
        assert.ok(!ids.has(response.producerId), `${response.producerId} is new`);
        ids.add(response.producerId);
      }
      assert.equal(ids.size, 9);
      // Kafka's KafkaApis: a producer id without an epoch, or the reverse, is INVALID_REQUEST.
      for (const [producerId, producerEpoch] of [
        [-1n, 0],
        [5n, -1],
      ] as const) {
        const response = await initProducerId(client, 5, { producerId, producerEpoch });
        assert.deepEqual(
          [response.errorCode, response.producerId, response.producerEpoch],
          [ErrorCodes.INVALID_REQUEST.code, -1n, -1],
        );
      }
      // A transactional id goes to its transaction coordinator: before any FindCoordinator has
      // created __transaction_state, this broker is not it yet (retriable NOT_COORDINATOR).
      for (const v of [0, 5]) {
        const response = await initProducerId(client, v, { transactionalId: 'txn-1' });
        assert.deepEqual(
          [response.errorCode, response.producerId],
          [ErrorCodes.NOT_COORDINATOR.code, -1n],
        );
      }
    } finally {
      client.close();
    }
    // The block of ids is reserved in the metadata file before any id of it is handed out.
    const metadata = JSON.parse(
      readFileSync(join(broker.dataDir, '__samsa_metadata.json'), 'utf8'),
    ) as { nextProducerIdBlock?: string };
    assert.equal(metadata.nextProducerIdBlock, '1000');
  });
});

test('producer ids stay unique across a restart', async () => {
  const first = await startBroker();
  const seen: bigint[] = [];
  const client = await WireClient.connect(first.port);
  for (let i = 0; i < 3; i++) seen.push((await initProducerId(client, 4)).producerId);
  client.close();
  await first.stop({ keepData: true });
  const second = await startBroker({ dataDir: first.dataDir });
  try {
    const again = await WireClient.connect(second.port);
    const next = (await initProducerId(again, 4)).producerId;
    again.close();
    assert.ok(next > seen.at(-1)!, `${next} comes after ${seen.join(', ')}`);
    assert.equal(next, 1000n, 'the unused rest of the first block is skipped, as in Kafka');
  } finally {
    await second.stop();
  }
});

for (const version of [3, 7, 11]) {
  test(`the same Produce v${version} bytes sent twice are stored once, both answered with the same offset`, async () => {
    await withBroker(async (broker) => {
      const topic = `retried-v${version}`;
      await createTopic(broker.port, topic);
      const client = await WireClient.connect(broker.port);
      const { producerId, producerEpoch } = await initProducerId(client, 4);
      client.close();
      const connection = await RawConnection.connect(broker.port);
      try {
        const head = produceFrame(version, 1, topic, batchOf(producerId, producerEpoch, 0, 0, 2));
        assert.equal(
          partitionOf(await connection.roundTrip(Apis.Produce, version, head)).baseOffset,
          0n,
        );
        const frame = produceFrame(version, 2, topic, batchOf(producerId, producerEpoch, 2, 2, 3));
        const firstTime = partitionOf(await connection.roundTrip(Apis.Produce, version, frame));
        const retried = partitionOf(await connection.roundTrip(Apis.Produce, version, frame));
        assert.deepEqual([firstTime.errorCode, firstTime.baseOffset], [0, 2n]);
        assert.deepEqual([retried.errorCode, retried.baseOffset], [0, 2n]);
        const next = produceFrame(version, 3, topic, batchOf(producerId, producerEpoch, 5, 5, 1));
        assert.equal(
          partitionOf(await connection.roundTrip(Apis.Produce, version, next)).baseOffset,
          5n,
        );
      } finally {
        connection.close();
      }
      assert.deepEqual(await kcatConsume(broker.bootstrap, topic), expectedLines(6));
      assert.equal(storedBatches(broker.dataDir, topic).length, 3);
    });
  });
}

test('a retry after a broker restart still gets its original offset', async () => {
  const topic = 'retried-restart';
  const first = await startBroker();
  await createTopic(first.port, topic);
  const client = await WireClient.connect(first.port);
  const { producerId } = await initProducerId(client, 4);
  client.close();
  const frames = [0, 1, 2].map((i) =>
    produceFrame(9, i, topic, batchOf(producerId, 0, i * 2, i * 2, 2)),
  );
  const before = await RawConnection.connect(first.port);
  for (const frame of frames) {
    assert.equal(partitionOf(await before.roundTrip(Apis.Produce, 9, frame)).errorCode, 0);
  }
  before.close();
  await first.stop({ keepData: true });
  const second = await startBroker({ dataDir: first.dataDir });
  try {
    const after = await RawConnection.connect(second.port);
    try {
      for (const [i, frame] of frames.entries()) {
        const retried = partitionOf(await after.roundTrip(Apis.Produce, 9, frame));
        assert.deepEqual([retried.errorCode, retried.baseOffset], [0, BigInt(i * 2)]);
      }
    } finally {
      after.close();
    }
    assert.deepEqual(await kcatConsume(second.bootstrap, topic), expectedLines(6));
  } finally {
    await second.stop();
  }
});

test('out-of-order sequences and fenced epochs get Kafka error codes per partition', async () => {
  await withBroker(async (broker) => {
    const topic = 'errors';
    await createTopic(broker.port, topic);
    const client = await WireClient.connect(broker.port);
    const { producerId } = await initProducerId(client, 4);
    const produce = async (epoch: number, seq: number) => {
      const response = await client.send(Apis.Produce, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 5000,
        topicData: [
          {
            name: topic,
            partitionData: [{ index: 0, records: batchOf(producerId, epoch, seq, seq, 1) }],
          },
        ],
      });
      return partitionOf(response);
    };
    try {
      assert.equal((await produce(1, 0)).errorCode, 0);
      const gap = await produce(1, 5);
      assert.equal(gap.errorCode, ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER.code);
      assert.match(
        gap.errorMessage ?? '',
        /Out of order sequence number .* 5 \(incoming seq\. number\), 0/,
      );
      const fenced = await produce(0, 1);
      assert.equal(fenced.errorCode, ErrorCodes.INVALID_PRODUCER_EPOCH.code);
      const bumpNotAtZero = await produce(2, 1);
      assert.equal(bumpNotAtZero.errorCode, ErrorCodes.OUT_OF_ORDER_SEQUENCE_NUMBER.code);
      assert.deepEqual([(await produce(2, 0)).errorCode, (await produce(2, 1)).errorCode], [0, 0]);
    } finally {
      client.close();
    }
    assert.equal(storedBatches(broker.dataDir, topic).length, 3);
  });
});
