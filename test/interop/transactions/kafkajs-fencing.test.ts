// KafkaJS 2.2.4 zombie fencing and transaction timeouts. A second producer with the same
// transactional id fences the first: its InitProducerId aborts the open transaction (the epoch
// bumped to 1 for the ABORT markers) and gets epoch 2; the zombie's Produce, AddPartitionsToTxn,
// AddOffsetsToTxn and EndTxn then fail with INVALID_PRODUCER_EPOCH (KafkaJS's v1 requests predate
// PRODUCER_FENCED, which Kafka maps down to it). A transaction left open past its
// transaction.timeout.ms is aborted by the coordinator, which fences its producer the same way; a
// read_committed consumer waiting behind it then gets the record written after it.
// transaction.timeout.ms above transaction.max.timeout.ms fails InitProducerId with
// INVALID_TRANSACTION_TIMEOUT.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Producer } from 'kafkajs';
import { withBroker } from '../../support/broker.js';
import { createTopic, kafkajsClient } from '../../support/kafkajs-client.js';
import {
  FAST_TRANSACTIONS,
  describeTransaction,
  eventuallyDeepEqual,
  kafkajsReadAll,
  kafkajsTransactionalProducer,
  kafkajsTxnClient,
  latestOffsets,
  pollUntil,
  type Seen,
} from './support.js';

const TOPIC = 'txn-fencing';

interface KafkajsFailure {
  name: string;
  type: string;
  code: number;
}

/** How a KafkaJS call failed (KafkaJSProtocolError: type and code from Kafka's table). */
async function failure(work: Promise<unknown>): Promise<KafkajsFailure | 'succeeded'> {
  try {
    await work;
    return 'succeeded';
  } catch (err) {
    const e = err as { name: string; type: string; code: number };
    return { name: e.name, type: e.type, code: e.code };
  }
}

const INVALID_PRODUCER_EPOCH: KafkajsFailure = {
  name: 'KafkaJSProtocolError',
  type: 'INVALID_PRODUCER_EPOCH',
  code: 47,
};

test('KafkaJS zombie fencing: a second producer with the same transactional id aborts the open transaction; the zombie gets INVALID_PRODUCER_EPOCH', async () => {
  await withBroker(
    async ({ bootstrap, port }) => {
      await createTopic(bootstrap, TOPIC, { partitions: 2 });
      const kafka = kafkajsTxnClient(bootstrap);
      const producers: Producer[] = [];
      try {
        const zombie = await kafkajsTransactionalProducer(kafka, 'fenced');
        producers.push(zombie);
        const old = await zombie.transaction();
        await old.send({ topic: TOPIC, acks: -1, messages: [{ value: 'zombie-0', partition: 0 }] });
        const first = await describeTransaction(port, 'fenced');
        assert.deepEqual([first.state, first.producerEpoch], ['Ongoing', 0]);

        const successor = await kafkajsTransactionalProducer(kafka, 'fenced');
        producers.push(successor);
        const current = await successor.transaction();
        const fenced = await describeTransaction(port, 'fenced');
        assert.deepEqual(
          [fenced.state, fenced.producerId, fenced.producerEpoch, fenced.topics],
          ['Empty', first.producerId, 2, []],
        );

        // The zombie: a partition already in its transaction, a new one, offsets, the commit.
        const zombieSend = (partition: number): Promise<unknown> =>
          old.send({ topic: TOPIC, acks: -1, messages: [{ value: 'zombie-1', partition }] });
        assert.deepEqual(await failure(zombieSend(0)), INVALID_PRODUCER_EPOCH);
        assert.deepEqual(await failure(zombieSend(1)), INVALID_PRODUCER_EPOCH);
        assert.deepEqual(
          await failure(
            old.sendOffsets({
              consumerGroupId: 'fenced-group',
              topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: '1' }] }],
            }),
          ),
          INVALID_PRODUCER_EPOCH,
        );
        assert.deepEqual(await failure(old.commit()), INVALID_PRODUCER_EPOCH);

        await current.send({
          topic: TOPIC,
          acks: -1,
          messages: [{ value: 'new-0', partition: 0 }],
        });
        await current.commit();
        await eventuallyDeepEqual(
          () => latestOffsets(bootstrap, TOPIC, 2, 'read_committed'),
          [4, 0],
        );
      } finally {
        for (const p of producers) await p.disconnect();
      }
      // p0: zombie-0 at 0, the ABORT marker at 1, new-0 at 2, its COMMIT marker at 3.
      assert.deepEqual(await kafkajsReadAll(bootstrap, TOPIC, 1), [[0, 2, 'new-0']]);
      assert.deepEqual(await kafkajsReadAll(bootstrap, TOPIC, 2, { readUncommitted: true }), [
        [0, 0, 'zombie-0'],
        [0, 2, 'new-0'],
      ] satisfies Seen[]);
    },
    { overrides: FAST_TRANSACTIONS },
  );
});

