// `__transaction_state` records in Kafka's format: bytes laid out by hand from
// TransactionLogKey.json and TransactionLogValue.json, Kafka's TransactionState ids, and what
// replay accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writer } from '../../../src/protocol/primitives/index.js';
import { encodeTransactionLogValue } from '../../../src/protocol/generated/transaction-coordinator/transaction-log-value.js';
import { isSamsaError } from '../../../src/errors/samsa-error.js';
import {
  TRANSACTION_STATE_IDS,
  TransactionCoordinatorShard,
  transactionRecord,
  transactionStateFromId,
  transactionTombstone,
  type TransactionMetadata,
} from '../../../src/coordinator/transaction/index.js';

function metadata(overrides: Partial<TransactionMetadata> = {}): TransactionMetadata {
  return {
    transactionalId: 'tx',
    producerId: 5n,
    previousProducerId: 4n,
    producerEpoch: 3,
    lastProducerEpoch: 2,
    txnTimeoutMs: 60_000,
    state: 'Ongoing',
    partitions: new Map([['orders', new Set([0, 2])]]),
    txnStartTimestamp: 1_000_000,
    txnLastUpdateTimestamp: 1_000_100,
    ...overrides,
  };
}

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const KEY = hex('0000 0002' + Buffer.from('tx').toString('hex'));

test("TransactionState ids are Kafka's", () => {
  assert.deepEqual(TRANSACTION_STATE_IDS, {
    Empty: 0,
    Ongoing: 1,
    PrepareCommit: 2,
    PrepareAbort: 3,
    CompleteCommit: 4,
    CompleteAbort: 5,
    Dead: 6,
    PrepareEpochFence: 7,
  });
  assert.equal(transactionStateFromId(7), 'PrepareEpochFence');
  assert.equal(transactionStateFromId(8), undefined);
});

test('an Ongoing record: key v0 and value v0, byte for byte', () => {
  const record = transactionRecord(metadata());
  assert.deepEqual(record.key, KEY);
  const orders = Buffer.from('orders').toString('hex');
  const expected = [
    '0000', // value version 0
    '0000000000000005', // ProducerId 5
    '0003', // ProducerEpoch 3
    '0000ea60', // TransactionTimeoutMs 60000
    '01', // TransactionStatus: Ongoing
    '00000001', // TransactionPartitions: one topic
    `0006${orders}`, // Topic "orders"
    '00000002' + '00000000' + '00000002', // PartitionIds [0, 2]
    '00000000000f42a4', // TransactionLastUpdateTimestampMs 1000100
    '00000000000f4240', // TransactionStartTimestampMs 1000000
  ];
  assert.deepEqual(record.value, hex(expected.join('')));
});

test('an Empty record has null partitions and start time -1; a tombstone has no value', () => {
  const record = transactionRecord(
    metadata({ state: 'Empty', partitions: new Map(), txnStartTimestamp: -1 }),
  );
  const value = record.value;
  assert.ok(value !== null);
  // version, producer id, epoch, timeout, status, then the partitions array's count.
  assert.equal(value.readInt8(2 + 8 + 2 + 4), 0);
  assert.equal(value.readInt32BE(2 + 8 + 2 + 4 + 1), -1);
  assert.equal(value.readBigInt64BE(value.length - 8), -1n);
  assert.deepEqual(transactionTombstone('tx'), { key: KEY, value: null });
});

test('replay: the latest record is the state, a tombstone removes it, in-memory fields reset', () => {
  const shard = new TransactionCoordinatorShard({ clock: () => 0 });
  const ongoing = transactionRecord(metadata());
  shard.replay(ongoing.key, ongoing.value);
  assert.deepEqual(shard.transactions.get('tx'), {
    ...metadata(),
    previousProducerId: -1n,
    lastProducerEpoch: -1,
  });
  const complete = transactionRecord(
    metadata({ state: 'CompleteCommit', partitions: new Map(), txnLastUpdateTimestamp: 1_000_200 }),
  );
  shard.replay(complete.key, complete.value);
  assert.equal(shard.transactions.get('tx')?.state, 'CompleteCommit');
  assert.equal(shard.transactions.get('tx')?.partitions.size, 0);
  shard.replay(KEY, null);
  assert.equal(shard.transactions.size, 0);
});

test('replay reads value v1 (flexible, with tagged fields) and ignores the partitions of Empty', () => {
  const w = new Writer(64);
  w.writeInt16(1);
  encodeTransactionLogValue(w, 1, {
    producerId: 9n,
    previousProducerId: 8n,
    nextProducerId: -1n,
    producerEpoch: 0,
    transactionTimeoutMs: 1000,
    transactionStatus: 0,
    transactionPartitions: [{ topic: 'orders', partitionIds: [1] }],
    transactionLastUpdateTimestampMs: 5n,
    transactionStartTimestampMs: -1n,
    clientTransactionVersion: 0,
  });
  const shard = new TransactionCoordinatorShard({ clock: () => 0 });
  shard.replay(KEY, w.toBuffer());
  const txn = shard.transactions.get('tx');
  assert.equal(txn?.producerId, 9n);
  assert.equal(txn?.previousProducerId, 8n);
  assert.equal(txn?.partitions.size, 0);
});

test('replay skips unknown key versions and rejects unknown state ids', () => {
  const shard = new TransactionCoordinatorShard({ clock: () => 0 });
  const value = transactionRecord(metadata()).value;
  shard.replay(hex('0005 0002 7478'), value);
  assert.equal(shard.transactions.size, 0);
  const bad = Buffer.from(value ?? []);
  bad.writeInt8(9, 2 + 8 + 2 + 4);
  assert.throws(
    () => shard.replay(KEY, bad),
    (err) => isSamsaError(err, 'SAMSA_ERR_DECODE_INVALID_VALUE'),
  );
});
