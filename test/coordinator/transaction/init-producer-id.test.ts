// InitProducerId with a transactional id: producer ids, epoch bumps and fencing, KIP-360
// recovery, epoch exhaustion, and Kafka's request checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes as E } from '../../../src/errors/generated/error-codes.js';
import {
  decodeTransactionRecord,
  transactionRecord,
  type TransactionMetadata,
} from '../../../src/coordinator/transaction/index.js';
import {
  addPartitions,
  endTxn,
  init,
  initRequest,
  producer,
  START,
  txns,
  writeMarkers,
  type Txns,
} from './helpers.js';

function lastRecord(t: Txns) {
  const r = t.log.at(-1);
  assert.ok(r !== undefined);
  const decoded = decodeTransactionRecord(r.key, r.value);
  assert.equal(decoded.type, 'transaction');
  if (decoded.type !== 'transaction') throw new Error('unreachable');
  return decoded;
}

/** Loads a transactional id at the given producer id and epoch, as if read from the log. */
function loadAt(t: Txns, transactionalId: string, producerId: bigint, producerEpoch: number): void {
  const txn: TransactionMetadata = {
    transactionalId,
    producerId,
    previousProducerId: -1n,
    producerEpoch,
    lastProducerEpoch: -1,
    txnTimeoutMs: 60_000,
    state: 'CompleteCommit',
    partitions: new Map(),
    txnStartTimestamp: START - 10,
    txnLastUpdateTimestamp: START - 5,
  };
  const record = transactionRecord(txn);
  t.shard.replay(record.key, record.value);
}

test('a new transactional id: the shard asks for a producer id, then hands it out at epoch 0', () => {
  const t = txns();
  const request = initRequest('tx');
  const first = t.shard.initProducerId(request, { apiVersion: 4 });
  assert.deepEqual(first, { needsProducerId: true });
  assert.equal(t.shard.transactions.size, 0, 'asking changes nothing');
  const second = t.shard.initProducerId(request, { apiVersion: 4 }, 4242n);
  assert.equal(second.needsProducerId, false);
  if (second.needsProducerId) return;
  assert.deepEqual(second.response, {
    throttleTimeMs: 0,
    errorCode: 0,
    producerId: 4242n,
    producerEpoch: 0,
  });
  assert.equal(second.markers.length, 0);
  assert.equal(second.records.length, 1);
  t.record(second);
  const { transactionalId, value } = lastRecord(t);
  assert.equal(transactionalId, 'tx');
  assert.deepEqual(
    { ...value, _unknownTaggedFields: undefined },
    {
      producerId: 4242n,
      previousProducerId: -1n,
      nextProducerId: -1n,
      producerEpoch: 0,
      transactionTimeoutMs: 60_000,
      transactionStatus: 0,
      transactionPartitions: null,
      transactionLastUpdateTimestampMs: BigInt(START),
      transactionStartTimestampMs: -1n,
      clientTransactionVersion: 0,
      _unknownTaggedFields: undefined,
    },
  );
});

test('an existing transactional id: the epoch is bumped (the old producer is fenced), no new id', () => {
  const t = txns();
  const first = producer(t, 'tx');
  const second = init(t, 'tx', { transactionTimeoutMs: 30_000 });
  assert.equal(second.errorCode, 0);
  assert.equal(second.producerId, first.producerId);
  assert.equal(second.producerEpoch, 1);
  assert.deepEqual(t.allocated, [first.producerId]);
  assert.equal(t.shard.transactions.get('tx')?.txnTimeoutMs, 30_000, 'the new timeout is kept');
  // The first producer's epoch is stale now.
  assert.deepEqual(addPartitions(t, first, { orders: [0] }), {
    'orders-0': E.PRODUCER_FENCED.code,
  });
});

