// Confluent's JavaScript client (@confluentinc/kafka-javascript 1.10.1 on librdkafka 2.15.1),
// its node-rdkafka API: initTransactions, beginTransaction, commitTransaction, abortTransaction.
// Transactions committed and aborted over two partitions, read by librdkafka consumers with
// read_committed (its default) and read_uncommitted; a zombie fenced by a second producer with
// the same transactional id (librdkafka's fatal _FENCED); transaction.timeout.ms above
// transaction.max.timeout.ms refused at initTransactions; read-process-write with
// sendOffsetsToTransaction (TxnOffsetCommit naming the member: its generation in a classic group,
// its member epoch in a KIP-848 group) and an aborted round.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker } from '../../support/broker.js';
import {
  ConfluentTransactionalProducer,
  confluentConsume,
  type ConfluentTxnOutcome,
  type GroupProtocol,
} from '../../support/confluent-client.js';
import type { TestRecord } from '../../support/interop-records.js';
import { createTopic } from '../../support/kafkajs-client.js';
import { committedOffsets, produceRange, recordValue } from '../groups/support.js';
import { FAST_TRANSACTIONS, describeTransaction, type Seen } from './support.js';

const TOPIC = 'txn-confluent';
const OK: ConfluentTxnOutcome = { ok: true, value: null };

/** Records with these values, each to its partition. */
function values(...sends: [number, string][]): (TestRecord & { partition: number })[] {
  return sends.map(([partition, value]) => ({
    partition,
    key: null,
    value: Buffer.from(value),
    headers: [],
  }));
}

