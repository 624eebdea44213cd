// Transactions in the partition log (KIP-98, Kafka's ProducerStateManager and UnifiedLog rules):
// the last stable offset with interleaved producers, COMMIT and ABORT markers written by the
// coordinator, fencing by producer and coordinator epoch, the transactional/non-transactional
// rules, read_committed reads with their aborted transactions, ListOffsets and long polls bounded
// by the LSO, and truncation and DeleteRecords reopening or clamping transactions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ControlRecordType,
  buildRecordBatch,
  readRecordBatches,
} from '../../src/protocol/records/index.js';
import { ListOffsetsTimestamp } from '../../src/storage/partition-log.js';
import type { UnifiedLog } from '../../src/storage/unified-log.js';
import { ManualClock, batch, openLog, tempDir } from './helpers.js';
import {
  append,
  appendDuplicate,
  producerBatch,
  refusedWith,
  txnBatch,
  writeMarker,
} from './producer-state-helpers.js';

function newLog(config = {}): UnifiedLog {
  return openLog(tempDir(), new ManualClock(), config);
}

function offsets(log: UnifiedLog): [bigint, bigint, bigint] {
  return [log.lastStableOffset, log.highWatermark, log.logEndOffset];
}

async function committedBaseOffsets(log: UnifiedLog, from = 0n): Promise<bigint[]> {
  const { records } = await log.read(from, { maxBytes: 1 << 20, isolation: 'txn_committed' });
  return readRecordBatches(records).batches.map((b) => b.baseOffset);
}