test("Kafka's request checks: an id and epoch given together, a non-empty id, a timeout in range", () => {
  const t = txns({ transactionMaxTimeoutMs: 100_000 });
  const cases: [Parameters<typeof init>[2], string, number][] = [
    [{ producerId: 5n, producerEpoch: -1 }, 'tx', E.INVALID_REQUEST.code],
    [{ producerId: -1n, producerEpoch: 3 }, 'tx', E.INVALID_REQUEST.code],
    [{}, '', E.INVALID_REQUEST.code],
    [{ transactionTimeoutMs: 0 }, 'tx', E.INVALID_TRANSACTION_TIMEOUT.code],
    [{ transactionTimeoutMs: -5 }, 'tx', E.INVALID_TRANSACTION_TIMEOUT.code],
    [{ transactionTimeoutMs: 100_001 }, 'tx', E.INVALID_TRANSACTION_TIMEOUT.code],
  ];
  for (const [overrides, id, code] of cases) {
    assert.deepEqual(init(t, id, overrides), {
      throttleTimeMs: 0,
      errorCode: code,
      producerId: -1n,
      producerEpoch: -1,
    });
  }
  const nullId = t.shard.initProducerId(
    { ...initRequest('x'), transactionalId: null },
    { apiVersion: 4 },
  );
  assert.equal(!nullId.needsProducerId && nullId.response.errorCode, E.INVALID_REQUEST.code);
  assert.equal(init(t, 'tx', { transactionTimeoutMs: 100_000 }).errorCode, 0);
  assert.equal(t.log.length, 1, 'only the valid request wrote a record');
});

test('an ongoing transaction is fenced and aborted first: CONCURRENT_TRANSACTIONS until it completes', () => {
  const t = txns();
  const old = producer(t, 'tx');
  assert.deepEqual(addPartitions(t, old, { orders: [0, 1] }), { 'orders-0': 0, 'orders-1': 0 });

  const r = init(t, 'tx');
  assert.deepEqual(r, {
    throttleTimeMs: 0,
    errorCode: E.CONCURRENT_TRANSACTIONS.code,
    producerId: -1n,
    producerEpoch: -1,
  });
  const { value } = lastRecord(t);
  assert.equal(value?.transactionStatus, 3, 'PrepareAbort');
  assert.equal(value?.producerEpoch, 1, 'under a bumped epoch');
  assert.deepEqual(t.markers, [
    {
      transactionalId: 'tx',
      producerId: old.producerId,
      producerEpoch: 1,
      coordinatorEpoch: 0,
      transactionResult: false,
      topics: [{ name: 'orders', partitionIndexes: [0, 1] }],
    },
  ]);
  // The old producer is fenced; the new one waits for the abort.
  assert.equal(endTxn(t, old, true).errorCode, E.PRODUCER_FENCED.code);
  assert.equal(init(t, 'tx').errorCode, E.CONCURRENT_TRANSACTIONS.code);
  writeMarkers(t);
  assert.equal(t.shard.transactions.get('tx')?.state, 'CompleteAbort');
  const retried = init(t, 'tx');
  assert.deepEqual(
    [retried.errorCode, retried.producerId, retried.producerEpoch],
    [0, old.producerId, 2],
  );
});

test('InitProducerId v0-3 gets INVALID_PRODUCER_EPOCH where v4+ gets PRODUCER_FENCED', () => {
  const t = txns();
  const p = producer(t, 'tx');
  init(t, 'tx'); // epoch 1
  const stale = { producerId: p.producerId, producerEpoch: 0 };
  init(t, 'tx', { producerId: p.producerId, producerEpoch: 1 }); // epoch 2, last 1
  assert.equal(init(t, 'tx', stale, 4).errorCode, E.PRODUCER_FENCED.code);
  assert.equal(init(t, 'tx', stale, 3).errorCode, E.INVALID_PRODUCER_EPOCH.code);
  assert.equal(init(t, 'tx', { producerId: 999n, producerEpoch: 2 }, 5).errorCode, 90);
});

test('KIP-360: a producer resuming with its id and epoch is bumped; a lost answer can be retried', () => {
  const t = txns();
  const p = producer(t, 'tx');
  const resumed = init(t, 'tx', { producerId: p.producerId, producerEpoch: 0 });
  assert.deepEqual([resumed.errorCode, resumed.producerEpoch], [0, 1]);
  // The answer was lost: the producer retries with epoch 0 and gets epoch 1 again.
  const retried = init(t, 'tx', { producerId: p.producerId, producerEpoch: 0 });
  assert.deepEqual(
    [retried.errorCode, retried.producerId, retried.producerEpoch],
    [0, p.producerId, 1],
  );
  // From epoch 1 it moves on.
  assert.equal(init(t, 'tx', { producerId: p.producerId, producerEpoch: 1 }).producerEpoch, 2);
  // Another producer id, or an epoch that is neither current nor the last, is fenced.
  assert.equal(init(t, 'tx', { producerId: 77n, producerEpoch: 2 }).errorCode, 90);
  assert.equal(init(t, 'tx', { producerId: p.producerId, producerEpoch: 0 }).errorCode, 90);
  // A bump without the pair forgets the last epoch.
  init(t, 'tx');
  assert.equal(init(t, 'tx', { producerId: p.producerId, producerEpoch: 2 }).errorCode, 90);
});

