// EndTxn and transaction markers: Ongoing → PrepareCommit/PrepareAbort with markers to write,
// completion once they are written, Kafka's answers to retries, and markers re-sent after a load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes as E } from '../../../src/errors/generated/error-codes.js';
import { decodeTransactionRecord } from '../../../src/coordinator/transaction/index.js';
import {
  addPartitions,
  endTxn,
  producer,
  replayed,
  txns,
  writeMarkers,
  type Txns,
} from './helpers.js';

function lastStatus(t: Txns): number | undefined {
  const r = t.log.at(-1);
  assert.ok(r !== undefined);
  const decoded = decodeTransactionRecord(r.key, r.value);
  if (decoded.type !== 'transaction' || decoded.value === null) throw new Error('not a value');
  return decoded.value.transactionStatus;
}

test('commit: PrepareCommit is recorded and its markers handed out, then CompleteCommit', () => {
  const t = txns({}, 7);
  const p = producer(t, 'tx');
  addPartitions(t, p, { orders: [0, 2], payments: [1] });
  t.clock.now += 10;
  const r = endTxn(t, p, true);
  assert.deepEqual(r, {
    throttleTimeMs: 0,
    errorCode: 0,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
  });
  assert.equal(lastStatus(t), 2, 'PrepareCommit');
  assert.deepEqual(t.markers, [
    {
      transactionalId: 'tx',
      producerId: p.producerId,
      producerEpoch: 0,
      coordinatorEpoch: 7,
      transactionResult: true,
      topics: [
        { name: 'orders', partitionIndexes: [0, 2] },
        { name: 'payments', partitionIndexes: [1] },
      ],
    },
  ]);
  assert.deepEqual(t.shard.pendingMarkers(), t.markers);
  const start = t.shard.transactions.get('tx')?.txnStartTimestamp;
  t.clock.now += 10;
  writeMarkers(t);
  assert.equal(lastStatus(t), 4, 'CompleteCommit');
  const txn = t.shard.transactions.get('tx');
  assert.equal(txn?.state, 'CompleteCommit');
  assert.equal(txn?.partitions.size, 0);
  assert.equal(txn?.txnStartTimestamp, start, 'the start time stays until the next transaction');
  assert.deepEqual(t.shard.pendingMarkers(), []);
});

test('abort: PrepareAbort with ABORT markers, then CompleteAbort', () => {
  const t = txns();
  const p = producer(t, 'tx');
  addPartitions(t, p, { orders: [1] });
  assert.equal(endTxn(t, p, false).errorCode, 0);
  assert.equal(lastStatus(t), 3);
  assert.equal(t.markers[0]?.transactionResult, false);
  writeMarkers(t);
  assert.equal(lastStatus(t), 5);
});

test('retries: CONCURRENT_TRANSACTIONS while completing, NONE for the same outcome after, else INVALID_TXN_STATE', () => {
  const t = txns();
  const p = producer(t, 'tx');
  addPartitions(t, p, { orders: [0] });
  endTxn(t, p, true);
  const logged = t.log.length;
  assert.equal(endTxn(t, p, true).errorCode, E.CONCURRENT_TRANSACTIONS.code);
  assert.equal(endTxn(t, p, false).errorCode, E.CONCURRENT_TRANSACTIONS.code);
  assert.equal(t.log.length, logged);
  assert.equal(t.markers.length, 1, 'markers are handed out once');
  writeMarkers(t);
  assert.deepEqual(endTxn(t, p, true), {
    throttleTimeMs: 0,
    errorCode: 0,
    producerId: p.producerId,
    producerEpoch: 0,
  });
  assert.deepEqual(endTxn(t, p, false), {
    throttleTimeMs: 0,
    errorCode: E.INVALID_TXN_STATE.code,
    producerId: -1n,
    producerEpoch: -1,
  });

  const a = producer(t, 'aborter');
  addPartitions(t, a, { orders: [0] });
  endTxn(t, a, false);
  writeMarkers(t);
  assert.equal(endTxn(t, a, false).errorCode, 0);
  assert.equal(endTxn(t, a, true).errorCode, E.INVALID_TXN_STATE.code);
});

