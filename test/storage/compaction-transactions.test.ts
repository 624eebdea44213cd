// Compaction of transactional data (Kafka's cleaner with CleanedTransactionMetadata): records of
// aborted transactions go at the first cleaning whatever their keys; markers stay while their
// transaction's batches do and go delete.retention.ms after the cleaning that finds them alone;
// the ABORT markers that stay keep their entries in the cleaned segment's transaction index; the
// cleaner never cleans at or past the last stable offset; and a crash at any step of a cleaning
// leaves a log whose read_committed view is the committed data. What a read_committed consumer
// sees is simulated as Kafka's consumer does it, one fetch response at a time.
import assert from 'node:assert/strict';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ControlRecordType,
  readControlRecordKey,
  readRecordBatches,
} from '../../src/protocol/records/index.js';
import { NODE_STORAGE_FS, type StorageFs } from '../../src/storage/storage-fs.js';
import { UnifiedLog } from '../../src/storage/unified-log.js';
import {
  DAY,
  allBatches,
  cleanUntilDone,
  compactedConfig,
  openCompactedLog,
} from './compaction-helpers.js';
import { ManualClock, TP, tempDir } from './helpers.js';
import { append, producerBatch, writeMarker } from './producer-state-helpers.js';

const NOW = 1_700_000_000_000;
const CONFIG = { segmentBytes: 700, deleteRetentionMs: DAY };

interface Delivered {
  readonly offset: bigint;
  readonly key: string;
  readonly value: string;
}

/**
 * What a read_committed consumer receives from the log start to the LSO: per fetch response, the
 * aborted transactions it lists make the consumer skip those producers' transactional batches until
 * their ABORT marker (Kafka's CompletedFetch).
 */
async function readCommitted(log: UnifiedLog): Promise<Delivered[]> {
  const out: Delivered[] = [];
  let offset = log.logStartOffset;
  while (offset < log.lastStableOffset) {
    const r = await log.read(offset, { maxBytes: 2048, isolation: 'txn_committed' });
    const queue = [...r.abortedTransactions!].sort((a, b) =>
      a.firstOffset < b.firstOffset ? -1 : 1,
    );
    const abortedProducers = new Set<bigint>();
    const { batches } = readRecordBatches(r.records);
    assert.ok(batches.length > 0, `a read at ${offset} below the LSO returns something`);
    for (const b of batches) {
      while (queue[0] !== undefined && queue[0].firstOffset <= b.lastOffset) {
        abortedProducers.add(queue.shift()!.producerId);
      }
      if (b.isControl) {
        const first = [...b.records()][0];
        if (
          first !== undefined &&
          readControlRecordKey(first.key).type === ControlRecordType.ABORT
        ) {
          abortedProducers.delete(b.producerId);
        }
        continue;
      }
      if (b.isTransactional && abortedProducers.has(b.producerId)) continue;
      for (const rec of b.records()) {
        if (rec.offset < offset) continue;
        out.push({ offset: rec.offset, key: rec.key!.toString(), value: rec.value!.toString() });
      }
    }
    offset = batches.at(-1)!.nextOffset;
  }
  return out;
}

function latestByKey(records: readonly Delivered[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of records) m.set(r.key, r.value);
  return m;
}

/**
 * Interleaved plain records, committed transactions of producers 7 and 9, and aborted ones of
 * producer 8 (which overwrite keys the committed data holds), then one more committed transaction
 * of each producer so that no aborted batch is a producer's last. Returns what a read_committed
 * consumer must end up with: each key's latest committed value.
 */
async function transactionalWorkload(log: UnifiedLog, rounds = 8): Promise<Map<string, string>> {
  const committed = new Map<string, string>();
  const seq = new Map<bigint, number>([
    [7n, 0],
    [8n, 0],
    [9n, 0],
  ]);
  const txn = async (pid: bigint, keys: string[], tag: string): Promise<void> => {
    const s = seq.get(pid)!;
    seq.set(pid, s + keys.length);
    await append(
      log,
      producerBatch({ pid, seq: s, keys, count: keys.length, tag, transactional: true }),
    );
  };
  const commit = (keys: string[], tag: string): void => {
    keys.forEach((k, i) => committed.set(k, `${tag}-${i}`));
  };
  for (let r = 0; r < rounds; r++) {
    const plain = [`k${r % 4}`];
    await append(
      log,
      producerBatch({ pid: 20n + BigInt(r), seq: 0, keys: plain, tag: `plain${r}` }),
    );
    commit(plain, `plain${r}`);
    await txn(8n, [`a${r % 3}`, `b${r % 2}`], `aborted${r}`);
    const k7 = [`a${r % 3}`, `k${(r + 1) % 4}`];
    await txn(7n, k7, `seven${r}`);
    await txn(9n, [`c${r % 2}`], `nine${r}`);
    await writeMarker(log, 'commit', { pid: 7n });
    commit(k7, `seven${r}`);
    await writeMarker(log, 'abort', { pid: 8n });
    await writeMarker(log, 'commit', { pid: 9n });
    commit([`c${r % 2}`], `nine${r}`);
  }
  for (const pid of [7n, 8n, 9n]) {
    await txn(pid, [`last${pid}`], `last${pid}`);
    await writeMarker(log, 'commit', { pid });
    commit([`last${pid}`], `last${pid}`);
  }
  return committed;
}

