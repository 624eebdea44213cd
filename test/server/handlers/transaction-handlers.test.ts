// The transaction APIs through the wire at every version served: a transactional producer's
// whole cycle (FindCoordinator, InitProducerId, AddPartitionsToTxn, Produce, AddOffsetsToTxn,
// TxnOffsetCommit, EndTxn), the batched AddPartitionsToTxn v4+, the admin views, and the errors
// a client gets for bad input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/errors/kafka-error.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';
import { newTopic, withBroker } from './support.js';
import type { WireClient } from './wire-client.js';

const code = ErrorCodes;
const overrides = {
  'transaction.state.log.num.partitions': 3,
  'offsets.topic.num.partitions': 3,
  'group.initial.rebalance.delay.ms': 0,
};

async function init(client: WireClient, transactionalId: string, version = 4) {
  const found = await client.send(Apis.FindCoordinator, 3, { key: transactionalId, keyType: 1 });
  assert.equal(found.errorCode, 0);
  const res = await client.send(Apis.InitProducerId, version, {
    transactionalId,
    transactionTimeoutMs: 60_000,
    producerId: -1n,
    producerEpoch: -1,
  });
  assert.equal(res.errorCode, 0, `InitProducerId v${version}`);
  return res;
}

function batch(producerId: bigint, producerEpoch: number, baseSequence: number, values: string[]) {
  return buildRecordBatch({
    producerId,
    producerEpoch,
    baseSequence,
    isTransactional: true,
    records: values.map((v) => ({ value: Buffer.from(v) })),
  });
}

async function lso(client: WireClient, topic: string): Promise<bigint> {
  const res = await client.send(Apis.ListOffsets, 7, {
    replicaId: -1,
    isolationLevel: 1,
    topics: [
      {
        name: topic,
        partitions: [
          { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 },
        ],
      },
    ],
  });
  return res.topics[0]!.partitions[0]!.offset;
}

async function waitFor<T>(probe: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  let last = await probe();
  for (let i = 0; i < 100 && !done(last); i++) {
    await new Promise((r) => setTimeout(r, 20));
    last = await probe();
  }
  return last;
}

test('a transactional producer commits and aborts at every AddPartitionsToTxn and EndTxn version', async () => {
  await withBroker(async (client) => {
    await client.send(Apis.CreateTopics, 5, { topics: [newTopic('out')] });
    for (let v = 0; v <= 4; v++) {
      const id = `tx-${v}`;
      const { producerId, producerEpoch } = await init(client, id, Math.min(v, 5));
      let sequence = 0;
      for (const committed of [true, false]) {
        const added = await client.send(Apis.AddPartitionsToTxn, Math.min(v, 3), {
          v3AndBelowTransactionalId: id,
          v3AndBelowProducerId: producerId,
          v3AndBelowProducerEpoch: producerEpoch,
          v3AndBelowTopics: [{ name: 'out', partitions: [0] }],
        });
        assert.deepEqual(
          added.resultsByTopicV3AndBelow.map((t) => [
            t.name,
            t.resultsByPartition.map((p) => p.partitionErrorCode),
          ]),
          [['out', [0]]],
        );
        const produced = await client.send(Apis.Produce, 9, {
          transactionalId: id,
          acks: -1,
          timeoutMs: 1000,
          topicData: [
            {
              name: 'out',
              partitionData: [
                {
                  index: 0,
                  records: batch(producerId, producerEpoch, sequence++, [`${v}-${committed}`]),
                },
              ],
            },
          ],
        });
        assert.equal(produced.responses[0]?.partitionResponses[0]?.errorCode, 0);
        const before = await lso(client, 'out');
        const ended = await client.send(Apis.EndTxn, v, {
          transactionalId: id,
          producerId,
          producerEpoch,
          committed,
        });
        assert.equal(ended.errorCode, 0, `EndTxn v${v}`);
        // The marker follows the answer: the last stable offset moves past it.
        const after = await waitFor(
          () => lso(client, 'out'),
          (o) => o > before,
        );
        assert.ok(after > before, `LSO moved past the ${committed ? 'commit' : 'abort'}`);
      }
    }
  }, overrides);
});

