// KafkaJS 2.2.4 transactional producer (FindCoordinator v2 key type 1, InitProducerId v1,
// AddPartitionsToTxn v1, Produce v7, EndTxn v1) over two partitions: a transaction committed, one
// aborted, one committed with a plain (non-transactional) record written behind it while it was
// open. Every marker takes an offset; the last stable offset stops at the open transaction and
// moves with its marker; DescribeTransactions and ListTransactions (@platformatic/kafka) show it
// Ongoing with both partitions, then CompleteCommit. A read_committed KafkaJS consumer sees exactly
// the committed records and the plain one, in order; a read_uncommitted one sees the aborted
// records too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
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
  listTransactions,
  pollUntil,
  type Seen,
} from './support.js';

const TOPIC = 'txn-kafkajs';
const TXN_ID = 'kafkajs-commit-abort';

test('KafkaJS transactions: commit, abort and commit over two partitions; read_committed sees exactly the committed records', async () => {
  await withBroker(
    async ({ bootstrap, port }) => {
      await createTopic(bootstrap, TOPIC, { partitions: 2 });
      const producer = await kafkajsTransactionalProducer(
        kafkajsTxnClient(bootstrap),
        TXN_ID,
        20_000,
      );
      const plain = kafkajsClient(bootstrap).producer();
      await plain.connect();
      const send = async (
        txn: Awaited<ReturnType<typeof producer.transaction>>,
        partition: number,
        values: string[],
      ): Promise<string | undefined> => {
        const [result] = await txn.send({
          topic: TOPIC,
          acks: -1,
          messages: values.map((value) => ({ value, partition })),
        });
        return result?.baseOffset;
      };
      /** [last stable offsets, high watermarks], once the markers are written. */
      const offsetsAre = (stable: number[], high: number[]): Promise<void> =>
        eventuallyDeepEqual(
          async () => [
            await latestOffsets(bootstrap, TOPIC, 2, 'read_committed'),
            await latestOffsets(bootstrap, TOPIC, 2, 'read_uncommitted'),
          ],
          [stable, high],
        );
      try {
        // T1, committed: p0 offsets 0-1 and marker 2; p1 offset 0 and marker 1.
        const t1 = await producer.transaction();
        assert.equal(await send(t1, 0, ['a0', 'a1']), '0');
        assert.equal(await send(t1, 1, ['a2']), '0');
        await t1.commit();
        await offsetsAre([3, 2], [3, 2]);

        // T2, aborted: p0 offset 3 and marker 4; p1 offsets 2-3 and marker 4.
        const t2 = await producer.transaction();
        assert.equal(await send(t2, 0, ['b0']), '3');
        assert.equal(await send(t2, 1, ['b1', 'b2']), '2');
        await t2.abort();
        await offsetsAre([5, 5], [5, 5]);

        // T3, open: the last stable offset stays at its first record on each partition, also
        // past a plain record written after it.
        const t3 = await producer.transaction();
        assert.equal(await send(t3, 0, ['c0']), '5');
        assert.equal(await send(t3, 1, ['c1']), '5');
        const [plainResult] = await plain.send({
          topic: TOPIC,
          acks: -1,
          messages: [{ value: 'plain', partition: 0 }],
        });
        assert.equal(plainResult?.baseOffset, '6');
        await offsetsAre([5, 5], [7, 6]);
        const open = await describeTransaction(port, TXN_ID);
        assert.deepEqual(
          { ...open, producerId: typeof open.producerId },
          {
            errorCode: 0,
            state: 'Ongoing',
            timeoutMs: 20_000,
            producerId: 'bigint',
            producerEpoch: 0,
            topics: [[TOPIC, [0, 1]]],
          },
        );
        assert.ok(open.producerId >= 0n);
        assert.deepEqual(await listTransactions(port, ['Ongoing']), [[TXN_ID, 'Ongoing']]);

        // Committed: markers at p0 offset 7 and p1 offset 6.
        await t3.commit();
        await offsetsAre([8, 7], [8, 7]);
        const done = await pollUntil(
          () => describeTransaction(port, TXN_ID),
          (t) => t.state !== 'Ongoing' && t.state !== 'PrepareCommit',
        );
        assert.deepEqual(
          [done.state, done.producerId, done.producerEpoch, done.topics],
          ['CompleteCommit', open.producerId, 0, []],
        );
        assert.deepEqual(await listTransactions(port, ['Ongoing']), []);
        assert.deepEqual(await listTransactions(port), [[TXN_ID, 'CompleteCommit']]);
      } finally {
        await producer.disconnect();
        await plain.disconnect();
      }

      const committed: Seen[] = [
        [0, 0, 'a0'],
        [0, 1, 'a1'],
        [0, 5, 'c0'],
        [0, 6, 'plain'],
        [1, 0, 'a2'],
        [1, 5, 'c1'],
      ];
      assert.deepEqual(await kafkajsReadAll(bootstrap, TOPIC, committed.length), committed);
      const everything: Seen[] = [
        [0, 0, 'a0'],
        [0, 1, 'a1'],
        [0, 3, 'b0'],
        [0, 5, 'c0'],
        [0, 6, 'plain'],
        [1, 0, 'a2'],
        [1, 2, 'b1'],
        [1, 3, 'b2'],
        [1, 5, 'c1'],
      ];
      assert.deepEqual(
        await kafkajsReadAll(bootstrap, TOPIC, everything.length, { readUncommitted: true }),
        everything,
      );
    },
    { overrides: FAST_TRANSACTIONS },
  );
});
