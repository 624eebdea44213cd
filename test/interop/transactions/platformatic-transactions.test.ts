// @platformatic/kafka 1.x transactions, on the newest request versions a client sends:
// InitProducerId v5, AddPartitionsToTxn v5, EndTxn v4, Produce v11. Commit and abort over two
// partitions, read back by KafkaJS consumers (read_committed and read_uncommitted). Fencing:
// after the fence, the zombie's AddPartitionsToTxn and EndTxn get PRODUCER_FENCED (these versions
// know it; Produce has no such code and answers INVALID_PRODUCER_EPOCH).
//
// The client fills InitProducerId's producer id and epoch with 0 and 0 instead of -1, so Kafka
// takes every instance for producer 0 epoch 0 resuming after an error (KIP-360). A second
// instance with the same transactional id, while the first (producer 0, this broker's first id)
// has a transaction open, fences it (CONCURRENT_TRANSACTIONS while the abort completes) and is
// then itself refused with PRODUCER_FENCED: its epoch 0 is neither the current epoch nor the last
// one. Kafka's TransactionCoordinator answers the same; a KafkaJS producer (no producer id) then
// takes the transactional id over.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProduceAcks, Producer, type ProduceResult } from '@platformatic/kafka';
import type { Producer as KafkajsProducer } from 'kafkajs';
import { withBroker } from '../../support/broker.js';
import { createTopic } from '../../support/kafkajs-client.js';
import { platformaticConnection, withTimeout } from '../../support/platformatic-fetch.js';
import {
  FAST_TRANSACTIONS,
  describeTransaction,
  kafkajsReadAll,
  kafkajsTransactionalProducer,
  kafkajsTxnClient,
  type Seen,
} from './support.js';

const TOPIC = 'txn-platformatic';

function transactionalProducer(bootstrap: string, transactionalId: string, retries = 1): Producer {
  return new Producer({
    ...platformaticConnection(bootstrap),
    retries,
    idempotent: true,
    transactionalId,
    acks: ProduceAcks.ALL,
  });
}

type Transaction = Awaited<ReturnType<Producer['beginTransaction']>>;

async function send(txn: Transaction, partition: number, value: string): Promise<unknown> {
  const result: ProduceResult = await withTimeout(
    'send',
    10_000,
    txn.send({ messages: [{ topic: TOPIC, partition, value: Buffer.from(value) }] }),
  );
  return result.offsets?.map((o) => [o.partition, Number(o.offset)]);
}

/**
 * The Kafka error names inside a @platformatic/kafka error, depth first: one per attempt when it
 * retried (PLT_KFK_MULTIPLE of PLT_KFK_RESPONSE of PLT_KFK_PROTOCOL).
 */
function kafkaErrors(err: unknown): string[] {
  const e = err as { apiId?: string; errors?: unknown[] };
  return e.apiId !== undefined ? [e.apiId] : (e.errors ?? []).flatMap(kafkaErrors);
}

async function failure(work: Promise<unknown>): Promise<string[] | 'succeeded'> {
  try {
    await withTimeout('call', 10_000, work);
    return 'succeeded';
  } catch (err) {
    return kafkaErrors(err);
  }
}