/** Every record of the topic's partitions up to their ends (for read_committed, the LSO). */
async function confluentReadAll(
  bootstrap: string,
  topic: string,
  partitions: number,
  isolation: 'read_committed' | 'read_uncommitted',
): Promise<Seen[]> {
  const { records, errors } = await confluentConsume(
    bootstrap,
    Array.from({ length: partitions }, (_, p): [string, number, 'beginning'] => [
      topic,
      p,
      'beginning',
    ]),
    1000,
    { 'isolation.level': isolation },
  );
  assert.deepEqual(errors, []);
  return records
    .map((r): Seen => [r.partition, Number(r.offset), r.value?.toString() ?? ''])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

test('Confluent client transactions: commit, abort and commit over two partitions; read_committed sees exactly the committed records', async () => {
  await withBroker(
    async ({ bootstrap, port }) => {
      await createTopic(bootstrap, TOPIC, { partitions: 2 });
      const producer = new ConfluentTransactionalProducer(bootstrap, 'confluent-commit-abort');
      try {
        await producer.ready();
        assert.deepEqual(await producer.init(), OK);
        const transaction = async (
          sends: [number, string][],
          end: 'commit' | 'abort',
        ): Promise<unknown[]> => {
          const outcomes: unknown[] = [await producer.begin()];
          outcomes.push(await producer.produce(TOPIC, values(...sends)));
          outcomes.push(await (end === 'commit' ? producer.commit() : producer.abort()));
          return outcomes;
        };
        const delivered = (...d: [number, number, number][]): unknown => ({
          ok: true,
          value: { delivered: d, failed: [] },
        });
        // [record index, partition, offset]; one marker after each transaction per partition.
        assert.deepEqual(
          await transaction(
            [
              [0, 'a0'],
              [1, 'a2'],
              [0, 'a1'],
            ],
            'commit',
          ),
          [OK, delivered([0, 0, 0], [1, 1, 0], [2, 0, 1]), OK],
        );
        assert.deepEqual(
          await transaction(
            [
              [1, 'b1'],
              [0, 'b0'],
              [1, 'b2'],
            ],
            'abort',
          ),
          [OK, delivered([0, 1, 2], [1, 0, 3], [2, 1, 3]), OK],
        );
        assert.deepEqual(
          await transaction(
            [
              [0, 'c0'],
              [1, 'c1'],
            ],
            'commit',
          ),
          [OK, delivered([0, 0, 5], [1, 1, 5]), OK],
        );
      } finally {
        await producer.close();
      }
      const done = await describeTransaction(port, 'confluent-commit-abort');
      assert.deepEqual([done.state, done.producerEpoch], ['CompleteCommit', 0]);
      assert.deepEqual(await confluentReadAll(bootstrap, TOPIC, 2, 'read_committed'), [
        [0, 0, 'a0'],
        [0, 1, 'a1'],
        [0, 5, 'c0'],
        [1, 0, 'a2'],
        [1, 5, 'c1'],
      ]);
      assert.deepEqual(await confluentReadAll(bootstrap, TOPIC, 2, 'read_uncommitted'), [
        [0, 0, 'a0'],
        [0, 1, 'a1'],
        [0, 3, 'b0'],
        [0, 5, 'c0'],
        [1, 0, 'a2'],
        [1, 2, 'b1'],
        [1, 3, 'b2'],
        [1, 5, 'c1'],
      ]);
    },
    { overrides: FAST_TRANSACTIONS },
  );
});

test('Confluent client: a zombie fenced by a second producer with the same transactional id fails with _FENCED; transaction.timeout.ms above the maximum fails initTransactions', async () => {
  await withBroker(
    async ({ bootstrap, port }) => {
      await createTopic(bootstrap, TOPIC, { partitions: 2 });
      const producers: ConfluentTransactionalProducer[] = [];
      const start = async (
        transactionalId: string,
        config: Record<string, number> = {},
      ): Promise<ConfluentTransactionalProducer> => {
        const p = new ConfluentTransactionalProducer(bootstrap, transactionalId, {
          // librdkafka's default transaction.timeout.ms, 60 s, is above this broker's maximum.
          config: { 'transaction.timeout.ms': 10_000, 'message.timeout.ms': 5000, ...config },
        });
        producers.push(p);
        await p.ready();
        return p;
      };
      try {
        const [zombie, successor, tooLong] = await Promise.all([
          start('confluent-fenced'),
          start('confluent-fenced'),
          start('confluent-too-long', { 'transaction.timeout.ms': 10_001 }),
        ]);
        assert.deepEqual(await zombie.init(), OK);
        assert.deepEqual(await zombie.begin(), OK);
        assert.deepEqual(await zombie.produce(TOPIC, values([0, 'zombie'])), {
          ok: true,
          value: { delivered: [[0, 0, 0]], failed: [] },
        });
        assert.deepEqual(await successor.init(), OK);
        const fenced = await describeTransaction(port, 'confluent-fenced');
        assert.deepEqual([fenced.state, fenced.producerEpoch], ['Empty', 2]);
        assert.deepEqual(await zombie.commit(), {
          ok: false,
          error: {
            name: '_FENCED',
            message:
              'Failed to end transaction: Local: This instance has been fenced by a newer instance',
            fatal: true,
            abortable: false,
            retriable: false,
          },
        });
        assert.deepEqual(await successor.begin(), OK);
        assert.deepEqual(await successor.produce(TOPIC, values([0, 'successor'])), {
          ok: true,
          value: { delivered: [[0, 0, 2]], failed: [] },
        });
        assert.deepEqual(await successor.commit(), OK);

        const refused = await tooLong.init();
        assert.equal(refused.ok, false);
        assert.deepEqual(!refused.ok && [refused.error.name, refused.error.fatal], [
          'INVALID_TRANSACTION_TIMEOUT',
          true,
        ]);
      } finally {
        for (const p of producers) await p.close();
      }
      assert.deepEqual(await confluentReadAll(bootstrap, TOPIC, 2, 'read_committed'), [
        [0, 2, 'successor'],
      ]);
      assert.deepEqual(await confluentReadAll(bootstrap, TOPIC, 2, 'read_uncommitted'), [
        [0, 0, 'zombie'],
        [0, 2, 'successor'],
      ]);
    },
    { overrides: { ...FAST_TRANSACTIONS, 'transaction.max.timeout.ms': 10_000 } },
  );
});

const INPUT = 'rpw-confluent-input';
const OUTPUT = 'rpw-confluent-output';

for (const groupProtocol of ['classic', 'consumer'] satisfies GroupProtocol[]) {
  test(`Confluent client read-process-write (group.protocol=${groupProtocol}): sendOffsetsToTransaction moves the group offset with each commit, not with an abort`, async () => {
    await withBroker(
      async ({ bootstrap }) => {
        await createTopic(bootstrap, INPUT);
        await createTopic(bootstrap, OUTPUT);
        await produceRange(bootstrap, INPUT, 1, 0, 6);
        const group = `rpw-confluent-${groupProtocol}`;
        const p = new ConfluentTransactionalProducer(bootstrap, group);
        /** [input offsets, offsets sent, outcome, the group's offsets after] per round */
        const rounds: unknown[] = [];
        try {
          await p.ready();
          assert.deepEqual(await p.init(), OK);
          assert.deepEqual(await p.subscribe(group, [INPUT], groupProtocol), OK);
          for (const [size, end] of [
            [3, 'commit'],
            [2, 'abort'],
            [3, 'commit'],
          ] as const) {
            const consumed = await p.consume(size);
            if (!consumed.ok) assert.fail(`consume: ${JSON.stringify(consumed.error)}`);
            const inputOffsets = consumed.value.map((r) => Number(r.offset));
            assert.deepEqual(await p.begin(), OK);
            const produced = await p.produce(
              OUTPUT,
              consumed.value.map((r) => ({
                partition: 0,
                key: null,
                value: Buffer.from(`out-${r.value?.toString() ?? ''}`),
                headers: [],
              })),
            );
            assert.equal(produced.ok && produced.value.failed.length, 0);
            const sent = await p.sendOffsets();
            assert.deepEqual(await (end === 'commit' ? p.commit() : p.abort()), OK);
            if (end === 'abort') assert.deepEqual(await p.seek(INPUT, 0, inputOffsets[0]!), OK);
            const committed = await p.committed([[INPUT, 0]]);
            rounds.push([
              inputOffsets,
              sent.ok && sent.value,
              end,
              committed.ok && committed.value,
            ]);
          }
        } finally {
          await p.close();
        }
        assert.deepEqual(rounds, [
          [[0, 1, 2], [[INPUT, 0, 3]], 'commit', [[INPUT, 0, 3]]],
          [[3, 4], [[INPUT, 0, 5]], 'abort', [[INPUT, 0, 3]]],
          [[3, 4, 5], [[INPUT, 0, 6]], 'commit', [[INPUT, 0, 6]]],
        ]);
        assert.deepEqual(await committedOffsets(bootstrap, group, INPUT), [6]);
        const output = (o: number): string => `out-${recordValue(0, o)}`;
        assert.deepEqual(await confluentReadAll(bootstrap, OUTPUT, 1, 'read_committed'), [
          [0, 0, output(0)],
          [0, 1, output(1)],
          [0, 2, output(2)],
          [0, 7, output(3)],
          [0, 8, output(4)],
          [0, 9, output(5)],
        ]);
        assert.deepEqual(await confluentReadAll(bootstrap, OUTPUT, 1, 'read_uncommitted'), [
          [0, 0, output(0)],
          [0, 1, output(1)],
          [0, 2, output(2)],
          [0, 4, output(3)],
          [0, 5, output(4)],
          [0, 7, output(3)],
          [0, 8, output(4)],
          [0, 9, output(5)],
        ]);
      },
      {
        overrides: {
          ...FAST_TRANSACTIONS,
          'group.consumer.min.heartbeat.interval.ms': 500,
          'group.consumer.heartbeat.interval.ms': 500,
        },
      },
    );
  });
}