test('no transaction in progress: INVALID_TXN_STATE', () => {
  const t = txns();
  const p = producer(t, 'tx');
  assert.equal(endTxn(t, p, true).errorCode, E.INVALID_TXN_STATE.code);
  assert.equal(endTxn(t, p, false).errorCode, E.INVALID_TXN_STATE.code);
});

test('producer checks: INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED (v0-1: INVALID_PRODUCER_EPOCH), INVALID_REQUEST', () => {
  const t = txns();
  const p = producer(t, 'tx');
  addPartitions(t, p, { orders: [0] });
  assert.equal(endTxn(t, { ...p, transactionalId: 'nobody' }, true).errorCode, 49);
  assert.equal(endTxn(t, { ...p, producerId: 1n }, true).errorCode, 49);
  assert.equal(endTxn(t, { ...p, producerEpoch: 1 }, true).errorCode, E.PRODUCER_FENCED.code);
  assert.equal(endTxn(t, { ...p, producerEpoch: 1 }, true, 2).errorCode, 90);
  assert.equal(endTxn(t, { ...p, producerEpoch: 1 }, true, 1).errorCode, 47);
  assert.equal(endTxn(t, { ...p, transactionalId: '' }, true).errorCode, 42);
  assert.equal(t.shard.transactions.get('tx')?.state, 'Ongoing');
});

test('EndTxn v5 (transactions v2, KIP-890) is not served', () => {
  const t = txns();
  const p = producer(t, 'tx');
  addPartitions(t, p, { orders: [0] });
  assert.equal(endTxn(t, p, true, 5).errorCode, E.UNSUPPORTED_VERSION.code);
  assert.equal(t.shard.transactions.get('tx')?.state, 'Ongoing');
});

test('a transaction with no partitions (Kafka allows adding none) gets markers for none', () => {
  const t = txns();
  const p = producer(t, 'tx');
  assert.deepEqual(addPartitions(t, p, {}), {});
  assert.equal(t.shard.transactions.get('tx')?.state, 'Ongoing');
  assert.equal(endTxn(t, p, true).errorCode, 0);
  assert.deepEqual(t.markers[0]?.topics, []);
  writeMarkers(t);
  assert.equal(t.shard.transactions.get('tx')?.state, 'CompleteCommit');
});

test('markers that no longer match change nothing', () => {
  const t = txns();
  const p = producer(t, 'tx');
  addPartitions(t, p, { orders: [0] });
  endTxn(t, p, true);
  const [m] = t.markers;
  assert.ok(m !== undefined);
  const logged = t.log.length;
  for (const stale of [
    { ...m, transactionalId: 'other' },
    { ...m, producerEpoch: 1 },
    { ...m, producerId: 5n },
    { ...m, transactionResult: false },
    { ...m, coordinatorEpoch: 1 },
  ]) {
    assert.deepEqual(t.shard.completeTransaction(stale), {
      response: false,
      records: [],
      markers: [],
    });
  }
  assert.equal(t.log.length, logged);
  writeMarkers(t);
  assert.equal(t.shard.completeTransaction(m).response, false, 'completed once only');
});

test('after a load, transactions left preparing have their markers sent again', () => {
  const t = txns({}, 3);
  const c = producer(t, 'committing');
  const a = producer(t, 'aborting');
  const d = producer(t, 'done');
  addPartitions(t, c, { orders: [0] });
  addPartitions(t, a, { payments: [0, 1] });
  addPartitions(t, d, { orders: [2] });
  endTxn(t, c, true);
  endTxn(t, a, false);
  endTxn(t, d, true);
  const done = t.markers.pop();
  assert.ok(done !== undefined);
  t.record(t.shard.completeTransaction(done));

  const loaded = replayed(t.log);
  // Markers carry the epoch of the coordinator that writes them: the loading one.
  assert.deepEqual(
    loaded.pendingMarkers(),
    t.markers.map((m) => ({ ...m, coordinatorEpoch: 0 })),
  );
  for (const m of loaded.pendingMarkers())
    assert.equal(loaded.completeTransaction(m).response, true);
  assert.deepEqual(loaded.pendingMarkers(), []);
  assert.equal(loaded.transactions.get('committing')?.state, 'CompleteCommit');
  assert.equal(loaded.transactions.get('aborting')?.state, 'CompleteAbort');
});
