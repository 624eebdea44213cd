// The PartitionLog contract: what every implementation must do, independent of how it stores
// data. partition-log-contract.test.ts runs it against UnifiedLog in several configurations
// (default, tiny segments with an index entry per batch, tail cache off); a future
// implementation (remote, in-memory) adds a harness there.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSamsaError } from '../../src/errors/samsa-error.js';
import { KafkaError } from '../../src/errors/kafka-error.js';
import { readRecordBatches, type RecordBatch } from '../../src/protocol/records/index.js';
import { ListOffsetsTimestamp, type PartitionLog } from '../../src/storage/partition-log.js';
import { appendMany, batch, readAllBatches } from './helpers.js';
import { txnBatch, writeMarker } from './producer-state-helpers.js';

export interface ContractHarness {
  readonly name: string;
  create(): PartitionLog;
  /** Closes `log` and opens the same partition again. */
  reopen(log: PartitionLog): Promise<PartitionLog>;
}

async function rejectsWith(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof KafkaError, `expected KafkaError ${name}, got ${String(err)}`);
    assert.equal(err.errorName, name);
    return true;
  });
}

function batchesOf(records: Buffer): RecordBatch[] {
  const { batches, truncatedTail } = readRecordBatches(records);
  assert.equal(truncatedTail, null);
  return batches;
}