test('AddPartitionsToTxn v4+ batches transactions, each answered on its own', async () => {
  await withBroker(async (client) => {
    await client.send(Apis.CreateTopics, 5, { topics: [newTopic('out', 2)] });
    const a = await init(client, 'batch-a');
    const res = await client.send(Apis.AddPartitionsToTxn, 5, {
      transactions: [
        {
          transactionalId: 'batch-a',
          producerId: a.producerId,
          producerEpoch: a.producerEpoch,
          verifyOnly: false,
          topics: [{ name: 'out', partitions: [0, 1] }],
        },
        {
          transactionalId: 'never-initialised',
          producerId: 99n,
          producerEpoch: 0,
          verifyOnly: false,
          topics: [{ name: 'out', partitions: [0] }],
        },
      ],
    });
    assert.equal(res.errorCode, 0);
    assert.deepEqual(
      res.resultsByTransaction.map((t) => [
        t.transactionalId,
        t.topicResults.flatMap((r) => r.resultsByPartition.map((p) => p.partitionErrorCode)),
      ]),
      [
        ['batch-a', [0, 0]],
        ['never-initialised', [code.INVALID_PRODUCER_ID_MAPPING.code]],
      ],
    );
  }, overrides);
});

test('bad transactional requests get Kafka errors', async () => {
  await withBroker(async (client) => {
    await client.send(Apis.CreateTopics, 5, { topics: [newTopic('out')] });
    await client.send(Apis.FindCoordinator, 3, { key: 'bad', keyType: 1 });
    const timeout = await client.send(Apis.InitProducerId, 4, {
      transactionalId: 'bad',
      transactionTimeoutMs: 900_001,
      producerId: -1n,
      producerEpoch: -1,
    });
    assert.equal(timeout.errorCode, code.INVALID_TRANSACTION_TIMEOUT.code);

    const { producerId, producerEpoch } = await init(client, 'ok');
    const unknownTopic = await client.send(Apis.AddPartitionsToTxn, 3, {
      v3AndBelowTransactionalId: 'ok',
      v3AndBelowProducerId: producerId,
      v3AndBelowProducerEpoch: producerEpoch,
      v3AndBelowTopics: [
        { name: 'out', partitions: [0] },
        { name: 'missing', partitions: [0] },
      ],
    });
    assert.deepEqual(
      unknownTopic.resultsByTopicV3AndBelow.map((t) => [
        t.name,
        t.resultsByPartition[0]?.partitionErrorCode,
      ]),
      [
        ['out', code.OPERATION_NOT_ATTEMPTED.code],
        ['missing', code.UNKNOWN_TOPIC_OR_PARTITION.code],
      ],
    );
    const wrongEpoch = await client.send(Apis.EndTxn, 3, {
      transactionalId: 'ok',
      producerId,
      producerEpoch: producerEpoch + 5,
      committed: true,
    });
    assert.equal(wrongEpoch.errorCode, code.PRODUCER_FENCED.code);
    const oldClient = await client.send(Apis.EndTxn, 1, {
      transactionalId: 'ok',
      producerId,
      producerEpoch: producerEpoch + 5,
      committed: true,
    });
    assert.equal(
      oldClient.errorCode,
      code.INVALID_PRODUCER_EPOCH.code,
      'old clients never see PRODUCER_FENCED',
    );
    const notCoordinatorYet = await client.send(Apis.EndTxn, 3, {
      transactionalId: 'unknown-id',
      producerId: 1n,
      producerEpoch: 0,
      committed: true,
    });
    assert.equal(notCoordinatorYet.errorCode, code.INVALID_PRODUCER_ID_MAPPING.code);
  }, overrides);
});

