// AddPartitionsToTxn (v0-3 from producers, v4-5 batches with VerifyOnly from partition leaders)
// and AddOffsetsToTxn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes as E } from '../../../src/errors/generated/error-codes.js';
import {
  addPartitionsErrorResult,
  decodeTransactionRecord,
} from '../../../src/coordinator/transaction/index.js';
import type { AddPartitionsToTxnRequestAddPartitionsToTxnTransaction } from '../../../src/protocol/generated/api/add-partitions-to-txn.js';
import {
  addPartitions,
  addRequest,
  endTxn,
  partitionErrors,
  producer,
  START,
  txns,
  writeMarkers,
  type Producer,
  type Txns,
} from './helpers.js';

function recordedPartitions(t: Txns): Record<string, number[]> | null {
  const r = t.log.at(-1);
  assert.ok(r !== undefined);
  const decoded = decodeTransactionRecord(r.key, r.value);
  if (decoded.type !== 'transaction' || decoded.value === null) throw new Error('not a value');
  const list = decoded.value.transactionPartitions;
  return list === null
    ? null
    : Object.fromEntries(list.map(({ topic, partitionIds }) => [topic, partitionIds]));
}

function transaction(
  p: Producer,
  topics: Record<string, number[]>,
  verifyOnly: boolean,
): AddPartitionsToTxnRequestAddPartitionsToTxnTransaction {
  return {
    transactionalId: p.transactionalId,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    verifyOnly,
    topics: Object.entries(topics).map(([name, partitions]) => ({ name, partitions })),
  };
}

test('the first partitions start the transaction: Empty → Ongoing, its start time recorded', () => {
  const t = txns();
  const p = producer(t, 'tx');
  t.clock.now += 500;
  assert.deepEqual(addPartitions(t, p, { orders: [0, 2], payments: [1] }), {
    'orders-0': 0,
    'orders-2': 0,
    'payments-1': 0,
  });
  const txn = t.shard.transactions.get('tx');
  assert.equal(txn?.state, 'Ongoing');
  assert.equal(txn?.txnStartTimestamp, START + 500);
  assert.deepEqual(recordedPartitions(t), { orders: [0, 2], payments: [1] });
  assert.equal(t.markers.length, 0);
});

test('partitions already in the transaction: NONE and no record; new ones: a record, same start', () => {
  const t = txns();
  const p = producer(t, 'tx');
  addPartitions(t, p, { orders: [0, 1] });
  const logged = t.log.length;
  t.clock.now += 100;
  assert.deepEqual(addPartitions(t, p, { orders: [1] }), { 'orders-1': 0 });
  assert.equal(t.log.length, logged);
  assert.deepEqual(addPartitions(t, p, { orders: [1, 2], payments: [0] }), {
    'orders-1': 0,
    'orders-2': 0,
    'payments-0': 0,
  });
  assert.equal(t.log.length, logged + 1);
  assert.deepEqual(recordedPartitions(t), { orders: [0, 1, 2], payments: [0] });
  assert.equal(t.shard.transactions.get('tx')?.txnStartTimestamp, START);
  assert.equal(t.shard.transactions.get('tx')?.txnLastUpdateTimestamp, START + 100);
});

test('an unknown partition fails the request: UNKNOWN_TOPIC_OR_PARTITION, the rest OPERATION_NOT_ATTEMPTED', () => {
  const t = txns();
  const p = producer(t, 'tx');
  const logged = t.log.length;
  assert.deepEqual(addPartitions(t, p, { orders: [0, 3], missing: [0], payments: [1] }), {
    'orders-0': E.OPERATION_NOT_ATTEMPTED.code,
    'orders-3': E.UNKNOWN_TOPIC_OR_PARTITION.code,
    'missing-0': E.UNKNOWN_TOPIC_OR_PARTITION.code,
    'payments-1': E.OPERATION_NOT_ATTEMPTED.code,
  });
  assert.equal(t.log.length, logged);
  assert.equal(t.shard.transactions.get('tx')?.state, 'Empty');
});

test('a producer may not add an internal topic: TOPIC_AUTHORIZATION_FAILED, as KafkaApis answers', () => {
  const t = txns();
  const p = producer(t, 'tx');
  assert.deepEqual(addPartitions(t, p, { __consumer_offsets: [0], orders: [0] }), {
    '__consumer_offsets-0': E.TOPIC_AUTHORIZATION_FAILED.code,
    'orders-0': E.OPERATION_NOT_ATTEMPTED.code,
  });
});

