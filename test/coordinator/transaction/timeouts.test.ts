// `tick(now)`: transactions past transaction.timeout.ms are aborted and their producer fenced
// (abortTimedOutTransactions), and idle transactional ids expire after
// transactional.id.expiration.ms (removeExpiredTransactionalIds), each on its check interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes as E } from '../../../src/errors/generated/error-codes.js';
import {
  DEFAULT_TRANSACTION_COORDINATOR_CONFIG,
  decodeTransactionRecord,
} from '../../../src/coordinator/transaction/index.js';
import { addPartitions, endTxn, init, producer, txns, writeMarkers } from './helpers.js';

const ABORT_CHECK = 10_000;
const EXPIRY_CHECK = 60_000;
const EXPIRATION = 300_000;

function timeoutTxns() {
  return txns({
    abortTimedOutTransactionsIntervalMs: ABORT_CHECK,
    removeExpiredTransactionalIdsIntervalMs: EXPIRY_CHECK,
    transactionalIdExpirationMs: EXPIRATION,
  });
}

test("Kafka's defaults", () => {
  assert.deepEqual(DEFAULT_TRANSACTION_COORDINATOR_CONFIG, {
    transactionMaxTimeoutMs: 900_000,
    transactionalIdExpirationMs: 604_800_000,
    abortTimedOutTransactionsIntervalMs: 10_000,
    removeExpiredTransactionalIdsIntervalMs: 3_600_000,
  });
});

test('a transaction past its timeout is aborted at the next check, under a bumped epoch', () => {
  const t = timeoutTxns();
  const p = producer(t, 'tx', 20_000);
  addPartitions(t, p, { orders: [0] });
  t.advance(ABORT_CHECK); // 10 s old
  t.advance(ABORT_CHECK); // 20 s old: not past its timeout (Kafka's start + timeout < now)
  assert.equal(t.shard.transactions.get('tx')?.state, 'Ongoing');
  t.advance(1);
  assert.equal(t.shard.transactions.get('tx')?.state, 'Ongoing', 'checked only every 10 s');
  const logged = t.log.length;
  t.advance(ABORT_CHECK - 1);
  const txn = t.shard.transactions.get('tx');
  assert.equal(txn?.state, 'PrepareAbort');
  assert.equal(txn?.producerEpoch, 1);
  assert.equal(t.log.length, logged + 1);
  assert.deepEqual(t.markers, [
    {
      transactionalId: 'tx',
      producerId: p.producerId,
      producerEpoch: 1,
      coordinatorEpoch: 0,
      transactionResult: false,
      topics: [{ name: 'orders', partitionIndexes: [0] }],
    },
  ]);
  // The producer finds itself fenced.
  assert.equal(endTxn(t, p, true).errorCode, E.PRODUCER_FENCED.code);
  assert.equal(addPartitions(t, p, { orders: [1] })['orders-1'], E.PRODUCER_FENCED.code);
  writeMarkers(t);
  assert.equal(t.shard.transactions.get('tx')?.state, 'CompleteAbort');
  // A new incarnation continues from the fenced epoch.
  assert.equal(init(t, 'tx').producerEpoch, 2);
});

test('only ongoing transactions time out: Empty, completing and completed ones do not', () => {
  const t = timeoutTxns();
  const idle = producer(t, 'idle', 1000);
  const preparing = producer(t, 'preparing', 1000);
  addPartitions(t, preparing, { orders: [0] });
  endTxn(t, preparing, true);
  const logged = t.log.length;
  t.advance(ABORT_CHECK * 3);
  assert.equal(t.log.length, logged);
  assert.equal(t.shard.transactions.get('idle')?.state, 'Empty');
  assert.equal(t.shard.transactions.get('preparing')?.state, 'PrepareCommit');
  assert.equal(t.markers.length, 1);
  assert.equal(idle.producerEpoch, t.shard.transactions.get('idle')?.producerEpoch);
});

test('idle transactional ids expire with a tombstone; ongoing ones never do', () => {
  const t = timeoutTxns();
  const empty = producer(t, 'empty');
  const committed = producer(t, 'committed');
  const ongoing = producer(t, 'ongoing', 900_000);
  addPartitions(t, committed, { orders: [0] });
  endTxn(t, committed, true);
  writeMarkers(t);
  addPartitions(t, ongoing, { orders: [1] });
  assert.ok(empty.producerEpoch === 0);

  t.advance(EXPIRY_CHECK * 4); // 240 s idle: not yet
  assert.equal(t.shard.transactions.size, 3);
  const logged = t.log.length;
  t.advance(EXPIRY_CHECK); // 300 s idle: expired (lastUpdate <= now - expiration)
  const tombstones = t.log.slice(logged).map((r) => {
    const decoded = decodeTransactionRecord(r.key, r.value);
    assert.equal(r.value, null);
    return decoded.type === 'transaction' ? decoded.transactionalId : '?';
  });
  assert.deepEqual(tombstones.sort(), ['committed', 'empty']);
  assert.deepEqual([...t.shard.transactions.keys()], ['ongoing']);
  assert.equal(t.shard.describeTransaction('empty').errorCode, E.TRANSACTIONAL_ID_NOT_FOUND.code);
  // The id is new again: InitProducerId allocates a fresh producer id.
  const before = t.allocated.length;
  assert.equal(init(t, 'empty').producerEpoch, 0);
  assert.equal(t.allocated.length, before + 1);
});

test('expiration counts from the last record, and runs only on its check interval', () => {
  const t = timeoutTxns();
  producer(t, 'a');
  t.advance(EXPIRY_CHECK * 4); // t = 240 s
  init(t, 'a'); // a new record at 240 s
  t.advance(EXPIRY_CHECK * 2); // 360 s: 120 s idle
  assert.equal(t.shard.transactions.has('a'), true);
  t.advance(EXPIRY_CHECK * 3); // 540 s: exactly 300 s idle
  assert.equal(t.shard.transactions.has('a'), false);
});
