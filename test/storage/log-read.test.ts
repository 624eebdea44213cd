// Read semantics across segments and the indexes (offsets in the middle of batches, the byte
// budget, the isolation bound), the tail cache (same bytes as the files, eviction, truncation),
// and long-poll waiters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readRecordBatches } from '../../src/protocol/records/index.js';
import { AppendWaiters } from '../../src/storage/append-waiters.js';
import { NODE_STORAGE_FS, type StorageFs } from '../../src/storage/storage-fs.js';
import {
  ManualClock,
  appendMany,
  batch,
  crashCopy,
  openLog,
  readAllBatches,
  tempDir,
} from './helpers.js';

const RUNS = Number(process.env.SAMSA_PROPERTY_RUNS ?? 25);

describe('reads', () => {
  it('finds every offset through the indexes, across segments, mid-batch included', async () => {
    const log = openLog(
      `${tempDir()}/orders-0`,
      new ManualClock(),
      {
        segmentBytes: 2000,
        indexIntervalBytes: 300,
      },
      { tailCacheBytes: 0 },
    );
    for (let i = 0; i < 60; i++) {
      await log.appendAsLeader(batch({ count: 1 + (i % 5), valueBytes: 20 + i }), {
        leaderEpoch: 0,
      });
    }
    assert.ok(log.segmentBaseOffsets.length > 3);
    const all = await readAllBatches(log);
    for (let offset = 0n; offset < log.logEndOffset; offset++) {
      const { records, fromTailCache } = await log.read(offset, { maxBytes: 1 });
      assert.equal(fromTailCache, false);
      const [first] = readRecordBatches(records).batches;
      const expected = all.find((b) => b.baseOffset <= offset && offset <= b.lastOffset)!;
      assert.deepEqual(first?.buffer, expected.buffer, `offset ${offset}`);
    }
    await log.close();
  });

  it('stops at the high watermark unless reading to the log end', async () => {
    const log = openLog(`${tempDir()}/orders-0`, new ManualClock());
    await appendMany(log, 5);
    log.updateHighWatermark(2n);
    assert.equal(log.highWatermark, 2n);
    const consumer = readRecordBatches((await log.read(0n, { maxBytes: 1 << 20 })).records).batches;
    assert.deepEqual(
      consumer.map((b) => b.baseOffset),
      [0n, 1n],
    );
    assert.equal((await log.read(2n, { maxBytes: 1 << 20 })).records.length, 0);
    const replica = await log.read(2n, { maxBytes: 1 << 20, isolation: 'log_end' });
    assert.equal(readRecordBatches(replica.records).batches.length, 3);
    let woke = false;
    const waiting = log.waitForAppend(2n).then(() => (woke = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(woke, false, 'data past the high watermark does not wake a consumer');
    log.updateHighWatermark(3n);
    await waiting;
    await log.close();
  });

  it('serves tailing reads from memory with the same bytes as the segment files', async () => {
    const dir = tempDir();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 400 })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 3000 }), fc.boolean()), {
          maxLength: 20,
        }),
        async (batches, reads) => {
          const path = `${dir}/p${n++}/orders-0`;
          const config = { segmentBytes: 4000, indexIntervalBytes: 500 };
          const cached = openLog(path, new ManualClock(), config, { tailCacheBytes: 1 << 20 });
          for (const [count, valueBytes] of batches) {
            await cached.appendAsLeader(batch({ count, valueBytes }), { leaderEpoch: 0 });
          }
          const disk = openLog(crashCopy(path), new ManualClock(), config, { tailCacheBytes: 0 });
          const leo = Number(cached.logEndOffset);
          for (const [at, maxBytes, minOneBatch] of reads) {
            const offset = BigInt(at % (leo + 1));
            const a = await cached.read(offset, { maxBytes, minOneBatch });
            const b = await disk.read(offset, { maxBytes, minOneBatch });
            if (offset < cached.logEndOffset) assert.equal(a.fromTailCache, true);
            assert.equal(b.fromTailCache, false);
            assert.deepEqual(a.records, b.records, `offset ${offset} maxBytes ${maxBytes}`);
          }
          await cached.close();
          await disk.close();
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('serves a tailing consumer without a single file read', async () => {
    let reads = 0;
    const fs: StorageFs = {
      ...NODE_STORAGE_FS,
      read: (...args) => {
        reads++;
        return NODE_STORAGE_FS.read(...args);
      },
      readSync: (...args) => {
        reads++;
        return NODE_STORAGE_FS.readSync(...args);
      },
    };
    const log = openLog(`${tempDir()}/orders-0`, new ManualClock(), {}, { fs });
    let offset = 0n;
    for (let i = 0; i < 50; i++) {
      await appendMany(log, 1);
      const { records, fromTailCache } = await log.read(offset, { maxBytes: 1 << 20 });
      assert.equal(fromTailCache, true);
      offset = readRecordBatches(records).batches.at(-1)!.nextOffset;
    }
    assert.equal(offset, 50n);
    assert.equal(reads, 0);
    await log.close();
  });

  it('falls back to the files for offsets the bounded cache no longer holds', async () => {
    const log = openLog(
      `${tempDir()}/orders-0`,
      new ManualClock(),
      {},
      { tailCacheBytes: 64 * 1024 },
    );
    await appendMany(log, 400, { valueBytes: 1000 });
    assert.ok(log.tailCache.cachedBytes <= 64 * 1024);
    const first = log.tailCache.firstOffset!;
    assert.ok(first > 0n && first < 400n);
    const old = await log.read(0n, { maxBytes: 5000 });
    const recent = await log.read(399n, { maxBytes: 5000 });
    assert.equal(old.fromTailCache, false);
    assert.equal(recent.fromTailCache, true);
    assert.equal(readRecordBatches(recent.records).batches[0]!.baseOffset, 399n);
    await log.close();
  });

  it('drops the cache on truncation so reads never see removed batches', async () => {
    const log = openLog(`${tempDir()}/orders-0`, new ManualClock());
    for (let i = 0; i < 5; i++)
      await log.appendAsLeader(batch({ tag: `old${i}` }), { leaderEpoch: 0 });
    await log.truncateTo(2n);
    for (let i = 0; i < 2; i++)
      await log.appendAsLeader(batch({ tag: `new${i}` }), { leaderEpoch: 0 });
    const values = (await readAllBatches(log)).map((b) => [...b.records()][0]!.value!.toString());
    assert.deepEqual(
      values.map((v) => v.slice(0, 4)),
      ['old0', 'old1', 'new0', 'new1'],
    );
    await log.close();
  });
});

describe('AppendWaiters', () => {
  it('wakes exactly the waiters whose offset the new end passes', async () => {
    const waiters = new AppendWaiters();
    const woke: number[] = [];
    const all = [3n, 5n, 9n].map((o) => waiters.wait(o, 0n).then(() => woke.push(Number(o))));
    waiters.notify(6n);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(woke, [3, 5]);
    assert.equal(waiters.size, 1);
    waiters.close();
    await Promise.all(all);
    assert.deepEqual(woke, [3, 5, 9]);
    await waiters.wait(100n, 0n); // closed: resolves at once
  });

  it('rejects with the abort reason and forgets the waiter', async () => {
    const waiters = new AppendWaiters();
    const controller = new AbortController();
    const p = waiters.wait(1n, 0n, controller.signal);
    controller.abort('gone');
    await assert.rejects(p, (reason: unknown) => reason === 'gone');
    assert.equal(waiters.size, 0);
    await assert.rejects(waiters.wait(1n, 0n, controller.signal), (r: unknown) => r === 'gone');
  });
});