test('a topic or partition named twice is answered once', () => {
  const t = txns();
  const p = producer(t, 'tx');
  const request = addRequest(p, {});
  request.v3AndBelowTopics = [
    { name: 'orders', partitions: [1, 1] },
    { name: 'orders', partitions: [0] },
  ];
  const response = t.record(t.shard.addPartitionsToTxn(request, { apiVersion: 3 }));
  assert.deepEqual(response.resultsByTopicV3AndBelow, [
    {
      name: 'orders',
      resultsByPartition: [
        { partitionIndex: 1, partitionErrorCode: 0 },
        { partitionIndex: 0, partitionErrorCode: 0 },
      ],
    },
  ]);
  assert.deepEqual(response.resultsByTransaction, []);
});

test('producer id and epoch checks: INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED (v0-1: INVALID_PRODUCER_EPOCH)', () => {
  const t = txns();
  const p = producer(t, 'tx');
  const unknown = { ...p, transactionalId: 'nobody' };
  const otherId = { ...p, producerId: p.producerId + 1n };
  const staleEpoch = { ...p, producerEpoch: p.producerEpoch + 1 };
  const empty = { ...p, transactionalId: '' };
  const code = (q: Producer, v = 3) => addPartitions(t, q, { orders: [0] }, v)['orders-0'];
  assert.equal(code(unknown), E.INVALID_PRODUCER_ID_MAPPING.code);
  assert.equal(code(otherId), E.INVALID_PRODUCER_ID_MAPPING.code);
  assert.equal(code(staleEpoch), E.PRODUCER_FENCED.code);
  assert.equal(code(staleEpoch, 2), E.PRODUCER_FENCED.code);
  assert.equal(code(staleEpoch, 1), E.INVALID_PRODUCER_EPOCH.code);
  assert.equal(code(staleEpoch, 0), E.INVALID_PRODUCER_EPOCH.code);
  assert.equal(code(empty), E.INVALID_REQUEST.code);
  assert.equal(t.log.length, 1, 'nothing but the InitProducerId record');
});

test('while a commit completes: CONCURRENT_TRANSACTIONS; after it, the next transaction starts afresh', () => {
  const t = txns();
  const p = producer(t, 'tx');
  addPartitions(t, p, { orders: [0] });
  endTxn(t, p, true);
  assert.deepEqual(addPartitions(t, p, { orders: [1] }), {
    'orders-1': E.CONCURRENT_TRANSACTIONS.code,
  });
  writeMarkers(t);
  t.clock.now += 1000;
  assert.deepEqual(addPartitions(t, p, { payments: [0] }), { 'payments-0': 0 });
  const txn = t.shard.transactions.get('tx');
  assert.equal(txn?.state, 'Ongoing');
  assert.equal(txn?.txnStartTimestamp, START + 1000);
  assert.deepEqual(recordedPartitions(t), { payments: [0] });
});

test('v4+ batches: each transaction is added or verified; verification answers per partition', () => {
  const t = txns();
  const a = producer(t, 'a');
  const b = producer(t, 'b');
  addPartitions(t, a, { orders: [0] });
  const response = t.record(
    t.shard.addPartitionsToTxn(
      {
        transactions: [
          transaction(a, { orders: [0, 1] }, true),
          transaction(b, { payments: [0] }, false),
        ],
        v3AndBelowTransactionalId: '',
        v3AndBelowProducerId: 0n,
        v3AndBelowProducerEpoch: 0,
        v3AndBelowTopics: [],
      },
      { apiVersion: 5 },
    ),
  );
  assert.equal(response.errorCode, 0);
  assert.deepEqual(response.resultsByTopicV3AndBelow, []);
  assert.deepEqual(
    response.resultsByTransaction.map((r) => [r.transactionalId, partitionErrors(r.topicResults)]),
    [
      ['a', { 'orders-0': 0, 'orders-1': E.TRANSACTION_ABORTABLE.code }],
      ['b', { 'payments-0': 0 }],
    ],
  );
  assert.equal(t.shard.transactions.get('a')?.partitions.get('orders')?.has(1), false);
  assert.equal(t.shard.transactions.get('b')?.state, 'Ongoing');
});

