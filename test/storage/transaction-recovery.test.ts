// Transactions across restarts: open transactions come back from the producer snapshot (its
// currentTxnFirstOffset and coordinatorEpoch fields) after a clean stop, and from snapshot plus
// replay of the batches (markers included) after a crash (kill -9 is simulated by copying an open
// log's files); crash recovery rebuilds the transaction indexes of the segments it recovers, even
// when a transaction began before the recovery point; idle producers with an open transaction are
// never expired.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lastOffsetOfBatches } from '../../src/storage/file-records.js';
import { offsetFileStem } from '../../src/storage/file-names.js';
import {
  decodeProducerSnapshot,
  encodeProducerSnapshot,
} from '../../src/storage/producer-snapshot-file.js';
import { ProducerStateEntry } from '../../src/storage/producer-state-entry.js';
import type { AbortedTxn } from '../../src/storage/transaction-index.js';
import type { UnifiedLog } from '../../src/storage/unified-log.js';
import { ManualClock, batch, crashCopy, openLog, tempDir } from './helpers.js';
import { append, txnBatch, writeMarker } from './producer-state-helpers.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function txnState(log: UnifiedLog): unknown {
  return {
    lso: log.lastStableOffset,
    hw: log.highWatermark,
    ongoing: log.producerState.ongoingTxns.map((t) => [t.producerId, t.firstOffset]),
  };
}

function txnIndexes(log: UnifiedLog): [bigint, readonly AbortedTxn[]][] {
  return log.segments
    .map((s): [bigint, readonly AbortedTxn[]] => [s.baseOffset, s.txnIndex.entries])
    .filter(([, e]) => e.length > 0);
}

/**
 * Producers 1-4 over several small segments: 1 aborts (its transaction spans a roll), 2 commits,
 * 3 aborts, 4 stays open.
 */
async function transactionalLog(dir: string, clock = new ManualClock()): Promise<UnifiedLog> {
  const log = openLog(dir, clock, { segmentBytes: 300 });
  await append(log, txnBatch({ pid: 1n, seq: 0 }));
  await append(log, batch({ tag: 'a' }));
  await append(log, txnBatch({ pid: 2n, seq: 0 }));
  await append(log, batch({ tag: 'b' }));
  await append(log, txnBatch({ pid: 1n, seq: 1 }));
  await writeMarker(log, 'abort', { pid: 1n, coordinatorEpoch: 2 });
  await append(log, txnBatch({ pid: 4n, seq: 0 }));
  await writeMarker(log, 'commit', { pid: 2n });
  await append(log, txnBatch({ pid: 3n, seq: 0, count: 2 }));
  await writeMarker(log, 'abort', { pid: 3n });
  await append(log, txnBatch({ pid: 4n, seq: 1 }));
  await append(log, batch({ tag: 'c' }));
  assert.ok(log.segments.length >= 3);
  return log;
}

/** Every aborted transaction read_committed fetches report from the log start to the LSO. */
async function abortedUpToLso(
  log: UnifiedLog,
): Promise<{ producerId: bigint; firstOffset: bigint }[]> {
  const seen: { producerId: bigint; firstOffset: bigint }[] = [];
  let offset = log.logStartOffset;
  while (offset < log.lastStableOffset) {
    const r = await log.read(offset, { maxBytes: 1 << 20, isolation: 'txn_committed' });
    for (const t of r.abortedTransactions ?? []) {
      if (!seen.some((s) => s.firstOffset === t.firstOffset)) seen.push(t);
    }
    offset = lastOffsetOfBatches(r.records) + 1n;
  }
  return seen;
}