export function partitionLogContract(h: ContractHarness): void {
  describe(`PartitionLog contract: ${h.name}`, () => {
    it('starts empty: every offset is 0 and only offset 0 can be read', async () => {
      const log = h.create();
      assert.equal(log.logStartOffset, 0n);
      assert.equal(log.logEndOffset, 0n);
      assert.equal(log.highWatermark, 0n);
      assert.equal((await log.read(0n, { maxBytes: 1000 })).records.length, 0);
      await rejectsWith(log.read(1n, { maxBytes: 1000 }), 'OFFSET_OUT_OF_RANGE');
      await log.close();
    });

    it('assigns consecutive offsets and reports them', async () => {
      const log = h.create();
      const a = await log.appendAsLeader(batch({ count: 3 }), { leaderEpoch: 0 });
      const b = await log.appendAsLeader(batch({ count: 2 }), { leaderEpoch: 0 });
      assert.deepEqual([a.firstOffset, a.lastOffset, a.recordCount], [0n, 2n, 3]);
      assert.deepEqual([b.firstOffset, b.lastOffset, b.recordCount], [3n, 4n, 2]);
      assert.equal(a.logAppendTime, -1n);
      assert.equal(log.logEndOffset, 5n);
      const offsets = (await readAllBatches(log)).flatMap((x) =>
        [...x.records()].map((r) => r.offset),
      );
      assert.deepEqual(offsets, [0n, 1n, 2n, 3n, 4n]);
      await log.close();
    });

    it('stores batches byte for byte except baseOffset and partitionLeaderEpoch', async () => {
      const log = h.create();
      const produced = [batch({ count: 2, tag: 'a' }), batch({ count: 5, tag: 'b' })];
      for (const p of produced) await log.appendAsLeader(Buffer.from(p), { leaderEpoch: 7 });
      const stored = await readAllBatches(log);
      assert.equal(stored.length, 2);
      let base = 0n;
      for (const [i, s] of stored.entries()) {
        const expected = Buffer.from(produced[i]!);
        expected.writeBigInt64BE(base, 0);
        expected.writeInt32BE(7, 12);
        assert.deepEqual(s.buffer, expected);
        assert.ok(s.verifyCrc());
        base = s.nextOffset;
      }
      await log.close();
    });

    it('a read from the middle of a batch returns that whole batch', async () => {
      const log = h.create();
      await log.appendAsLeader(batch({ count: 4 }), { leaderEpoch: 0 });
      await log.appendAsLeader(batch({ count: 4 }), { leaderEpoch: 0 });
      const first = batchesOf((await log.read(2n, { maxBytes: 1 << 20 })).records);
      assert.equal(first[0]!.baseOffset, 0n);
      const second = batchesOf((await log.read(6n, { maxBytes: 1 << 20 })).records);
      assert.deepEqual(
        second.map((b) => b.baseOffset),
        [4n],
      );
      await log.close();
    });

    it('maxBytes returns whole batches only; minOneBatch decides an oversized first batch', async () => {
      const log = h.create();
      await appendMany(log, 5, { valueBytes: 100 });
      const size = batchesOf((await log.read(0n, { maxBytes: 1 << 20 })).records)[0]!.sizeInBytes;
      // Whole batches within the budget (a read may stop early at a segment end, as Kafka's).
      const limited = batchesOf((await log.read(0n, { maxBytes: size * 3 - 1 })).records);
      assert.ok(limited.length >= 1 && limited.length <= 2, `got ${limited.length} batches`);
      const over = batchesOf((await log.read(1n, { maxBytes: 10 })).records);
      assert.deepEqual(
        over.map((b) => b.baseOffset),
        [1n],
      );
      const none = await log.read(1n, { maxBytes: 10, minOneBatch: false });
      assert.equal(none.records.length, 0);
      await log.close();
    });

    it('keeps the high watermark as a separate field that follows the log end', async () => {
      const log = h.create();
      await appendMany(log, 3);
      assert.equal(log.highWatermark, 3n);
      assert.equal(log.lastStableOffset, 3n);
      const r = await log.read(0n, { maxBytes: 1 << 20 });
      assert.equal(r.highWatermark, 3n);
      assert.equal(r.logEndOffset, 3n);
      assert.equal(r.logStartOffset, 0n);
      assert.equal((await log.read(3n, { maxBytes: 1 << 20 })).records.length, 0);
      await log.close();
    });

    it('answers ListOffsets for earliest, latest, max timestamp and a timestamp', async () => {
      const log = h.create();
      for (const ts of [1000n, 5000n, 3000n, 9000n]) {
        await log.appendAsLeader(batch({ count: 2, timestamp: ts }), { leaderEpoch: 1 });
      }
      const earliest = await log.offsetForTimestamp(ListOffsetsTimestamp.EARLIEST);
      assert.deepEqual(earliest, { timestamp: -1n, offset: 0n, leaderEpoch: 1 });
      const latest = await log.offsetForTimestamp(ListOffsetsTimestamp.LATEST);
      assert.deepEqual(latest, { timestamp: -1n, offset: 8n, leaderEpoch: 1 });
      const max = await log.offsetForTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP);
      assert.deepEqual(max, { timestamp: 9001n, offset: 7n, leaderEpoch: 1 });
      const at = await log.offsetForTimestamp(4000n);
      assert.deepEqual(at, { timestamp: 5000n, offset: 2n, leaderEpoch: 1 });
      const exact = await log.offsetForTimestamp(3001n);
      assert.deepEqual(exact, { timestamp: 5000n, offset: 2n, leaderEpoch: 1 });
      assert.equal(await log.offsetForTimestamp(9002n), null);
      await log.close();
    });

    it('tracks leader epochs for OffsetForLeaderEpoch', async () => {
      const log = h.create();
      await appendMany(log, 2, {});
      await log.appendAsLeader(batch({ count: 3 }), { leaderEpoch: 2 });
      await log.appendAsLeader(batch(), { leaderEpoch: 5 });
      assert.equal(log.latestEpoch, 5);
      assert.deepEqual(log.endOffsetForEpoch(0), { leaderEpoch: 0, endOffset: 2n });
      assert.deepEqual(log.endOffsetForEpoch(1), { leaderEpoch: 0, endOffset: 2n });
      assert.deepEqual(log.endOffsetForEpoch(2), { leaderEpoch: 2, endOffset: 5n });
      assert.deepEqual(log.endOffsetForEpoch(5), { leaderEpoch: 5, endOffset: 6n });
      assert.deepEqual(log.endOffsetForEpoch(6), { leaderEpoch: -1, endOffset: -1n });
      assert.deepEqual(log.endOffsetForEpoch(-1), { leaderEpoch: -1, endOffset: -1n });
      await log.close();
    });

    it('waitForAppend wakes on append, resolves at once for existing data, honours abort', async () => {
      const log = h.create();
      await appendMany(log, 1);
      await log.waitForAppend(0n); // offset 0 is already readable
      let woke = false;
      const waiting = log.waitForAppend(1n).then(() => (woke = true));
      await new Promise((r) => setImmediate(r));
      assert.equal(woke, false);
      await appendMany(log, 1);
      await waiting;
      assert.equal(woke, true);
      const controller = new AbortController();
      const aborted = log.waitForAppend(5n, controller.signal);
      controller.abort(new Error('fetch max wait'));
      await assert.rejects(aborted, /fetch max wait/);
      const onClose = log.waitForAppend(10n);
      await log.close();
      await onClose;
    });

    it('truncateTo drops everything from the offset; appends continue from there', async () => {
      const log = h.create();
      await appendMany(log, 5);
      await log.truncateTo(3n);
      assert.equal(log.logEndOffset, 3n);
      assert.equal(log.highWatermark, 3n);
      assert.deepEqual(
        (await readAllBatches(log)).map((b) => b.baseOffset),
        [0n, 1n, 2n],
      );
      const next = await log.appendAsLeader(batch({ tag: 'after' }), { leaderEpoch: 0 });
      assert.equal(next.firstOffset, 3n);
      await log.close();
    });

    it('deleteRecordsBefore advances the log start offset, never past the high watermark', async () => {
      const log = h.create();
      await appendMany(log, 4);
      assert.equal(await log.deleteRecordsBefore(2n), 2n);
      assert.equal(log.logStartOffset, 2n);
      assert.equal(await log.deleteRecordsBefore(1n), 2n); // never backwards
      await rejectsWith(log.read(1n, { maxBytes: 100 }), 'OFFSET_OUT_OF_RANGE');
      await rejectsWith(log.deleteRecordsBefore(5n), 'OFFSET_OUT_OF_RANGE');
      assert.equal(await log.deleteRecordsBefore(-1n), 4n); // -1: the high watermark
      const earliest = await log.offsetForTimestamp(ListOffsetsTimestamp.EARLIEST);
      assert.equal(earliest?.offset, 4n);
      await log.close();
    });

    it('flush advances the recovery point to the log end', async () => {
      const log = h.create();
      await appendMany(log, 3);
      await log.flush();
      assert.equal(log.recoveryPoint, 3n);
      await log.close();
    });

    it('refuses every operation once closed', async () => {
      const log = h.create();
      await log.close();
      await assert.rejects(log.appendAsLeader(batch(), { leaderEpoch: 0 }), (err: unknown) =>
        isSamsaError(err, 'SAMSA_ERR_LOG_CLOSED'),
      );
      await assert.rejects(log.read(0n, { maxBytes: 10 }), (err: unknown) =>
        isSamsaError(err, 'SAMSA_ERR_LOG_CLOSED'),
      );
    });

    it('holds the last stable offset at an open transaction until its marker', async () => {
      const log = h.create();
      await appendMany(log, 1); // 0
      await log.appendAsLeader(txnBatch({ seq: 0, count: 2 }), { leaderEpoch: 0 }); // 1-2
      await appendMany(log, 1); // 3
      assert.deepEqual([log.lastStableOffset, log.highWatermark], [1n, 4n]);
      const committed = { maxBytes: 1 << 20, isolation: 'txn_committed' } as const;
      const r = await log.read(0n, committed);
      assert.deepEqual(
        batchesOf(r.records).map((b) => b.baseOffset),
        [0n],
      );
      assert.deepEqual([r.lastStableOffset, r.highWatermark], [1n, 4n]);
      assert.deepEqual(r.abortedTransactions, []);
      assert.equal((await log.read(0n, { maxBytes: 1 << 20 })).abortedTransactions, undefined);
      const latest = await log.offsetForTimestamp(ListOffsetsTimestamp.LATEST, {
        isolation: 'txn_committed',
      });
      assert.equal(latest?.offset, 1n);
      const marker = await writeMarker(log, 'commit'); // 4
      assert.equal(marker.firstOffset, 4n);
      assert.deepEqual([log.lastStableOffset, log.highWatermark], [5n, 5n]);
      await log.close();
    });

    it('lists an aborted transaction to read_committed reads of its batches', async () => {
      const log = h.create();
      await log.appendAsLeader(txnBatch({ epoch: 1, seq: 0 }), { leaderEpoch: 0 }); // 0
      await writeMarker(log, 'abort', { epoch: 1 }); // 1
      await appendMany(log, 1); // 2
      const r = await log.read(0n, { maxBytes: 1 << 20, isolation: 'txn_committed' });
      assert.equal(batchesOf(r.records)[0]!.baseOffset, 0n);
      assert.deepEqual(r.abortedTransactions, [{ producerId: 7n, firstOffset: 0n }]);
      const past = await log.read(2n, { maxBytes: 1 << 20, isolation: 'txn_committed' });
      assert.deepEqual(past.abortedTransactions, []);
      // A marker from a fenced producer epoch is refused.
      await rejectsWith(writeMarker(log, 'abort', { epoch: 0 }), 'INVALID_PRODUCER_EPOCH');
      await log.close();
    });

    it('keeps an open transaction across a close and reopen', async () => {
      const log = h.create();
      await appendMany(log, 2);
      await log.appendAsLeader(txnBatch({ seq: 0 }), { leaderEpoch: 0 }); // 2
      await appendMany(log, 1);
      const reopened = await h.reopen(log);
      assert.equal(reopened.lastStableOffset, 2n);
      await writeMarker(reopened, 'abort');
      assert.equal(reopened.lastStableOffset, reopened.logEndOffset);
      const r = await reopened.read(2n, { maxBytes: 1 << 20, isolation: 'txn_committed' });
      assert.deepEqual(r.abortedTransactions, [{ producerId: 7n, firstOffset: 2n }]);
      await reopened.close();
    });

    it('keeps everything across a close and reopen', async () => {
      const log = h.create();
      await appendMany(log, 6, { valueBytes: 50 });
      await log.deleteRecordsBefore(1n);
      const before = (await readAllBatches(log)).map((b) => Buffer.from(b.buffer));
      const reopened = await h.reopen(log);
      assert.equal(reopened.logEndOffset, 6n);
      const after = (await readAllBatches(reopened)).map((b) => b.buffer);
      assert.deepEqual(after, before);
      const next = await reopened.appendAsLeader(batch(), { leaderEpoch: 0 });
      assert.equal(next.firstOffset, 6n);
      await reopened.close();
    });
  });
}