test('DescribeTransactions and ListTransactions show an open transaction, then its end', async () => {
  await withBroker(async (client) => {
    await client.send(Apis.CreateTopics, 5, { topics: [newTopic('out')] });
    const { producerId, producerEpoch } = await init(client, 'shown');
    await client.send(Apis.AddPartitionsToTxn, 3, {
      v3AndBelowTransactionalId: 'shown',
      v3AndBelowProducerId: producerId,
      v3AndBelowProducerEpoch: producerEpoch,
      v3AndBelowTopics: [{ name: 'out', partitions: [0] }],
    });
    const described = await client.send(Apis.DescribeTransactions, 0, {
      transactionalIds: ['shown', 'nobody'],
    });
    const [shown, nobody] = described.transactionStates;
    assert.deepEqual(
      [shown?.errorCode, shown?.transactionState, shown?.producerId, shown?.topics],
      [0, 'Ongoing', producerId, [{ topic: 'out', partitions: [0] }]],
    );
    assert.equal(nobody?.errorCode, code.TRANSACTIONAL_ID_NOT_FOUND.code);
    const listed = await client.send(Apis.ListTransactions, 1, {
      stateFilters: ['Ongoing', 'Bogus'],
      producerIdFilters: [],
      durationFilter: -1n,
    });
    assert.deepEqual(listed.unknownStateFilters, ['Bogus']);
    assert.deepEqual(
      listed.transactionStates.map((t) => [t.transactionalId, t.producerId, t.transactionState]),
      [['shown', producerId, 'Ongoing']],
    );
    await client.send(Apis.EndTxn, 3, {
      transactionalId: 'shown',
      producerId,
      producerEpoch,
      committed: false,
    });
    const done = await waitFor(
      () => client.send(Apis.DescribeTransactions, 0, { transactionalIds: ['shown'] }),
      (r) => r.transactionStates[0]?.transactionState === 'CompleteAbort',
    );
    assert.equal(done.transactionStates[0]?.transactionState, 'CompleteAbort');
  }, overrides);
});

test('DescribeProducers shows an open transaction; a read_committed long poll wakes at its commit', async () => {
  await withBroker(async (client, broker) => {
    const created = await client.send(Apis.CreateTopics, 5, { topics: [newTopic('out')] });
    assert.equal(created.topics[0]?.errorCode, 0);
    const { producerId, producerEpoch } = await init(client, 'watched');
    await client.send(Apis.AddPartitionsToTxn, 3, {
      v3AndBelowTransactionalId: 'watched',
      v3AndBelowProducerId: producerId,
      v3AndBelowProducerEpoch: producerEpoch,
      v3AndBelowTopics: [{ name: 'out', partitions: [0] }],
    });
    const produced = await client.send(Apis.Produce, 9, {
      transactionalId: 'watched',
      acks: -1,
      timeoutMs: 1000,
      topicData: [
        {
          name: 'out',
          partitionData: [{ index: 0, records: batch(producerId, producerEpoch, 0, ['a', 'b']) }],
        },
      ],
    });
    assert.equal(produced.responses[0]?.partitionResponses[0]?.errorCode, 0);
    const describe = () =>
      client.send(Apis.DescribeProducers, 0, {
        topics: [{ name: 'out', partitionIndexes: [0, 7] }],
      });
    const open = await describe();
    const [p0, p7] = open.topics[0]!.partitions;
    assert.deepEqual(
      p0?.activeProducers.map((p) => [
        p.producerId,
        p.producerEpoch,
        p.lastSequence,
        p.currentTxnStartOffset,
      ]),
      [[producerId, producerEpoch, 1, 0n]],
    );
    assert.equal(p7?.errorCode, code.UNKNOWN_TOPIC_OR_PARTITION.code);

    // A read_committed consumer long-polls at offset 0 while the transaction is open.
    const { WireClient } = await import('./wire-client.js');
    const consumer = await WireClient.connect(broker.port);
    try {
      const metadata = await client.send(Apis.Metadata, 12, {
        topics: [{ name: 'out', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
      });
      const topicId = metadata.topics[0]!.topicId;
      const polling = consumer.send(Apis.Fetch, 13, {
        replicaId: -1,
        maxWaitMs: 4000,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 1,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: '',
            topicId,
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: -1,
                fetchOffset: 0n,
                lastFetchedEpoch: -1,
                logStartOffset: -1n,
                partitionMaxBytes: 1 << 20,
                replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      });
      await new Promise((r) => setTimeout(r, 200));
      await client.send(Apis.EndTxn, 3, {
        transactionalId: 'watched',
        producerId,
        producerEpoch,
        committed: true,
      });
      const fetched = await polling;
      const part = fetched.responses[0]!.partitions[0]!;
      assert.equal(part.errorCode, 0);
      assert.equal(part.lastStableOffset, 3n, 'two records and the marker');
      assert.deepEqual(part.abortedTransactions, []);
      assert.ok(
        part.records !== null && part.records.length > 0,
        'the committed batch is returned',
      );
    } finally {
      consumer.close();
    }
    const closed = await waitFor(
      describe,
      (r) => r.topics[0]?.partitions[0]?.activeProducers[0]?.currentTxnStartOffset === -1n,
    );
    assert.equal(closed.topics[0]?.partitions[0]?.activeProducers[0]?.currentTxnStartOffset, -1n);
  }, overrides);
});
