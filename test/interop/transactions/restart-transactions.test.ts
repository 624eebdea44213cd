// Transactions across a broker restart in their middle. The coordinator's state lives in
// `__transaction_state` and is replayed at start-up; the open transactions' records and the
// producers' state are in the partitions' logs. Two producers are mid-transaction when the broker
// goes down: one carries on after the restart and commits; the other is abandoned (left open,
// or its process killed) and the coordinator aborts it once its transaction.timeout.ms has passed,
// so the last stable offset moves past it. A read_committed consumer then sees exactly the
// committed records, in order. Stopped cleanly, in-process, with KafkaJS producers; killed with
// SIGKILL (a child broker, no flush) with Confluent producers in child processes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBroker, type TestBroker } from '../../support/broker.js';
import { removeDataDir, startChildBroker, type ChildBroker } from '../../support/child-broker.js';
import {
  ConfluentTransactionalProducer,
  confluentConsume,
  type ConfluentTxnOutcome,
} from '../../support/confluent-client.js';
import { createTopic } from '../../support/kafkajs-client.js';
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
  type TransactionView,
} from './support.js';

const TOPIC = 'txn-restart';

/** [last stable offsets, high watermarks] of the topic's two partitions. */
async function offsets(bootstrap: string): Promise<[number[], number[]]> {
  return [
    await latestOffsets(bootstrap, TOPIC, 2, 'read_committed'),
    await latestOffsets(bootstrap, TOPIC, 2, 'read_uncommitted'),
  ];
}

/** State, epoch and partitions of a transaction. */
async function transactionState(port: number, id: string): Promise<unknown[]> {
  const t: TransactionView = await describeTransaction(port, id);
  return [t.state, t.producerEpoch, t.topics];
}

/** Waits for the coordinator to abort a timed-out transaction; returns its view. */
function abortedByCoordinator(port: number, id: string): Promise<TransactionView> {
  return pollUntil(
    () => describeTransaction(port, id),
    (t) => t.state === 'CompleteAbort',
    15_000,
  );
}

test('a clean restart in the middle of transactions: a KafkaJS producer commits after it, an abandoned one is aborted by the coordinator', async () => {
  let broker: TestBroker | undefined = await startBroker({ overrides: FAST_TRANSACTIONS });
  const { port, dataDir } = broker;
  const bootstrap = broker.bootstrap;
  const kafka = kafkajsTxnClient(bootstrap);
  const survivor = await kafkajsTransactionalProducer(kafka, 'kafkajs-survivor', 60_000);
  let finished = false;
  try {
    await createTopic(bootstrap, TOPIC, { partitions: 2 });
    const send = async (
      txn: Awaited<ReturnType<typeof survivor.transaction>>,
      partition: number,
      value: string,
    ): Promise<string | undefined> =>
      (await txn.send({ topic: TOPIC, acks: -1, messages: [{ value, partition }] }))[0]?.baseOffset;

    const t1 = await survivor.transaction();
    assert.equal(await send(t1, 0, 'r-a0'), '0');
    assert.equal(await send(t1, 1, 'r-a1'), '0');
    await t1.commit();

    // Abandoned after one record at p1 offset 2, with a 3 s timeout.
    const abandoned = await kafkajsTransactionalProducer(kafka, 'kafkajs-abandoned', 3000);
    const open = await abandoned.transaction();
    assert.equal(await send(open, 1, 'r-y1'), '2');
    await abandoned.disconnect();

    const t2 = await survivor.transaction();
    assert.equal(await send(t2, 0, 'r-b0'), '2');
    assert.equal(await send(t2, 1, 'r-b1'), '3');
    const before = await describeTransaction(port, 'kafkajs-survivor');

    await broker.stop({ keepData: true });
    broker = undefined;
    broker = await startBroker({
      overrides: { ...FAST_TRANSACTIONS, listeners: `PLAINTEXT://127.0.0.1:${port}` },
      dataDir,
    });

    const after = await describeTransaction(port, 'kafkajs-survivor');
    assert.deepEqual(after, before, 'the open transaction was replayed as it was');
    assert.deepEqual(
      [after.state, after.producerEpoch, after.topics],
      ['Ongoing', 0, [[TOPIC, [0, 1]]]],
    );
    const aborted = await abortedByCoordinator(port, 'kafkajs-abandoned');
    assert.deepEqual([aborted.state, aborted.producerEpoch], ['CompleteAbort', 1]);
    // The ABORT marker at p1 offset 4; the survivor's records still hold the LSO.
    await eventuallyDeepEqual(
      () => offsets(bootstrap),
      [
        [2, 3],
        [3, 5],
      ],
    );

    // KafkaJS reconnects and commits: markers at p0 offset 3, p1 offset 5.
    await t2.commit();
    await eventuallyDeepEqual(
      () => offsets(bootstrap),
      [
        [4, 6],
        [4, 6],
      ],
    );
    const t3 = await survivor.transaction();
    assert.equal(await send(t3, 0, 'r-c0'), '4');
    await t3.abort();
    const t4 = await survivor.transaction();
    assert.equal(await send(t4, 1, 'r-d1'), '6');
    await t4.commit();
    await eventuallyDeepEqual(
      () => offsets(bootstrap),
      [
        [6, 8],
        [6, 8],
      ],
    );
    assert.deepEqual(await transactionState(port, 'kafkajs-survivor'), ['CompleteCommit', 0, []]);
    finished = true;
  } finally {
    await survivor.disconnect();
    await broker?.stop({ keepData: true });
    if (!finished) removeDataDir(dataDir);
  }
  // Read from a third broker start on the same data: the markers were written for good.
  broker = await startBroker({ overrides: FAST_TRANSACTIONS, dataDir });
  try {
    const committed: Seen[] = [
      [0, 0, 'r-a0'],
      [0, 2, 'r-b0'],
      [1, 0, 'r-a1'],
      [1, 3, 'r-b1'],
      [1, 6, 'r-d1'],
    ];
    assert.deepEqual(await kafkajsReadAll(broker.bootstrap, TOPIC, committed.length), committed);
    const everything: Seen[] = [
      [0, 0, 'r-a0'],
      [0, 2, 'r-b0'],
      [0, 4, 'r-c0'],
      [1, 0, 'r-a1'],
      [1, 2, 'r-y1'],
      [1, 3, 'r-b1'],
      [1, 6, 'r-d1'],
    ];
    assert.deepEqual(
      await kafkajsReadAll(broker.bootstrap, TOPIC, everything.length, { readUncommitted: true }),
      everything,
    );
  } finally {
    await broker.stop();
  }
});