async function markers(log: UnifiedLog): Promise<{ abort: number; commit: number }> {
  const count = { abort: 0, commit: 0 };
  for (const b of await allBatches(log)) {
    if (!b.isControl) continue;
    const first = [...b.records()][0];
    if (first === undefined) continue;
    if (readControlRecordKey(first.key).type === ControlRecordType.ABORT) count.abort++;
    else count.commit++;
  }
  return count;
}

/**
 * The markers below `end` whose transaction has no batch left in the log since the producer's
 * previous marker: the ones a cleaning past their horizon removes. (A batch emptied by the cleaner
 * but kept, as a producer's last batch or the last batch of a cleaned segment, still counts.)
 */
async function lonelyMarkers(log: UnifiedLog, end: bigint): Promise<bigint[]> {
  const lonely: bigint[] = [];
  const hasData = new Map<bigint, boolean>();
  for (const b of await allBatches(log)) {
    if (b.producerId < 0n) continue;
    if (!b.isControl) {
      hasData.set(b.producerId, true);
      continue;
    }
    if (b.recordCount > 0 && b.lastOffset < end && hasData.get(b.producerId) !== true) {
      lonely.push(b.baseOffset);
    }
    hasData.set(b.producerId, false);
  }
  return lonely;
}

async function abortedRecordsLeft(log: UnifiedLog): Promise<number> {
  let n = 0;
  for (const b of await allBatches(log)) {
    if (!b.isControl && b.producerId === 8n) {
      n += [...b.records()].filter((r) => r.value!.toString().startsWith('aborted')).length;
    }
  }
  return n;
}

describe('compaction of transactional data', () => {
  it('drops the records of aborted transactions at once and keeps the committed view', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner } = openCompactedLog(clock, CONFIG);
    const expected = await transactionalWorkload(log);
    assert.equal(log.lastStableOffset, log.logEndOffset);
    assert.deepEqual(latestByKey(await readCommitted(log)), expected, 'before cleaning');
    assert.ok((await abortedRecordsLeft(log)) > 0);
    const result = await cleaner.cleanFilthiestLog(clock.now());
    assert.ok(result?.completed === true);
    const cleanedEnd = result.endOffset;
    // Aborted records below the cleaned end are gone, whatever their keys.
    for (const b of await allBatches(log)) {
      if (b.nextOffset > cleanedEnd || b.isControl || b.producerId !== 8n) continue;
      assert.equal(b.recordCount, 0, `aborted batch ${b.baseOffset} kept no record`);
    }
    assert.deepEqual(latestByKey(await readCommitted(log)), expected, 'after cleaning');
    // The ABORT markers stay (their batches were seen this pass), with their index entries.
    const entries = log.segments.flatMap((s) => s.txnIndex.entries);
    assert.equal(entries.length, (await markers(log)).abort);
    for (const s of log.segments) {
      for (const e of s.txnIndex.entries) {
        assert.ok(e.lastOffset >= s.baseOffset && e.lastOffset < s.nextOffset, 'in its segment');
      }
    }
    await log.close();
  });

  it('removes markers delete.retention.ms after the cleaning that finds them alone', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner, logDir } = openCompactedLog(clock, CONFIG);
    const expected = await transactionalWorkload(log);
    const before = await markers(log);
    await cleaner.cleanFilthiestLog(clock.now());
    assert.deepEqual(await markers(log), before, 'the first cleaning keeps every marker');
    // New data makes the log dirty again; the second cleaning finds markers whose data is gone
    // and gives them a delete horizon.
    for (let i = 0; i < 12; i++) {
      await append(log, producerBatch({ pid: 50n, seq: i, keys: [`k${i % 4}`], tag: `more${i}` }));
      expected.set(`k${i % 4}`, `more${i}-0`);
    }
    clock.advance(1000);
    assert.ok((await cleaner.cleanFilthiestLog(clock.now()))?.completed);
    assert.deepEqual(await markers(log), before, 'kept until the horizon');
    assert.ok((await lonelyMarkers(log, cleaner.checkpoint(TP, logDir)!)).length > 0);
    assert.deepEqual(latestByKey(await readCommitted(log)), expected);
    // Past the horizon, the cleaner comes back on its own and drops them; markers whose data the
    // second cleaning removed got their horizon in the third, and go a day later.
    clock.advance(DAY);
    assert.ok((await cleanUntilDone(cleaner, clock.now())) >= 1);
    clock.advance(DAY);
    await cleanUntilDone(cleaner, clock.now());
    const after = await markers(log);
    assert.ok(after.abort < before.abort && after.commit < before.commit, JSON.stringify(after));
    assert.deepEqual(await lonelyMarkers(log, cleaner.checkpoint(TP, logDir)!), []);
    assert.equal(log.segments.flatMap((s) => s.txnIndex.entries).length, after.abort);
    assert.deepEqual(latestByKey(await readCommitted(log)), expected);
    await log.close();
  });

  it('never cleans at or past the last stable offset', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner } = openCompactedLog(clock, CONFIG);
    await append(log, producerBatch({ pid: 30n, seq: 0, keys: ['x'], tag: 'first' }));
    await append(
      log,
      producerBatch({ pid: 31n, seq: 0, keys: ['x', 'y'], count: 2, transactional: true }),
    );
    for (let i = 0; i < 30; i++) {
      await append(
        log,
        producerBatch({ pid: 32n, seq: 2 * i, keys: ['x', 'y'], count: 2, tag: `r${i}` }),
      );
    }
    assert.equal(log.lastStableOffset, 1n);
    const holder = log.segments.findLast((s) => s.baseOffset <= 1n)!.baseOffset;
    const untouched = async (): Promise<Buffer[]> =>
      (await allBatches(log))
        .filter((b) => b.baseOffset >= holder)
        .map((b) => Buffer.from(b.buffer));
    const image = await untouched();
    const result = await cleaner.cleanFilthiestLog(clock.now());
    assert.ok(result === null || result.endOffset <= holder);
    assert.deepEqual(await untouched(), image, 'nothing from the LSO segment on was rewritten');
    // Once decided, the rest is cleanable.
    await writeMarker(log, 'commit', { pid: 31n });
    const later = await cleaner.cleanFilthiestLog(clock.now());
    assert.ok(later?.completed === true && later.endOffset > holder);
    await log.close();
  });
});

