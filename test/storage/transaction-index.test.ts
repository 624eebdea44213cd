// The transaction index (`<base>.txnindex`): Kafka's on-disk layout byte for byte (version int16 0,
// producerId, firstOffset, lastOffset, lastStableOffset as int64, 34 bytes an entry), written only
// for ABORT markers that complete a transaction, in the segment holding the marker; kept, truncated
// and deleted with its segment (retention, truncation, DeleteRecords, partition deletion), and
// checked at load.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NODE_STORAGE_FS } from '../../src/storage/storage-fs.js';
import {
  ABORTED_TXN_SIZE,
  TransactionIndex,
  encodeAbortedTxn,
} from '../../src/storage/transaction-index.js';
import { ManualClock, batch, openLog, tempDir } from './helpers.js';
import { append, txnBatch, writeMarker } from './producer-state-helpers.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function txnIndexFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.txnindex'))
    .sort();
}

/** Kafka's AbortedTxn.toByteBuffer, spelled out. */
function kafkaEntry(pid: bigint, first: bigint, last: bigint, lso: bigint): Buffer {
  const b = Buffer.alloc(34);
  b.writeInt16BE(0, 0); // CURRENT_VERSION
  b.writeBigInt64BE(pid, 2);
  b.writeBigInt64BE(first, 10);
  b.writeBigInt64BE(last, 18);
  b.writeBigInt64BE(lso, 26);
  return b;
}