test('KafkaJS: a transaction open past transaction.timeout.ms is aborted by the coordinator, and its producer fenced', async () => {
  await withBroker(
    async ({ bootstrap, port }) => {
      await createTopic(bootstrap, TOPIC, { partitions: 2 });
      const producer = await kafkajsTransactionalProducer(
        kafkajsTxnClient(bootstrap),
        'slow',
        2000,
      );
      try {
        const txn = await producer.transaction();
        await txn.send({ topic: TOPIC, acks: -1, messages: [{ value: 'slow-0', partition: 1 }] });
        const open = await describeTransaction(port, 'slow');
        assert.deepEqual(
          [open.state, open.timeoutMs, open.producerEpoch, open.topics],
          ['Ongoing', 2000, 0, [[TOPIC, [1]]]],
        );
        // A plain record behind it, and a read_committed consumer waiting at the LSO meanwhile.
        const plain = kafkajsClient(bootstrap).producer();
        await plain.connect();
        const [behind] = await plain.send({
          topic: TOPIC,
          acks: -1,
          messages: [{ value: 'after-slow', partition: 1 }],
        });
        await plain.disconnect();
        assert.equal(behind?.baseOffset, '1');
        assert.deepEqual(await latestOffsets(bootstrap, TOPIC, 2, 'read_committed'), [0, 0]);
        const reading = kafkajsReadAll(bootstrap, TOPIC, 1);
        reading.catch(() => undefined); // awaited below; never unhandled if a step fails first
        // Checked every 500 ms: aborted within about 2.5 s, its markers written with epoch 1.
        const aborted = await pollUntil(
          () => describeTransaction(port, 'slow'),
          (t) => t.state === 'CompleteAbort',
          10_000,
        );
        assert.deepEqual(
          [aborted.state, aborted.producerId, aborted.producerEpoch, aborted.topics],
          ['CompleteAbort', open.producerId, 1, []],
        );
        await eventuallyDeepEqual(
          () => latestOffsets(bootstrap, TOPIC, 2, 'read_committed'),
          [0, 3],
        );
        assert.deepEqual(await reading, [[1, 1, 'after-slow']]);
        assert.deepEqual(await failure(txn.commit()), INVALID_PRODUCER_EPOCH);
      } finally {
        await producer.disconnect();
      }
      assert.deepEqual(await kafkajsReadAll(bootstrap, TOPIC, 2, { readUncommitted: true }), [
        [1, 0, 'slow-0'],
        [1, 1, 'after-slow'],
      ]);
    },
    { overrides: FAST_TRANSACTIONS },
  );
});

test('KafkaJS: transaction.timeout.ms above transaction.max.timeout.ms fails InitProducerId with INVALID_TRANSACTION_TIMEOUT', async () => {
  await withBroker(
    async ({ bootstrap, port }) => {
      const kafka = kafkajsTxnClient(bootstrap);
      const tooLong = await kafkajsTransactionalProducer(kafka, 'too-long', 5001);
      const atMost = await kafkajsTransactionalProducer(kafka, 'at-most', 5000);
      try {
        assert.deepEqual(await failure(tooLong.transaction()), {
          name: 'KafkaJSProtocolError',
          type: 'INVALID_TRANSACTION_TIMEOUT',
          code: 50,
        });
        const txn = await atMost.transaction();
        await txn.abort();
      } finally {
        await tooLong.disconnect();
        await atMost.disconnect();
      }
      assert.equal((await describeTransaction(port, 'at-most')).timeoutMs, 5000);
      // The refused id was never registered.
      assert.equal((await describeTransaction(port, 'too-long')).errorCode, 105);
    },
    { overrides: { ...FAST_TRANSACTIONS, 'transaction.max.timeout.ms': 5000 } },
  );
});