test('KIP-360: a producer id and epoch for an unknown transactional id get a fresh producer id', () => {
  const t = txns();
  const r = init(t, 'expired', { producerId: 55n, producerEpoch: 9 });
  assert.deepEqual([r.errorCode, r.producerId, r.producerEpoch], [0, t.allocated[0], 0]);
});

test('KIP-360: resuming into an ongoing transaction fences and aborts it', () => {
  const t = txns();
  const p = producer(t, 'tx');
  addPartitions(t, p, { orders: [0] });
  const r = init(t, 'tx', { producerId: p.producerId, producerEpoch: p.producerEpoch });
  assert.equal(r.errorCode, E.CONCURRENT_TRANSACTIONS.code);
  assert.equal(t.shard.transactions.get('tx')?.state, 'PrepareAbort');
});

test('while a commit completes, every InitProducerId gets CONCURRENT_TRANSACTIONS', () => {
  const t = txns();
  const p = producer(t, 'tx');
  addPartitions(t, p, { orders: [0] });
  assert.equal(endTxn(t, p, true).errorCode, 0);
  const logged = t.log.length;
  assert.equal(init(t, 'tx').errorCode, E.CONCURRENT_TRANSACTIONS.code);
  assert.equal(init(t, 'tx', { producerId: 1n, producerEpoch: 1 }).errorCode, 51);
  assert.equal(t.log.length, logged);
  writeMarkers(t);
  assert.equal(init(t, 'tx').producerEpoch, 1);
});

test('an exhausted epoch moves the transactional id to a new producer id at epoch 0', () => {
  const t = txns();
  loadAt(t, 'tx', 7n, 32765);
  const last = init(t, 'tx');
  assert.deepEqual([last.producerId, last.producerEpoch], [7n, 32766]);
  assert.deepEqual(t.allocated, []);
  const rotated = init(t, 'tx');
  assert.deepEqual([rotated.errorCode, rotated.producerEpoch], [0, 0]);
  assert.deepEqual(t.allocated, [rotated.producerId]);
  assert.notEqual(rotated.producerId, 7n);
});

test('KIP-360 across a rotation: the old id at its exhausted epoch retries and gets the new id', () => {
  const t = txns();
  loadAt(t, 'tx', 7n, 32766);
  const rotated = init(t, 'tx', { producerId: 7n, producerEpoch: 32766 });
  assert.deepEqual([rotated.errorCode, rotated.producerEpoch], [0, 0]);
  const newId = rotated.producerId;
  // The answer was lost; the producer retries with what it had.
  const retried = init(t, 'tx', { producerId: 7n, producerEpoch: 32766 });
  assert.deepEqual([retried.errorCode, retried.producerId, retried.producerEpoch], [0, newId, 0]);
  assert.equal(t.allocated.length, 1, 'the retry allocates nothing');
  // An epoch of the old id that is not exhausted is fenced.
  assert.equal(init(t, 'tx', { producerId: 7n, producerEpoch: 32000 }).errorCode, 90);
});

test('an exhausted epoch and a stale expected epoch: fenced (Kafka fails with an internal error)', () => {
  const t = txns();
  loadAt(t, 'tx', 7n, 32766);
  assert.equal(init(t, 'tx', { producerId: 7n, producerEpoch: 32765 }).errorCode, 90);
  assert.deepEqual(t.allocated, []);
});

test('fencing an ongoing transaction at the last epoch: abort at Short.MaxValue, then a new id', () => {
  const t = txns();
  loadAt(t, 'tx', 7n, 32765);
  const p = producer(t, 'tx'); // epoch 32766, the last one handed out
  assert.equal(p.producerEpoch, 32766);
  addPartitions(t, p, { payments: [1] });
  assert.equal(init(t, 'tx').errorCode, 51);
  assert.equal(t.markers[0]?.producerEpoch, 32767);
  writeMarkers(t);
  const next = init(t, 'tx');
  assert.deepEqual([next.errorCode, next.producerEpoch], [0, 0]);
  assert.notEqual(next.producerId, 7n);
});