test('verification errors: unknown id or producer, fenced epoch, completing transaction', () => {
  const t = txns();
  const p = producer(t, 'tx');
  addPartitions(t, p, { orders: [0] });
  const verify = (q: Producer) =>
    partitionErrors(
      t.record(
        t.shard.addPartitionsToTransaction(transaction(q, { orders: [0] }, true), {
          apiVersion: 4,
        }),
      ).topicResults,
    )['orders-0'];
  assert.equal(verify(p), 0);
  assert.equal(verify({ ...p, transactionalId: 'x' }), E.INVALID_PRODUCER_ID_MAPPING.code);
  assert.equal(verify({ ...p, producerId: 1n }), E.INVALID_PRODUCER_ID_MAPPING.code);
  assert.equal(verify({ ...p, producerEpoch: 3 }), E.PRODUCER_FENCED.code);
  assert.equal(verify({ ...p, transactionalId: '' }), E.INVALID_REQUEST.code);
  endTxn(t, p, false);
  assert.equal(verify(p), E.CONCURRENT_TRANSACTIONS.code);
  writeMarkers(t);
  assert.equal(verify(p), E.TRANSACTION_ABORTABLE.code, 'the partitions left with the markers');
});

test('v4+ partition checks: an unknown partition fails its transaction only; internal topics pass', () => {
  const t = txns();
  const p = producer(t, 'tx');
  const r = t.record(
    t.shard.addPartitionsToTransaction(transaction(p, { orders: [0, 9] }, false), {
      apiVersion: 4,
    }),
  );
  assert.deepEqual(partitionErrors(r.topicResults), {
    'orders-0': E.OPERATION_NOT_ATTEMPTED.code,
    'orders-9': E.UNKNOWN_TOPIC_OR_PARTITION.code,
  });
  // A broker may name internal topics; this one has no such partition.
  const internal = t.record(
    t.shard.addPartitionsToTransaction(transaction(p, { __transaction_state: [0] }, true), {
      apiVersion: 4,
    }),
  );
  assert.deepEqual(partitionErrors(internal.topicResults), {
    '__transaction_state-0': E.UNKNOWN_TOPIC_OR_PARTITION.code,
  });
});

test("the service's own answer for a transaction, such as NOT_COORDINATOR", () => {
  assert.deepEqual(
    addPartitionsErrorResult(
      { transactionalId: 'x', topics: [{ name: 'orders', partitions: [2, 0] }] },
      E.NOT_COORDINATOR.code,
    ),
    {
      transactionalId: 'x',
      topicResults: [
        {
          name: 'orders',
          resultsByPartition: [
            { partitionIndex: 2, partitionErrorCode: 16 },
            { partitionIndex: 0, partitionErrorCode: 16 },
          ],
        },
      ],
    },
  );
});

test("AddOffsetsToTxn adds the group's __consumer_offsets partition, whose markers then follow", () => {
  const t = txns();
  const p = producer(t, 'tx');
  const add = (q: Producer, v = 3) =>
    t.record(
      t.shard.addOffsetsToTxn(
        {
          transactionalId: q.transactionalId,
          producerId: q.producerId,
          producerEpoch: q.producerEpoch,
          groupId: 'g',
        },
        { apiVersion: v },
        17,
      ),
    ).errorCode;
  assert.equal(add(p), 0);
  assert.equal(t.shard.transactions.get('tx')?.state, 'Ongoing');
  assert.deepEqual(recordedPartitions(t), { __consumer_offsets: [17] });
  const logged = t.log.length;
  assert.equal(add(p), 0);
  assert.equal(t.log.length, logged, 'already in the transaction');
  assert.equal(add({ ...p, producerId: 3n }), E.INVALID_PRODUCER_ID_MAPPING.code);
  assert.equal(add({ ...p, producerEpoch: 4 }), E.PRODUCER_FENCED.code);
  assert.equal(add({ ...p, producerEpoch: 4 }, 1), E.INVALID_PRODUCER_EPOCH.code);
  assert.equal(add({ ...p, transactionalId: '' }), E.INVALID_REQUEST.code);
  addPartitions(t, p, { orders: [2] });
  endTxn(t, p, true);
  assert.deepEqual(t.markers[0]?.topics, [
    { name: '__consumer_offsets', partitionIndexes: [17] },
    { name: 'orders', partitionIndexes: [2] },
  ]);
});
