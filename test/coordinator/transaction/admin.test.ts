// DescribeTransactions and ListTransactions over a shard's transactional ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes as E } from '../../../src/errors/generated/error-codes.js';
import { addPartitions, endTxn, producer, START, txns, writeMarkers } from './helpers.js';

test('DescribeTransactions: state, producer, timeout, start time and partitions', () => {
  const t = txns();
  const p = producer(t, 'tx', 45_000);
  t.clock.now += 250;
  addPartitions(t, p, { orders: [2, 0], payments: [1] });
  assert.deepEqual(t.shard.describeTransaction('tx'), {
    errorCode: 0,
    transactionalId: 'tx',
    transactionState: 'Ongoing',
    transactionTimeoutMs: 45_000,
    transactionStartTimeMs: BigInt(START + 250),
    producerId: p.producerId,
    producerEpoch: 0,
    topics: [
      { topic: 'orders', partitions: [2, 0] },
      { topic: 'payments', partitions: [1] },
    ],
  });
  endTxn(t, p, true);
  assert.equal(t.shard.describeTransaction('tx').transactionState, 'PrepareCommit');
  writeMarkers(t);
  const done = t.shard.describeTransaction('tx');
  assert.equal(done.transactionState, 'CompleteCommit');
  assert.deepEqual(done.topics, []);
  producer(t, 'fresh');
  assert.equal(t.shard.describeTransaction('fresh').transactionStartTimeMs, -1n);
});

test('DescribeTransactions: unknown ids and the empty id', () => {
  const t = txns();
  assert.deepEqual(t.shard.describeTransaction('nope'), {
    errorCode: E.TRANSACTIONAL_ID_NOT_FOUND.code,
    transactionalId: 'nope',
    transactionState: '',
    transactionTimeoutMs: 0,
    transactionStartTimeMs: 0n,
    producerId: 0n,
    producerEpoch: 0,
    topics: [],
  });
  assert.equal(t.shard.describeTransaction('').errorCode, E.INVALID_REQUEST.code);
});

test('ListTransactions: state and producer id filters, unknown state names echoed', () => {
  const t = txns();
  const a = producer(t, 'a');
  const b = producer(t, 'b');
  producer(t, 'c');
  addPartitions(t, a, { orders: [0] });
  addPartitions(t, b, { orders: [1] });
  endTxn(t, b, false);
  const list = (stateFilters: string[], producerIdFilters: bigint[] = []) => {
    const r = t.shard.listTransactions({ stateFilters, producerIdFilters, durationFilter: -1n });
    return {
      ids: r.transactionStates.map((s) => `${s.transactionalId}:${s.transactionState}`).sort(),
      unknown: r.unknownStateFilters,
    };
  };
  assert.deepEqual(list([]), { ids: ['a:Ongoing', 'b:PrepareAbort', 'c:Empty'], unknown: [] });
  assert.deepEqual(list(['Ongoing', 'Empty']), { ids: ['a:Ongoing', 'c:Empty'], unknown: [] });
  assert.deepEqual(list(['Ongoing', 'Bogus']), { ids: ['a:Ongoing'], unknown: ['Bogus'] });
  assert.deepEqual(list(['Bogus']), { ids: [], unknown: ['Bogus'] });
  assert.deepEqual(list(['PrepareEpochFence', 'Dead']), { ids: [], unknown: [] });
  assert.deepEqual(list([], [b.producerId]), { ids: ['b:PrepareAbort'], unknown: [] });
  assert.deepEqual(list(['Ongoing'], [b.producerId]), { ids: [], unknown: [] });
  const full = t.shard.listTransactions({
    stateFilters: [],
    producerIdFilters: [a.producerId],
    durationFilter: -1n,
  });
  assert.deepEqual(full, {
    throttleTimeMs: 0,
    errorCode: 0,
    unknownStateFilters: [],
    transactionStates: [
      { transactionalId: 'a', producerId: a.producerId, transactionState: 'Ongoing' },
    ],
  });
});

test('ListTransactions v1: only transactions running longer than the duration filter', () => {
  const t = txns();
  const old = producer(t, 'old');
  addPartitions(t, old, { orders: [0] });
  t.clock.now += 5000;
  const young = producer(t, 'young');
  addPartitions(t, young, { orders: [1] });
  producer(t, 'empty');
  t.clock.now += 1000;
  const ids = (durationFilter: bigint) =>
    t.shard
      .listTransactions({ stateFilters: ['Ongoing'], producerIdFilters: [], durationFilter })
      .transactionStates.map((s) => s.transactionalId)
      .sort();
  assert.deepEqual(ids(-1n), ['old', 'young']);
  assert.deepEqual(ids(999n), ['old', 'young']);
  assert.deepEqual(ids(1000n), ['old'], 'running exactly as long is not longer');
  assert.deepEqual(ids(6000n), []);
  // As in Kafka, an Empty id (start time -1) counts as running since the epoch.
  const empty = t.shard.listTransactions({
    stateFilters: ['Empty'],
    producerIdFilters: [],
    durationFilter: 6000n,
  });
  assert.deepEqual(
    empty.transactionStates.map((s) => s.transactionalId),
    ['empty'],
  );
});
