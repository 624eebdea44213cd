// KafkaJS read-process-write: a consumer in a group (autoCommit off) reads an input topic; for
// each input record a transactional producer writes one output record and commits the consumed
// offset with `sendOffsets` (AddOffsetsToTxn v0, TxnOffsetCommit v0) in the same transaction. One
// round is aborted and processed again after a seek. While a transaction is open, and after the
// abort, the group's committed offset (OffsetFetch) has not moved; each commit moves it by one. A
// read_committed consumer of the output sees each output once, in order; a read_uncommitted one
// also sees the aborted duplicate; a new member of the group resumes after the last commit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker } from '../../support/broker.js';
import { createTopic, kafkajsClient } from '../../support/kafkajs-client.js';
import { committedOffsets, recordValue, produceRange } from '../groups/support.js';
import {
  FAST_TRANSACTIONS,
  WAIT_MS,
  kafkajsReadAll,
  kafkajsTransactionalProducer,
  kafkajsTxnClient,
  waitUntil,
  type Seen,
} from './support.js';

const INPUT = 'rpw-input';
const OUTPUT = 'rpw-output';
const GROUP = 'rpw-kafkajs';
const ABORTED_INPUT = 3;

test('KafkaJS sendOffsets read-process-write: offsets move only with committed transactions; an aborted round leaves no trace for read_committed', async () => {
  await withBroker(
    async ({ bootstrap }) => {
      await createTopic(bootstrap, INPUT);
      await createTopic(bootstrap, OUTPUT);
      await produceRange(bootstrap, INPUT, 1, 0, 6);
      const kafka = kafkajsTxnClient(bootstrap);
      const producer = await kafkajsTransactionalProducer(kafka, 'rpw-kafkajs-txn');
      const consumer = kafka.consumer({ groupId: GROUP, maxWaitTimeInMs: 100 });
      /** Per transaction: [input offset, outcome, committed offset while open, after]. */
      const rounds: [number, 'commit' | 'abort', number, number][] = [];
      const failures: unknown[] = [];
      let aborted = false;
      try {
        await consumer.connect();
        await consumer.subscribe({ topic: INPUT, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            if (failures.length > 0) return;
            try {
              const offset = Number(message.offset);
              const txn = await producer.transaction();
              await txn.send({
                topic: OUTPUT,
                acks: -1,
                messages: [{ value: `out-${message.value?.toString() ?? ''}`, partition: 0 }],
              });
              await txn.sendOffsets({
                consumerGroupId: GROUP,
                topics: [{ topic, partitions: [{ partition, offset: String(offset + 1) }] }],
              });
              const [whileOpen] = await committedOffsets(bootstrap, GROUP, INPUT);
              const outcome = offset === ABORTED_INPUT && !aborted ? 'abort' : 'commit';
              if (outcome === 'abort') {
                aborted = true;
                await txn.abort();
                consumer.seek({ topic, partition, offset: String(offset) });
              } else {
                await txn.commit();
              }
              const [after] = await committedOffsets(bootstrap, GROUP, INPUT);
              rounds.push([offset, outcome, whileOpen!, after!]);
            } catch (err) {
              failures.push(err);
            }
          },
        });
        await waitUntil(
          'every input processed',
          () => rounds.length >= 7 || failures.length > 0,
          WAIT_MS,
          () => JSON.stringify(rounds),
        );
      } finally {
        await consumer.disconnect();
        await producer.disconnect();
      }
      assert.deepEqual(failures, []);
      // Offsets pending in an open transaction are not visible; an abort drops them.
      assert.deepEqual(rounds, [
        [0, 'commit', -1, 1],
        [1, 'commit', 1, 2],
        [2, 'commit', 2, 3],
        [3, 'abort', 3, 3],
        [3, 'commit', 3, 4],
        [4, 'commit', 4, 5],
        [5, 'commit', 5, 6],
      ]);
      assert.deepEqual(await committedOffsets(bootstrap, GROUP, INPUT), [6]);

      // One record and one marker per transaction; the aborted output is offset 6.
      const output = (o: number): string => `out-${recordValue(0, o)}`;
      const committed: Seen[] = [
        [0, 0, output(0)],
        [0, 2, output(1)],
        [0, 4, output(2)],
        [0, 8, output(3)],
        [0, 10, output(4)],
        [0, 12, output(5)],
      ];
      assert.deepEqual(await kafkajsReadAll(bootstrap, OUTPUT, committed.length), committed);
      const everything = [...committed, [0, 6, output(3)] satisfies Seen].sort(
        (a, b) => a[1] - b[1],
      );
      assert.deepEqual(
        await kafkajsReadAll(bootstrap, OUTPUT, everything.length, { readUncommitted: true }),
        everything,
      );

      // A new member of the group starts where the transactions left it.
      const plain = kafkajsClient(bootstrap).producer();
      await plain.connect();
      await plain.send({ topic: INPUT, acks: -1, messages: [{ value: 'late', partition: 0 }] });
      await plain.disconnect();
      assert.deepEqual(await kafkajsReadAll(bootstrap, INPUT, 1, { groupId: GROUP }), [
        [0, 6, 'late'],
      ]);
    },
    { overrides: FAST_TRANSACTIONS },
  );
});

// Kafka's ClassicGroup.validateOffsetCommit checks the member only when TxnOffsetCommit names
// one (v3+ may): KafkaJS's v0 carries no member id and no generation, and is accepted while the
// group has members (ConsumerGroup: the same rule for KIP-848 groups).
test('TxnOffsetCommit without a member id (KafkaJS sendOffsets, v0) is accepted while the group has members', async () => {
  await withBroker(
    async ({ bootstrap }) => {
      await createTopic(bootstrap, INPUT);
      await produceRange(bootstrap, INPUT, 1, 0, 1);
      const kafka = kafkajsTxnClient(bootstrap);
      const producer = await kafkajsTransactionalProducer(kafka, 'member-less-txn');
      const consumer = kafka.consumer({ groupId: GROUP, maxWaitTimeInMs: 100 });
      let consumed = false;
      try {
        await consumer.connect();
        await consumer.subscribe({ topic: INPUT, fromBeginning: true });
        await consumer.run({ autoCommit: false, eachMessage: async () => void (consumed = true) });
        await waitUntil('the member consuming', () => consumed, WAIT_MS);
        const txn = await producer.transaction();
        await txn.sendOffsets({
          consumerGroupId: GROUP,
          topics: [{ topic: INPUT, partitions: [{ partition: 0, offset: '1' }] }],
        });
        await txn.commit();
      } finally {
        await consumer.disconnect();
        await producer.disconnect();
      }
      assert.deepEqual(await committedOffsets(bootstrap, GROUP, INPUT), [1]);
    },
    { overrides: FAST_TRANSACTIONS },
  );
});