describe('transactions: last stable offset', () => {
  it('stops at the earliest open transaction of interleaved producers and moves with markers', async () => {
    const log = newLog();
    await append(log, batch({ tag: 'plain' })); // 0
    assert.deepEqual(offsets(log), [1n, 1n, 1n]);
    await append(log, txnBatch({ pid: 7n, seq: 0 })); // 1: producer 7 opens
    await append(log, txnBatch({ pid: 8n, seq: 0 })); // 2: producer 8 opens
    await append(log, batch({ tag: 'plain' })); // 3
    await append(log, txnBatch({ pid: 7n, seq: 1 })); // 4
    assert.deepEqual(offsets(log), [1n, 5n, 5n]);
    assert.deepEqual(
      log.producerState.ongoingTxns.map((t) => [t.producerId, t.firstOffset]),
      [
        [7n, 1n],
        [8n, 2n],
      ],
    );
    await writeMarker(log, 'commit', { pid: 7n }); // 5
    assert.deepEqual(offsets(log), [2n, 6n, 6n]);
    await append(log, txnBatch({ pid: 7n, seq: 2 })); // 7 opens a new transaction at 6
    await writeMarker(log, 'abort', { pid: 8n }); // 7
    assert.deepEqual(offsets(log), [6n, 8n, 8n]);
    await writeMarker(log, 'commit', { pid: 7n }); // 8
    assert.deepEqual(offsets(log), [9n, 9n, 9n]);
    assert.equal(log.producerState.firstUnstableOffset, null);
    await log.close();
  });

  it('read_committed returns only batches below the LSO; read_uncommitted the rest too', async () => {
    const log = newLog();
    await append(log, batch()); // 0
    await append(log, txnBatch({ seq: 0, count: 2 })); // 1-2
    await append(log, batch()); // 3
    assert.deepEqual(await committedBaseOffsets(log), [0n]);
    const uncommitted = await log.read(0n, { maxBytes: 1 << 20 });
    assert.equal(readRecordBatches(uncommitted.records).batches.length, 3);
    assert.equal(uncommitted.abortedTransactions, undefined, 'only read_committed lists them');
    const atLso = await log.read(1n, { maxBytes: 1 << 20, isolation: 'txn_committed' });
    assert.equal(atLso.records.length, 0);
    assert.deepEqual(atLso.abortedTransactions, []);
    assert.deepEqual([atLso.lastStableOffset, atLso.highWatermark], [1n, 4n]);
    await writeMarker(log, 'commit'); // 4
    assert.deepEqual(await committedBaseOffsets(log), [0n, 1n, 3n, 4n]);
    await log.close();
  });

  it('lists the aborted transactions overlapping a read_committed read', async () => {
    const log = newLog({ segmentBytes: 300 });
    await append(log, batch()); // 0
    await append(log, txnBatch({ pid: 7n, seq: 0 })); // 1
    await append(log, txnBatch({ pid: 8n, seq: 0 })); // 2
    await append(log, txnBatch({ pid: 7n, seq: 1 })); // 3
    await writeMarker(log, 'abort', { pid: 7n }); // 4
    await writeMarker(log, 'commit', { pid: 8n }); // 5
    await append(log, txnBatch({ pid: 9n, seq: 0 })); // 6
    await writeMarker(log, 'abort', { pid: 9n }); // 7
    await append(log, batch()); // 8
    assert.ok(log.segmentBaseOffsets.length > 2, 'the transactions span segments');
    const all: { producerId: bigint; firstOffset: bigint }[] = [];
    let offset = 0n;
    while (offset < log.lastStableOffset) {
      const r = await log.read(offset, { maxBytes: 1, isolation: 'txn_committed' });
      const { batches } = readRecordBatches(r.records);
      for (const t of r.abortedTransactions ?? []) {
        if (!all.some((a) => a.firstOffset === t.firstOffset)) all.push(t);
      }
      // One batch per read: each lists exactly the aborted transactions it overlaps.
      const b = batches[0]!;
      const expected = [
        ...(b.baseOffset <= 4n && b.lastOffset >= 1n ? [{ producerId: 7n, firstOffset: 1n }] : []),
        ...(b.baseOffset <= 7n && b.lastOffset >= 6n ? [{ producerId: 9n, firstOffset: 6n }] : []),
      ];
      assert.deepEqual(r.abortedTransactions, expected, `read at ${offset}`);
      offset = b.nextOffset;
    }
    assert.deepEqual(all, [
      { producerId: 7n, firstOffset: 1n },
      { producerId: 9n, firstOffset: 6n },
    ]);
    // A read of everything at once lists both; a read past both markers none.
    const whole = await log.read(0n, { maxBytes: 1 << 20, isolation: 'txn_committed' });
    assert.ok(whole.abortedTransactions!.length >= 1);
    const after = await log.read(8n, { maxBytes: 1 << 20, isolation: 'txn_committed' });
    assert.deepEqual(after.abortedTransactions, []);
    await log.close();
  });

  it('bounds ListOffsets by the LSO for read_committed', async () => {
    const log = newLog();
    await append(log, batch({ timestamp: 1000n })); // 0
    await append(log, txnBatch({ seq: 0, timestamp: 2000n })); // 1
    const committed = { isolation: 'txn_committed' } as const;
    const latest = await log.offsetForTimestamp(ListOffsetsTimestamp.LATEST, committed);
    assert.equal(latest?.offset, 1n);
    assert.equal((await log.offsetForTimestamp(ListOffsetsTimestamp.LATEST))?.offset, 2n);
    assert.equal(await log.offsetForTimestamp(1500n, committed), null);
    assert.equal((await log.offsetForTimestamp(1500n))?.offset, 1n);
    assert.equal(await log.offsetForTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP, committed), null);
    await writeMarker(log, 'abort');
    assert.equal((await log.offsetForTimestamp(1500n, committed))?.offset, 1n);
    await log.close();
  });

  it('wakes a read_committed long poll when the LSO passes it, not on transactional data', async () => {
    const log = newLog();
    await append(log, txnBatch({ seq: 0 })); // 0
    let woke = false;
    const waiting = log.waitForAppend(0n, undefined, 'txn_committed').then(() => (woke = true));
    await append(log, txnBatch({ seq: 1 })); // 1
    await new Promise((r) => setImmediate(r));
    assert.equal(woke, false, 'still undecided');
    await log.waitForAppend(0n); // read_uncommitted sees it at once
    await writeMarker(log, 'commit'); // 2
    await waiting;
    assert.equal(woke, true);
    await log.close();
  });
});