describe('transactions across restarts', () => {
  it('keeps open transactions across a clean restart, through the snapshot', async () => {
    const dir = tempDir();
    const log = await transactionalLog(dir);
    const before = txnState(log);
    const indexes = txnIndexes(log);
    const end = log.logEndOffset;
    await log.close();
    const snapshot = decodeProducerSnapshot(
      readFileSync(join(dir, `${offsetFileStem(end)}.snapshot`)),
      'x',
    );
    const p4 = snapshot.find((e) => e.producerId === 4n)!;
    const p1 = snapshot.find((e) => e.producerId === 1n)!;
    assert.deepEqual([p4.currentTxnFirstOffset, p1.currentTxnFirstOffset], [6n, null]);
    assert.equal(p1.coordinatorEpoch, 2);
    const reopened = openLog(
      dir,
      new ManualClock(),
      { segmentBytes: 300 },
      { hadCleanShutdown: true },
    );
    assert.deepEqual(txnState(reopened), before);
    assert.deepEqual(txnIndexes(reopened), indexes);
    assert.equal(reopened.lastStableOffset, 6n);
    await writeMarker(reopened, 'commit', { pid: 4n });
    assert.equal(reopened.lastStableOffset, reopened.logEndOffset);
    await reopened.close();
  });

  it('rebuilds open transactions and every transaction index after kill -9', async () => {
    const dir = tempDir();
    const log = await transactionalLog(dir);
    const before = txnState(log);
    const indexes = txnIndexes(log);
    const copy = crashCopy(dir);
    await log.close();
    // Lose the indexes too: recovery (from offset 0, no checkpoint) rebuilds them from the log.
    for (const name of readdirSync(copy)) {
      if (name.endsWith('.txnindex')) rmSync(join(copy, name));
    }
    const recovered = openLog(copy, new ManualClock(), { segmentBytes: 300 });
    assert.deepEqual(txnState(recovered), before);
    assert.deepEqual(txnIndexes(recovered), indexes);
    // Producer 4's transaction (from 6) bounds the read: producer 3's abort (from 8) is past it.
    const r = await recovered.read(0n, { maxBytes: 1 << 20, isolation: 'txn_committed' });
    assert.deepEqual(r.abortedTransactions, [{ producerId: 1n, firstOffset: 0n }]);
    await writeMarker(recovered, 'abort', { pid: 4n });
    assert.deepEqual(await abortedUpToLso(recovered), [
      { producerId: 1n, firstOffset: 0n },
      { producerId: 3n, firstOffset: 8n },
      { producerId: 4n, firstOffset: 6n },
    ]);
    await recovered.close();
  });

  it('rebuilds the index of a recovered segment for a transaction begun before the recovery point', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock(), { segmentBytes: 300 });
    await append(log, txnBatch({ pid: 5n, seq: 0 })); // 0
    await append(log, txnBatch({ pid: 6n, seq: 0 })); // 1
    for (let i = 0; i < 3; i++) await append(log, batch({ tag: `x${i}` }));
    await log.flush();
    const recoveryPoint = log.recoveryPoint;
    const abort = await writeMarker(log, 'abort', { pid: 5n });
    await append(log, batch({ tag: 'after' }));
    const holder = log.segments.findLast((s) => s.baseOffset <= abort.firstOffset)!;
    assert.ok(holder.baseOffset > 0n && holder.baseOffset <= recoveryPoint);
    const expected = [
      { producerId: 5n, firstOffset: 0n, lastOffset: abort.firstOffset, lastStableOffset: 1n },
    ];
    assert.deepEqual(holder.txnIndex.entries, expected);
    const copy = crashCopy(dir);
    await log.close();
    rmSync(join(copy, `${offsetFileStem(holder.baseOffset)}.txnindex`));
    const recovered = openLog(copy, new ManualClock(), { segmentBytes: 300 }, { recoveryPoint });
    const rebuilt = recovered.segments.find((s) => s.baseOffset === holder.baseOffset)!;
    assert.deepEqual(rebuilt.txnIndex.entries, expected);
    assert.deepEqual(txnState(recovered), { lso: 1n, hw: log.logEndOffset, ongoing: [[6n, 1n]] });
    await recovered.close();
  });

  it('completes, after kill -9, a transaction the last roll snapshot saw open', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock(), { segmentBytes: 300 });
    await append(log, txnBatch({ seq: 0 }));
    for (let i = 0; i < 4; i++) await append(log, batch({ tag: `r${i}` }));
    assert.ok(log.segments.length >= 2, 'a roll took a snapshot with the transaction open');
    await writeMarker(log, 'commit');
    const copy = crashCopy(dir);
    await log.close();
    const recovered = openLog(copy, new ManualClock(), { segmentBytes: 300 });
    assert.deepEqual(txnState(recovered), { lso: 6n, hw: 6n, ongoing: [] });
    await recovered.close();
  });

  it('never expires a producer whose transaction is open', async () => {
    const clock = new ManualClock();
    const dir = tempDir();
    const log = openLog(dir, clock, {}, { producerIdExpirationMs: DAY_MS });
    await append(log, txnBatch({ seq: 0 }));
    clock.advance(2 * DAY_MS);
    assert.equal(log.removeExpiredProducers(clock.now()), 0);
    await log.close();
    const reopened = openLog(
      dir,
      clock,
      {},
      { hadCleanShutdown: true, producerIdExpirationMs: DAY_MS },
    );
    assert.equal(reopened.lastStableOffset, 0n);
    await reopened.close();
  });
});

describe('producer snapshot file: transaction fields', () => {
  it('round-trips currentTxnFirstOffset and coordinatorEpoch', () => {
    const entries = [
      new ProducerStateEntry(1n, {
        producerEpoch: 4,
        coordinatorEpoch: 9,
        currentTxnFirstOffset: 42n,
      }),
      new ProducerStateEntry(2n, { coordinatorEpoch: -1, currentTxnFirstOffset: null }),
      new ProducerStateEntry(3n, { currentTxnFirstOffset: 0n }),
    ];
    const decoded = decodeProducerSnapshot(encodeProducerSnapshot(entries), 'x');
    assert.deepEqual(
      decoded.map((e) => [e.producerId, e.coordinatorEpoch, e.currentTxnFirstOffset]),
      [
        [1n, 9, 42n],
        [2n, -1, null],
        [3n, -1, 0n],
      ],
    );
  });
});