describe('transaction index', () => {
  it("writes Kafka's 34-byte AbortedTxn entries for aborts only, with the LSO the abort leaves", async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock());
    await append(log, txnBatch({ pid: 7n, seq: 0 })); // 0
    await append(log, txnBatch({ pid: 8n, seq: 0 })); // 1
    await writeMarker(log, 'abort', { pid: 7n }); // 2: producer 8 still open at 1
    await writeMarker(log, 'commit', { pid: 8n }); // 3: a commit adds nothing
    await append(log, txnBatch({ pid: 9n, seq: 0, count: 3 })); // 4-6
    await writeMarker(log, 'abort', { pid: 9n }); // 7: nothing else open: LSO 8
    await writeMarker(log, 'abort', { pid: 7n }); // 8: no open transaction: no entry
    await log.close();
    assert.equal(ABORTED_TXN_SIZE, 34);
    const bytes = readFileSync(join(dir, '00000000000000000000.txnindex'));
    assert.deepEqual(
      bytes,
      Buffer.concat([kafkaEntry(7n, 0n, 2n, 1n), kafkaEntry(9n, 4n, 7n, 8n)]),
    );
    assert.deepEqual(
      encodeAbortedTxn({ producerId: 7n, firstOffset: 0n, lastOffset: 2n, lastStableOffset: 1n }),
      kafkaEntry(7n, 0n, 2n, 1n),
    );
  });

  it('creates no file for a segment without aborted transactions', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock());
    await append(log, txnBatch({ seq: 0 }));
    await writeMarker(log, 'commit');
    await log.close();
    assert.deepEqual(txnIndexFiles(dir), []);
  });

  it('puts the entry in the segment of the marker, for a transaction spanning segments', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock(), { segmentBytes: 250 });
    await append(log, txnBatch({ seq: 0 })); // 0
    for (let i = 0; i < 4; i++) await append(log, batch({ tag: `x${i}` }));
    const markerAt = (await writeMarker(log, 'abort')).firstOffset;
    const holder = log.segments.findLast((s) => s.baseOffset <= markerAt)!;
    assert.ok(holder.baseOffset > 0n, 'the marker is in a later segment');
    assert.deepEqual(holder.txnIndex.entries, [
      { producerId: 7n, firstOffset: 0n, lastOffset: markerAt, lastStableOffset: markerAt + 1n },
    ]);
    // A read_committed fetch from the first segment finds it in the later one.
    const r = await log.read(0n, { maxBytes: 1, isolation: 'txn_committed' });
    assert.deepEqual(r.abortedTransactions, [{ producerId: 7n, firstOffset: 0n }]);
    await log.close();
  });

  it('truncation drops the entries of truncated markers, in memory and on disk', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock());
    await append(log, txnBatch({ pid: 1n, seq: 0 })); // 0
    await writeMarker(log, 'abort', { pid: 1n }); // 1
    await append(log, txnBatch({ pid: 2n, seq: 0 })); // 2
    await writeMarker(log, 'abort', { pid: 2n }); // 3
    const file = join(dir, '00000000000000000000.txnindex');
    assert.equal(readFileSync(file).length, 68);
    await log.truncateTo(3n);
    assert.deepEqual(readFileSync(file), kafkaEntry(1n, 0n, 1n, 2n));
    await log.close();
    const reopened = openLog(dir, new ManualClock(), {}, { hadCleanShutdown: true });
    assert.equal(reopened.segments[0]!.txnIndex.entries.length, 1);
    await reopened.truncateTo(0n);
    assert.deepEqual(txnIndexFiles(dir), []);
    await reopened.close();
  });

  it('goes with its segment when retention deletes it', async () => {
    const clock = new ManualClock();
    const dir = tempDir();
    const log = openLog(dir, clock, { segmentBytes: 250, retentionMs: DAY_MS });
    await append(log, txnBatch({ seq: 0 }));
    await writeMarker(log, 'abort');
    for (let i = 0; i < 6; i++) await append(log, batch({ tag: `y${i}` }));
    assert.deepEqual(txnIndexFiles(dir), ['00000000000000000000.txnindex']);
    // Every record is two days old: every segment goes (an empty one is rolled first).
    clock.advance(2 * DAY_MS);
    assert.equal(log.deleteOldSegments(clock.now()), 4);
    assert.equal(log.logStartOffset, log.logEndOffset);
    assert.deepEqual(txnIndexFiles(dir), []);
    await log.close();
  });

  it('goes with its segment when DeleteRecords lets retention remove it', async () => {
    const clock = new ManualClock();
    const dir = tempDir();
    const log = openLog(dir, clock, { segmentBytes: 250 });
    await append(log, txnBatch({ seq: 0 }));
    await writeMarker(log, 'abort');
    for (let i = 0; i < 6; i++) await append(log, batch({ tag: `z${i}` }));
    await log.deleteRecordsBefore(log.segments.at(-1)!.baseOffset);
    log.deleteOldSegments(clock.now());
    assert.deepEqual(txnIndexFiles(dir), []);
    await log.close();
  });

  it('fails the load-time check when torn or out of order, and recovery rebuilds it', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock());
    await append(log, txnBatch({ seq: 0 }));
    await writeMarker(log, 'abort');
    await append(log, batch());
    await log.close();
    const file = join(dir, '00000000000000000000.txnindex');
    const good = readFileSync(file);
    const index = new TransactionIndex(NODE_STORAGE_FS, file, 0n);
    index.sanityCheck();
    index.close();
    for (const bad of [
      Buffer.concat([good, Buffer.alloc(5)]),
      Buffer.concat([good, good]),
      Buffer.concat([kafkaEntry(7n, 0n, 5n, 6n).subarray(0, 2), Buffer.alloc(32, 0xff)]),
    ]) {
      writeFileSync(file, bad);
      const broken = new TransactionIndex(NODE_STORAGE_FS, file, 0n);
      assert.throws(() => broken.sanityCheck(), { code: 'SAMSA_ERR_INDEX_CORRUPT' });
      broken.close();
      const warnings: string[] = [];
      const reopened = openLog(
        dir,
        new ManualClock(),
        {},
        { hadCleanShutdown: true, logger: { warn: (m) => warnings.push(m) } },
      );
      assert.match(warnings.join('\n'), /txnindex is corrupt/);
      await reopened.close();
      assert.deepEqual(readFileSync(file), good, 'rebuilt from the log');
    }
  });

  it('is deleted with the partition', async () => {
    const dir = join(tempDir(), 'orders-0');
    const log = openLog(dir, new ManualClock());
    await append(log, txnBatch({ seq: 0 }));
    await writeMarker(log, 'abort');
    assert.equal(existsSync(join(dir, '00000000000000000000.txnindex')), true);
    await log.delete();
    assert.equal(existsSync(dir), false);
  });
});