describe('transactions: markers and fencing', () => {
  it('writes a marker for a producer with no open transaction, and it completes nothing', async () => {
    const log = newLog();
    await append(log, producerBatch({ seq: 0 }));
    const r = await writeMarker(log, 'abort', { coordinatorEpoch: 3 });
    assert.deepEqual([r.firstOffset, r.lastOffset, log.logEndOffset], [1n, 1n, 2n]);
    assert.equal(log.lastStableOffset, 2n);
    assert.deepEqual(log.segments[0]!.txnIndex.entries, []);
    const entry = log.producerState.lastEntry(7n)!;
    assert.deepEqual([entry.coordinatorEpoch, entry.batches.length], [3, 1]);
    // Sequences go on after a marker of the same epoch, and retries are still recognised.
    await appendDuplicate(log, producerBatch({ seq: 0 }), 0n, 0n);
    await append(log, txnBatch({ seq: 1 }));
    await log.close();
  });

  it('refuses transactional data and markers from a fenced (older) producer epoch', async () => {
    const log = newLog();
    await append(log, txnBatch({ epoch: 1, seq: 0 }));
    await refusedWith(
      log,
      () => append(log, txnBatch({ epoch: 0, seq: 1 })),
      'INVALID_PRODUCER_EPOCH',
    );
    await refusedWith(log, () => writeMarker(log, 'abort', { epoch: 0 }), 'INVALID_PRODUCER_EPOCH');
    // The coordinator aborts with a bumped epoch (a timed-out transaction, KIP-360): accepted.
    await writeMarker(log, 'abort', { epoch: 2 });
    assert.equal(log.producerState.lastEntry(7n)?.producerEpoch, 2);
    await refusedWith(
      log,
      () => append(log, txnBatch({ epoch: 1, seq: 1 })),
      'INVALID_PRODUCER_EPOCH',
    );
    await append(log, txnBatch({ epoch: 2, seq: 0 }));
    await log.close();
  });

  it('refuses a marker from a coordinator epoch older than the last marker', async () => {
    const log = newLog();
    await append(log, txnBatch({ seq: 0 }));
    await writeMarker(log, 'commit', { coordinatorEpoch: 5 });
    await append(log, txnBatch({ seq: 1 }));
    await refusedWith(
      log,
      () => writeMarker(log, 'abort', { coordinatorEpoch: 4 }),
      'TRANSACTION_COORDINATOR_FENCED',
    );
    assert.equal(log.lastStableOffset, 2n, 'the transaction is still open');
    await writeMarker(log, 'abort', { coordinatorEpoch: 5 });
    assert.equal(log.lastStableOffset, log.logEndOffset);
    await log.close();
  });

  it('refuses non-transactional data while the producer has a transaction open', async () => {
    const log = newLog();
    await append(log, producerBatch({ seq: 0 })); // idempotent, then transactional: opens one
    await append(log, txnBatch({ seq: 1 }));
    await refusedWith(log, () => append(log, producerBatch({ seq: 2 })), 'INVALID_TXN_STATE');
    await writeMarker(log, 'commit');
    await append(log, producerBatch({ seq: 2 })); // fine once it is decided
    await log.close();
  });

  it('recognises a retried transactional batch and does not reopen anything', async () => {
    const log = newLog();
    await append(log, txnBatch({ seq: 0, tag: 'a' }));
    await append(log, txnBatch({ seq: 1, tag: 'b' }));
    await appendDuplicate(log, txnBatch({ seq: 1, tag: 'b' }), 1n, 1n);
    assert.equal(log.producerState.ongoingTxns.length, 1);
    await log.close();
  });

  it('refuses markers from clients and control batches that are not markers', async () => {
    const log = newLog();
    const { markerBatch } = await import('./producer-state-helpers.js');
    await refusedWith(log, () => append(log, markerBatch('commit')), 'INVALID_RECORD');
    const leaderChange = buildRecordBatch({
      producerId: 7n,
      producerEpoch: 0,
      isControl: true,
      isTransactional: true,
      records: [{ key: Buffer.from([0, 0, 0, 2]), value: Buffer.from([0, 0]) }],
    });
    await refusedWith(
      log,
      () => log.appendAsLeader(leaderChange, { leaderEpoch: 0, origin: 'coordinator' }),
      'INVALID_RECORD',
    );
    assert.equal(ControlRecordType.ABORT, 0);
    await log.close();
  });
});

describe('transactions: truncation and the log start', () => {
  it('truncating away a marker reopens its transaction; truncating its start forgets it', async () => {
    const log = newLog();
    await append(log, batch()); // 0
    await append(log, txnBatch({ seq: 0 })); // 1
    await append(log, txnBatch({ seq: 1 })); // 2
    await writeMarker(log, 'abort'); // 3
    assert.equal(log.segments[0]!.txnIndex.entries.length, 1);
    await log.truncateTo(3n);
    assert.deepEqual(offsets(log), [1n, 3n, 3n]);
    assert.deepEqual(log.segments[0]!.txnIndex.entries, [], 'the index entry goes with its marker');
    assert.equal(log.producerState.lastEntry(7n)?.currentTxnFirstOffset, 1n);
    await log.truncateTo(1n);
    assert.deepEqual(offsets(log), [1n, 1n, 1n]);
    assert.equal(log.producerState.firstUnstableOffset, null);
    await log.close();
  });

  it('DeleteRecords past the LSO clamps the LSO to the new log start', async () => {
    const log = newLog();
    await append(log, txnBatch({ seq: 0 })); // 0
    await append(log, batch()); // 1
    await append(log, batch()); // 2
    assert.equal(log.lastStableOffset, 0n);
    await log.deleteRecordsBefore(2n);
    assert.deepEqual(offsets(log), [2n, 3n, 3n]);
    await writeMarker(log, 'commit');
    assert.equal(log.lastStableOffset, 4n);
    await log.close();
  });
});