/** A StorageFs that calls `before()` ahead of every call that changes what is on disk. */
function watchedFs(before: () => void): StorageFs {
  const base = NODE_STORAGE_FS;
  return {
    ...base,
    openSync: (path, flags) => {
      if (flags !== 'r' && flags !== 'r+') before();
      return base.openSync(path, flags);
    },
    writeSync: (fd, buffer, offset, length, position) => {
      before();
      return base.writeSync(fd, buffer, offset, length, position);
    },
    ftruncateSync: (fd, length) => {
      before();
      base.ftruncateSync(fd, length);
    },
    renameSync: (from, to) => {
      before();
      base.renameSync(from, to);
    },
    unlinkSync: (path) => {
      before();
      base.unlinkSync(path);
    },
  };
}

describe('compaction of transactional data: crash safety', () => {
  it('keeps the read_committed view after kill -9 at every step of a cleaning', async () => {
    const run = async (crashAt: number) => {
      const clock = new ManualClock(NOW);
      const logDir = tempDir();
      const dir = join(logDir, 'orders-0');
      let live = false;
      let seen = 0;
      let image: string | null = null;
      const fs = watchedFs(() => {
        if (!live) return;
        seen++;
        if (seen !== crashAt) return;
        image = join(tempDir(), 'image');
        cpSync(dir, image, { recursive: true });
      });
      const c = openCompactedLog(clock, CONFIG, { fs, logDir });
      const expected = await transactionalWorkload(c.log, 5);
      await c.log.flush();
      c.log.updateConfig(compactedConfig({ ...CONFIG, segmentBytes: 2100 }));
      const end = c.log.logEndOffset;
      live = true;
      const result = await c.cleaner.cleanFilthiestLog(clock.now());
      live = false;
      await c.log.close();
      return { result, steps: seen, image: image as string | null, expected, end };
    };
    const first = await run(0);
    assert.ok(first.result?.completed === true && first.result.stats.segmentsWritten >= 2);
    let images = 0;
    for (let at = 1; at <= first.steps; at++) {
      const { image, expected, end } = await run(at);
      if (image === null) continue;
      images++;
      for (const recoveryPoint of [0n, end]) {
        const copy = join(tempDir(), 'again');
        cpSync(image, copy, { recursive: true });
        const log = UnifiedLog.open({
          dir: copy,
          topicPartition: TP,
          config: compactedConfig(CONFIG),
          clock: new ManualClock(NOW),
          recoveryPoint,
        });
        const what = `crash before step ${at}, recovery point ${recoveryPoint}`;
        assert.equal(log.logEndOffset, end, what);
        assert.deepEqual(
          readdirSync(copy).filter((n) => /\.(cleaned|swap|deleted)$/.test(n)),
          [],
          what,
        );
        assert.deepEqual(latestByKey(await readCommitted(log)), expected, what);
        await log.close();
        rmSync(copy, { recursive: true, force: true });
      }
    }
    assert.ok(images >= first.steps - 3, `${images} crash images of ${first.steps} steps`);
  });
});
