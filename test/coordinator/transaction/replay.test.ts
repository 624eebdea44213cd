// Property: replaying every record a transaction coordinator shard emitted rebuilds the same
// persisted state, and the rebuilt shard owes the same markers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  transactionRecord,
  type TransactionMarkers,
} from '../../../src/coordinator/transaction/index.js';
import {
  addPartitions,
  endTxn,
  init,
  replayed,
  txns,
  type Producer,
  type Txns,
} from './helpers.js';

type Op =
  | { kind: 'init'; id: number; resume: boolean; timeoutMs: number }
  | { kind: 'add'; id: number; topic: number; partition: number; stale: boolean }
  | { kind: 'offsets'; id: number; group: number }
  | { kind: 'end'; id: number; commit: boolean }
  | { kind: 'markers'; index: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'nearlyExhausted'; id: number };

const id = fc.nat(3);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('init' as const),
      id,
      resume: fc.boolean(),
      timeoutMs: fc.constantFrom(2000, 8000),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      id,
      topic: fc.nat(1),
      partition: fc.nat(2),
      stale: fc.boolean(),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('offsets' as const), id, group: fc.nat(4) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('end' as const), id, commit: fc.boolean() }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('markers' as const), index: fc.nat(3) }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      // Short steps inside a transaction's timeout, long ones past timeouts and expiration.
      ms: fc.oneof(fc.integer({ min: 1, max: 1500 }), fc.integer({ min: 5000, max: 25_000 })),
    }),
    weight: 2,
  },
  // The log holds an id close to the end of its epochs (as if after 32764 restarts).
  { arbitrary: fc.record({ kind: fc.constant('nearlyExhausted' as const), id }), weight: 1 },
);

/** What each producer last heard from InitProducerId. */
type Producers = Map<string, Producer>;

function apply(t: Txns, producers: Producers, o: Op): void {
  const transactionalId = o.kind === 'markers' || o.kind === 'advance' ? '' : `tx${o.id}`;
  const known = producers.get(transactionalId);
  switch (o.kind) {
    case 'init': {
      const resume =
        o.resume && known !== undefined
          ? { producerId: known.producerId, producerEpoch: known.producerEpoch }
          : {};
      const r = init(t, transactionalId, { transactionTimeoutMs: o.timeoutMs, ...resume });
      if (r.errorCode === 0) {
        producers.set(transactionalId, {
          transactionalId,
          producerId: r.producerId,
          producerEpoch: r.producerEpoch,
        });
      }
      break;
    }
    case 'add':
      if (known === undefined) return;
      addPartitions(t, o.stale ? { ...known, producerEpoch: known.producerEpoch - 1 } : known, {
        [o.topic === 0 ? 'orders' : 'payments']: [o.partition % (o.topic === 0 ? 3 : 2)],
      });
      break;
    case 'offsets':
      if (known === undefined) return;
      t.record(
        t.shard.addOffsetsToTxn(
          { ...known, groupId: `g${o.group}` },
          { apiVersion: 3 },
          o.group * 7,
        ),
      );
      break;
    case 'end':
      if (known !== undefined) endTxn(t, known, o.commit);
      break;
    case 'markers': {
      const [m] = t.markers.splice(o.index % Math.max(1, t.markers.length), 1);
      if (m !== undefined) t.record(t.shard.completeTransaction(m));
      break;
    }
    case 'advance':
      t.advance(o.ms);
      break;
    case 'nearlyExhausted': {
      const record = transactionRecord({
        transactionalId,
        producerId: 900n + BigInt(o.id),
        previousProducerId: -1n,
        producerEpoch: 32764,
        lastProducerEpoch: -1,
        txnTimeoutMs: 8000,
        state: 'CompleteAbort',
        partitions: new Map(),
        txnStartTimestamp: t.clock.now - 10,
        txnLastUpdateTimestamp: t.clock.now,
      });
      t.log.push(record);
      t.shard.replay(record.key, record.value);
      producers.delete(transactionalId);
      break;
    }
  }
}

const byId = (a: TransactionMarkers, b: TransactionMarkers) =>
  a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0;

test('replaying the records rebuilds the persisted state and the markers still owed', () => {
  fc.assert(
    fc.property(fc.array(op, { minLength: 5, maxLength: 80, size: 'max' }), (ops) => {
      const t = txns({
        abortTimedOutTransactionsIntervalMs: 1000,
        removeExpiredTransactionalIdsIntervalMs: 5000,
        transactionalIdExpirationMs: 20_000,
      });
      const producers: Producers = new Map();
      for (const o of ops) {
        apply(t, producers, o);
        for (const txn of t.shard.transactions.values()) {
          assert.notEqual(txn.state, 'Dead');
          assert.notEqual(txn.state, 'PrepareEpochFence');
          assert.ok(txn.producerEpoch >= 0 && txn.producerEpoch <= 32767);
        }
        // After every step, so that a later record cannot hide a change that was never written.
        const rebuilt = replayed(t.log);
        assert.deepEqual(rebuilt.snapshot(), t.shard.snapshot());
        assert.deepEqual(rebuilt.pendingMarkers().sort(byId), t.shard.pendingMarkers().sort(byId));
      }
    }),
    { numRuns: 300 },
  );
});

test('every transaction in PrepareCommit or PrepareAbort owes exactly the markers handed out', () => {
  fc.assert(
    fc.property(fc.array(op, { minLength: 5, maxLength: 80, size: 'max' }), (ops) => {
      const t = txns({ abortTimedOutTransactionsIntervalMs: 1000 });
      const producers: Producers = new Map();
      for (const o of ops) if (o.kind !== 'nearlyExhausted') apply(t, producers, o);
      assert.deepEqual(t.shard.pendingMarkers().sort(byId), [...t.markers].sort(byId));
    }),
    { numRuns: 200 },
  );
});