test('@platformatic/kafka transactions: commit, abort and commit over two partitions; read_committed sees exactly the committed records', async () => {
  await withBroker(
    async ({ bootstrap, port }) => {
      await createTopic(bootstrap, TOPIC, { partitions: 2 });
      const producer = transactionalProducer(bootstrap, 'platformatic-commit-abort');
      try {
        const t1 = await producer.beginTransaction();
        assert.deepEqual(await send(t1, 0, 'a0'), [[0, 0]]);
        assert.deepEqual(await send(t1, 1, 'a1'), [[1, 0]]);
        await t1.commit();
        const t2 = await producer.beginTransaction();
        assert.deepEqual(await send(t2, 1, 'b1'), [[1, 2]]);
        assert.deepEqual(await send(t2, 0, 'b0'), [[0, 2]]);
        await t2.abort();
        const t3 = await producer.beginTransaction();
        assert.deepEqual(await send(t3, 0, 'c0'), [[0, 4]]);
        const open = await describeTransaction(port, 'platformatic-commit-abort');
        // The client sends its request timeout as transaction.timeout.ms.
        assert.deepEqual(
          [open.state, open.timeoutMs, open.producerEpoch, open.topics],
          ['Ongoing', 5000, 0, [[TOPIC, [0]]]],
        );
        await t3.commit();
      } finally {
        await producer.close(true);
      }
      const committed: Seen[] = [
        [0, 0, 'a0'],
        [0, 4, 'c0'],
        [1, 0, 'a1'],
      ];
      assert.deepEqual(await kafkajsReadAll(bootstrap, TOPIC, committed.length), committed);
      const everything: Seen[] = [
        [0, 0, 'a0'],
        [0, 2, 'b0'],
        [0, 4, 'c0'],
        [1, 0, 'a1'],
        [1, 2, 'b1'],
      ];
      assert.deepEqual(
        await kafkajsReadAll(bootstrap, TOPIC, everything.length, { readUncommitted: true }),
        everything,
      );
    },
    { overrides: FAST_TRANSACTIONS },
  );
});

test('@platformatic/kafka fencing: the zombie gets PRODUCER_FENCED from AddPartitionsToTxn v5 and EndTxn v4; a second instance naming producer 0 epoch 0 is refused', async () => {
  await withBroker(
    async ({ bootstrap, port }) => {
      await createTopic(bootstrap, TOPIC, { partitions: 2 });
      const zombie = transactionalProducer(bootstrap, 'platformatic-fenced');
      const second = transactionalProducer(bootstrap, 'platformatic-fenced', 20);
      let successor: KafkajsProducer | undefined;
      try {
        const old = await zombie.beginTransaction();
        assert.deepEqual([zombie.producerId, zombie.producerEpoch], [0n, 0]);
        assert.deepEqual(await send(old, 0, 'zombie-0'), [[0, 0]]);

        // The fence (CONCURRENT_TRANSACTIONS until the abort is complete; the client retries
        // every 100 ms), then the refusal.
        const refused = await failure(second.beginTransaction());
        assert.ok(refused !== 'succeeded');
        const retried = refused.slice(0, -1);
        assert.deepEqual(
          [retried.length > 0, new Set(retried), refused.at(-1)],
          [true, new Set(['CONCURRENT_TRANSACTIONS']), 'PRODUCER_FENCED'],
        );
        const fenced = await describeTransaction(port, 'platformatic-fenced');
        assert.deepEqual(
          [fenced.state, fenced.producerId, fenced.producerEpoch],
          ['CompleteAbort', 0n, 1],
        );

        assert.deepEqual(await failure(send(old, 0, 'zombie-1')), ['INVALID_PRODUCER_EPOCH']);
        assert.deepEqual(await failure(send(old, 1, 'zombie-2')), ['PRODUCER_FENCED']);
        assert.deepEqual(await failure(old.commit()), ['PRODUCER_FENCED']);

        // KafkaJS connects an idempotent producer first (a producer id of its own), then asks
        // for the transactional id's without naming a producer.
        successor = await kafkajsTransactionalProducer(
          kafkajsTxnClient(bootstrap),
          'platformatic-fenced',
        );
        const current = await successor.transaction();
        await current.send({
          topic: TOPIC,
          acks: -1,
          messages: [{ value: 'new-1', partition: 1 }],
        });
        await current.commit();
        const taken = await describeTransaction(port, 'platformatic-fenced');
        assert.deepEqual([taken.state, taken.producerEpoch], ['CompleteCommit', 2]);
      } finally {
        await zombie.close(true);
        await second.close(true);
        await successor?.disconnect();
      }
      assert.deepEqual(await kafkajsReadAll(bootstrap, TOPIC, 1), [[1, 0, 'new-1']]);
      assert.deepEqual(await kafkajsReadAll(bootstrap, TOPIC, 2, { readUncommitted: true }), [
        [0, 0, 'zombie-0'],
        [1, 0, 'new-1'],
      ] satisfies Seen[]);
    },
    { overrides: FAST_TRANSACTIONS },
  );
});