const OK: ConfluentTxnOutcome = { ok: true, value: null };

function record(partition: number, value: string) {
  return { partition, key: null, value: Buffer.from(value), headers: [] };
}

test('a broker killed with SIGKILL in the middle of transactions: a Confluent producer commits after the restart, a crashed one is aborted by the coordinator', async () => {
  let broker: ChildBroker | undefined = await startChildBroker({ overrides: FAST_TRANSACTIONS });
  const { port, dataDir } = broker;
  const bootstrap = broker.bootstrap;
  const survivor = new ConfluentTransactionalProducer(bootstrap, 'confluent-survivor');
  const crashed = new ConfluentTransactionalProducer(bootstrap, 'confluent-crashed', {
    config: { 'transaction.timeout.ms': 5000, 'message.timeout.ms': 5000 },
  });
  const delivered = (partition: number, offset: number): unknown => ({
    ok: true,
    value: { delivered: [[0, partition, offset]], failed: [] },
  });
  try {
    await createTopic(bootstrap, TOPIC, { partitions: 2 });
    await Promise.all([survivor.ready(), crashed.ready()]);
    assert.deepEqual(await survivor.init(), OK);
    assert.deepEqual(await crashed.init(), OK);

    assert.deepEqual(await survivor.begin(), OK);
    assert.deepEqual(await survivor.produce(TOPIC, [record(0, 'k-a0')]), delivered(0, 0));
    assert.deepEqual(await survivor.commit(), OK);

    // The crashed producer's transaction holds p1 from offset 0; the survivor's follows it.
    assert.deepEqual(await crashed.begin(), OK);
    assert.deepEqual(await crashed.produce(TOPIC, [record(1, 'k-z1')]), delivered(1, 0));
    const before = await describeTransaction(port, 'confluent-crashed');
    assert.deepEqual(
      [before.state, before.timeoutMs, before.producerEpoch, before.topics],
      ['Ongoing', 5000, 0, [[TOPIC, [1]]]],
    );
    assert.deepEqual(await survivor.begin(), OK);
    assert.deepEqual(await survivor.produce(TOPIC, [record(0, 'k-b0')]), delivered(0, 2));
    assert.deepEqual(await survivor.produce(TOPIC, [record(1, 'k-b1')]), delivered(1, 1));
    assert.deepEqual(await offsets(bootstrap), [
      [2, 0],
      [3, 2],
    ]);

    await crashed.kill();
    await broker.kill9();
    broker = undefined;
    broker = await startChildBroker({
      dataDir,
      overrides: { ...FAST_TRANSACTIONS, listeners: `PLAINTEXT://127.0.0.1:${port}` },
    });

    assert.deepEqual(await transactionState(port, 'confluent-survivor'), [
      'Ongoing',
      0,
      [[TOPIC, [0, 1]]],
    ]);
    const aborted = await abortedByCoordinator(port, 'confluent-crashed');
    assert.deepEqual(
      [aborted.state, aborted.producerId, aborted.producerEpoch, aborted.topics],
      ['CompleteAbort', before.producerId, 1, []],
    );
    // The ABORT marker at p1 offset 2: the LSO moves on to the survivor's first record.
    await eventuallyDeepEqual(
      () => offsets(bootstrap),
      [
        [2, 1],
        [3, 3],
      ],
    );

    // librdkafka reconnects and commits: markers at p0 offset 3, p1 offset 3.
    assert.deepEqual(await survivor.commit(), OK);
    assert.deepEqual(await survivor.begin(), OK);
    assert.deepEqual(await survivor.produce(TOPIC, [record(1, 'k-c1')]), delivered(1, 4));
    assert.deepEqual(await survivor.commit(), OK);
    await eventuallyDeepEqual(
      () => offsets(bootstrap),
      [
        [4, 6],
        [4, 6],
      ],
    );

    const read = async (isolation: string): Promise<Seen[]> => {
      const { records, errors } = await confluentConsume(
        bootstrap,
        [
          [TOPIC, 0, 'beginning'],
          [TOPIC, 1, 'beginning'],
        ],
        1000,
        { 'isolation.level': isolation },
      );
      assert.deepEqual(errors, []);
      return records
        .map((r): Seen => [r.partition, Number(r.offset), r.value?.toString() ?? ''])
        .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    };
    assert.deepEqual(await read('read_committed'), [
      [0, 0, 'k-a0'],
      [0, 2, 'k-b0'],
      [1, 1, 'k-b1'],
      [1, 4, 'k-c1'],
    ]);
    assert.deepEqual(await read('read_uncommitted'), [
      [0, 0, 'k-a0'],
      [0, 2, 'k-b0'],
      [1, 0, 'k-z1'],
      [1, 1, 'k-b1'],
      [1, 4, 'k-c1'],
    ]);
  } finally {
    await crashed.kill();
    await survivor.close().catch(() => survivor.kill());
    await broker?.stop();
    removeDataDir(dataDir);
  }
});
