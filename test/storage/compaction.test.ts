// Log compaction (cleanup.policy=compact and compact,delete): the latest value of every key is
// kept at its offset, everything else goes; tombstones stay until delete.retention.ms after the
// cleaning that first saw them (the batch's delete horizon, KIP-534); kept batches keep their
// bytes, or their codec, offsets, timestamps and producer fields when rebuilt; reads, ListOffsets
// and recovery work across the offset gaps; progress is kept in cleaner-offset-checkpoint.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CompressionType } from '../../src/protocol/compression/index.js';
import { readRecordBatches, type RecordBatch } from '../../src/protocol/records/index.js';
import { LogManager } from '../../src/storage/log-manager.js';
import { logConfig } from '../../src/storage/log-config.js';
import { ListOffsetsTimestamp } from '../../src/storage/partition-log.js';
import { NODE_STORAGE_FS, type StorageFs } from '../../src/storage/storage-fs.js';
import { UnifiedLog } from '../../src/storage/unified-log.js';
import {
  COMPACT_DELETE,
  DAY,
  Model,
  allBatches,
  allRecords,
  appendKeyed,
  assertCompactedFaithfully,
  cleanUntilDone,
  cleanerFor,
  compactedConfig,
  keyedBatch,
  latestValues,
  openCompactedLog,
  type KeyedRecord,
} from './compaction-helpers.js';
import { ManualClock, TP, batch, tempDir } from './helpers.js';

const NOW = 1_700_000_000_000;

/** `rounds` batches of two records over a few keys, values tagged by round. */
function updates(rounds: number, keys = 5, pad = 40): KeyedRecord[][] {
  return Array.from({ length: rounds }, (_, i) => [
    { key: `k${i % keys}`, value: `v${i}-`.padEnd(pad, 'x') },
    { key: `u${i % 3}`, value: `w${i}` },
  ]);
}

async function filled(clock = new ManualClock(NOW), rounds = 40, config = {}) {
  const c = openCompactedLog(clock, config);
  await appendKeyed(c.log, updates(rounds));
  const model = new Model();
  model.add(await allRecords(c.log));
  return { ...c, clock, model };
}

describe('log compaction', () => {
  it('keeps only the latest value of each key, at its original offset', async () => {
    const { log, cleaner, clock, model } = await filled();
    const before = log.size;
    const endBefore = log.logEndOffset;
    assert.ok(log.segmentBaseOffsets.length >= 4);
    const result = await cleaner.cleanFilthiestLog(clock.now());
    assert.ok(result !== null && result.completed);
    assert.equal(result.endOffset, log.segmentBaseOffsets.at(-1));
    const records = await assertCompactedFaithfully(log, model);
    assert.ok(log.size < before / 2, `${log.size} bytes left of ${before}`);
    assert.equal(log.logEndOffset, endBefore);
    // Below the active segment, each key appears once.
    const cleaned = records.filter((r) => r.offset < result.endOffset).map((r) => r.key);
    assert.equal(new Set(cleaned).size, cleaned.length);
    // Appends continue at the same log end offset.
    const next = await log.appendAsLeader(keyedBatch([{ key: 'k0', value: 'after' }]), {
      leaderEpoch: 0,
    });
    assert.equal(next.firstOffset, endBefore);
    await log.close();
  });

  it('serves a fetch at any offset, gaps included, from the next kept batch', async () => {
    const { log, cleaner, clock, model } = await filled();
    await cleaner.cleanFilthiestLog(clock.now());
    const kept = [...(await allRecords(log))].map((r) => r.offset);
    for (let offset = 0n; offset < log.logEndOffset; offset++) {
      const { records } = await log.read(offset, { maxBytes: 1 });
      const [first] = readRecordBatches(records).batches;
      assert.ok(first !== undefined, `a batch for offset ${offset}`);
      assert.ok(first.lastOffset >= offset, `the batch returned for ${offset} reaches it`);
      const inBatch = [...first.records()].map((r) => r.offset);
      const expected = kept.find((o) => o >= offset);
      // The first record at or after the offset is either in this batch or after it (an empty
      // batch kept for its offsets may come first).
      if (inBatch.length > 0 && expected !== undefined && expected <= first.lastOffset) {
        assert.ok(inBatch.includes(expected), `offset ${offset} finds record ${expected}`);
      }
    }
    assert.equal(model.byOffset.size > kept.length, true);
    await log.close();
  });

  it('copies batches whose records all stay byte for byte, and rebuilds the others faithfully', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner } = openCompactedLog(clock);
    await appendKeyed(log, [[{ key: 'solo', value: 'only once' }]]);
    await appendKeyed(log, updates(30));
    const [soloBefore] = await allBatches(log);
    const soloBytes = Buffer.from(soloBefore!.buffer);
    await cleaner.cleanFilthiestLog(clock.now());
    const [soloAfter] = await allBatches(log);
    assert.deepEqual(Buffer.from(soloAfter!.buffer), soloBytes);
    await log.close();
  });

  for (const [name, codec] of Object.entries(CompressionType)) {
    it(`compacts ${name} batches, keeping codec, offsets, timestamps, headers and producer fields`, async () => {
      const clock = new ManualClock(NOW);
      const { log, cleaner } = openCompactedLog(clock, { segmentBytes: 2048 });
      const model = new Model();
      for (let i = 0; i < 12; i++) {
        const records = Array.from({ length: 6 }, (_, j) => ({
          key: `key-${(i * 6 + j) % 9}`,
          value: `value-${i}-${j}-${createHash('sha256').update(`${name}${i}.${j}`).digest('hex')}`,
        }));
        await log.appendAsLeader(
          keyedBatch(records, {
            compression: codec,
            timestamp: BigInt(NOW + i * 1000),
            producerId: 7n,
            producerEpoch: 0,
            baseSequence: i * 6,
          }),
          { leaderEpoch: 3 },
        );
      }
      const before = await allBatches(log);
      model.add(await allRecords(log));
      assert.ok(log.segmentBaseOffsets.length >= 3);
      await cleanUntilDone(cleaner, clock.now());
      await assertCompactedFaithfully(log, model);
      const byBase = new Map<bigint, RecordBatch>(before.map((b) => [b.baseOffset, b]));
      for (const after of await allBatches(log)) {
        const original = byBase.get(after.baseOffset);
        assert.ok(original !== undefined, `batch ${after.baseOffset} keeps its base offset`);
        assert.equal(after.lastOffset, original.lastOffset);
        assert.equal(after.producerId, 7n);
        assert.equal(after.producerEpoch, 0);
        assert.equal(after.baseSequence, original.baseSequence);
        assert.equal(after.partitionLeaderEpoch, 3);
        if (after.recordCount > 0) assert.equal(after.compression, codec);
        assert.ok(after.maxTimestamp <= original.maxTimestamp);
      }
      await log.close();
    });
  }

  it('keeps a tombstone for delete.retention.ms after the cleaning that first saw it', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner } = openCompactedLog(clock, { deleteRetentionMs: DAY });
    await appendKeyed(log, updates(20));
    await appendKeyed(log, [[{ key: 'k1', value: null }]]);
    const tombstoneOffset = log.logEndOffset - 1n;
    await appendKeyed(
      log,
      updates(12)
        .slice(0, 12)
        .map((b) => b.filter((r) => r.key !== 'k1')),
    );
    await log.flush();
    assert.equal((await cleaner.cleanFilthiestLog(clock.now()))?.completed, true);
    const afterFirst = await allRecords(log);
    assert.deepEqual(
      afterFirst.filter((r) => r.key === 'k1'),
      [afterFirst.find((r) => r.offset === tombstoneOffset)],
      'only the tombstone of k1 is left',
    );
    const holder = (await allBatches(log)).find(
      (b) => b.baseOffset <= tombstoneOffset && b.lastOffset >= tombstoneOffset,
    )!;
    assert.equal(holder.hasDeleteHorizon, true);
    assert.equal(holder.baseTimestamp, BigInt(NOW + DAY));
    const tombstone = [...holder.records()].find((r) => r.offset === tombstoneOffset)!;
    assert.equal(tombstone.value, null);
    assert.ok(tombstone.timestamp < BigInt(NOW + DAY), 'the record keeps its own timestamp');
    // Before the horizon nothing is due, and a forced pass keeps it.
    clock.set(NOW + DAY - 1);
    assert.equal(await cleaner.cleanFilthiestLog(clock.now()), null);
    assert.equal((await latestValues(log)).get('k1'), null);
    // At the horizon it goes, without anything new being written.
    clock.set(NOW + DAY);
    assert.ok((await cleaner.cleanFilthiestLog(clock.now())) !== null);
    assert.equal((await latestValues(log)).has('k1'), false);
    assert.equal(await cleaner.cleanFilthiestLog(clock.now()), null, 'then nothing is due');
    await log.close();
  });

  it('answers ListOffsets by timestamp across the gaps', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner } = openCompactedLog(clock);
    for (let i = 0; i < 30; i++) {
      await log.appendAsLeader(
        keyedBatch([{ key: `k${i % 4}`, value: `v${i}`.padEnd(60, '.') }], {
          timestamp: BigInt(NOW + i * 10),
        }),
        { leaderEpoch: 0 },
      );
    }
    await cleaner.cleanFilthiestLog(clock.now());
    const kept = await allRecords(log);
    for (let i = 0; i < 30; i++) {
      const ts = BigInt(NOW + i * 10);
      const expected = kept.find((r) => r.timestamp >= ts)!;
      const found = await log.offsetForTimestamp(ts);
      assert.deepEqual(
        found && { offset: found.offset, timestamp: found.timestamp },
        { offset: expected.offset, timestamp: expected.timestamp },
        `timestamp ${ts}`,
      );
    }
    const max = await log.offsetForTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP);
    assert.equal(max?.offset, 29n);
    const earliest = await log.offsetForTimestamp(ListOffsetsTimestamp.EARLIEST);
    assert.equal(earliest?.offset, 0n);
    assert.equal(await log.offsetForTimestamp(BigInt(NOW + 1000)), null);
    await log.close();
  });

  it('finds MAX_TIMESTAMP when the batch holding it in a cleaned segment was emptied', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner } = openCompactedLog(clock, { segmentBytes: 400 });
    // The newest timestamp goes to a record that a later (older-stamped) record supersedes.
    await appendKeyed(log, [[{ key: 'a', value: 'first'.padEnd(100, '.') }]], {
      timestamp: BigInt(NOW),
    });
    await appendKeyed(log, [[{ key: 'b', value: 'newest'.padEnd(100, '.') }]], {
      timestamp: BigInt(NOW + 5000),
    });
    await appendKeyed(log, [[{ key: 'b', value: 'replaced'.padEnd(100, '.') }]], {
      timestamp: BigInt(NOW + 100),
    });
    for (let i = 0; i < 4; i++) {
      await appendKeyed(log, [[{ key: `c${i}`, value: 'pad'.padEnd(100, '.') }]], {
        timestamp: BigInt(NOW + 200 + i),
      });
    }
    await cleanUntilDone(cleaner, clock.now());
    const max = await log.offsetForTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP);
    const kept = await allRecords(log);
    const best = kept.reduce((a, r) => (r.timestamp > a.timestamp ? r : a));
    assert.deepEqual(max && { offset: max.offset, timestamp: max.timestamp }, {
      offset: best.offset,
      timestamp: best.timestamp,
    });
    await log.close();
  });

  it('compact,delete also applies retention.ms to whole segments', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner } = openCompactedLog(clock, {
      cleanupPolicy: COMPACT_DELETE,
      retentionMs: 7 * DAY,
    });
    for (let i = 0; i < 40; i++) {
      const age = i < 20 ? 10 : 1;
      await appendKeyed(log, [[{ key: `k${i % 6}`, value: `v${i}`.padEnd(60, '-') }]], {
        timestamp: BigInt(NOW - age * DAY),
      });
    }
    await cleaner.cleanFilthiestLog(clock.now());
    const deleted = log.deleteOldSegments(clock.now());
    assert.ok(deleted > 0);
    const records = await allRecords(log);
    assert.ok(records.every((r) => r.timestamp >= BigInt(NOW - 7 * DAY)));
    assert.ok(log.logStartOffset > 0n);
    // The next pass starts at the new log start (the checkpoint reset below it is rewritten).
    await appendKeyed(log, updates(20));
    const again = await cleaner.cleanFilthiestLog(clock.now());
    assert.ok(again !== null && again.firstDirtyOffset >= log.logStartOffset);
    await log.close();
  });

  it('leaves cleanup.policy=delete logs alone', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner } = openCompactedLog(clock, {
      cleanupPolicy: { delete: true, compact: false },
    });
    await appendKeyed(log, updates(40));
    const size = log.size;
    assert.equal(await cleaner.cleanFilthiestLog(clock.now()), null);
    assert.equal(log.size, size);
    await log.close();
  });

  it("records progress in Kafka's cleaner-offset-checkpoint and resumes from it", async () => {
    const { log, cleaner, clock, logDir } = await filled();
    const first = await cleaner.cleanFilthiestLog(clock.now());
    const path = join(logDir, 'cleaner-offset-checkpoint');
    assert.equal(readFileSync(path, 'utf8'), `0\n1\norders 0 ${first!.endOffset}\n`);
    await appendKeyed(log, updates(20));
    await log.close();
    const reopened = UnifiedLog.open({
      dir: join(logDir, 'orders-0'),
      topicPartition: TP,
      config: compactedConfig(),
      clock,
    });
    const next = await cleanerFor(reopened, logDir, clock).cleanFilthiestLog(clock.now());
    assert.equal(next?.firstDirtyOffset, first!.endOffset);
    await reopened.close();
  });

  it('recovers a compacted log, gaps and all, with or without a clean shutdown', async () => {
    const { log, cleaner, clock, dir, model } = await filled();
    await cleanUntilDone(cleaner, clock.now());
    const expected = (await allBatches(log)).map((b) => Buffer.from(b.buffer));
    const end = log.logEndOffset;
    await log.close();
    for (const clean of [true, false]) {
      const reopened = UnifiedLog.open({
        dir,
        topicPartition: TP,
        config: compactedConfig(),
        clock,
        hadCleanShutdown: clean,
        recoveryPoint: clean ? end : 0n,
      });
      assert.equal(reopened.logEndOffset, end);
      assert.deepEqual(
        (await allBatches(reopened)).map((b) => Buffer.from(b.buffer)),
        expected,
        clean ? 'after a clean shutdown' : 'after full recovery',
      );
      await assertCompactedFaithfully(reopened, model);
      await reopened.close();
    }
  });

  it('rolls a new active segment when truncation lands in a cleaned one', async () => {
    const { log, cleaner, clock, model } = await filled();
    await cleaner.cleanFilthiestLog(clock.now());
    const kept = await allRecords(log);
    const target = kept[2]!.offset;
    await log.truncateTo(target);
    const last = log.segmentBaseOffsets.at(-1)!;
    assert.equal(last, log.logEndOffset, 'the active segment is a new, empty one');
    const left = await allRecords(log);
    assert.ok(left.every((r) => r.offset < target));
    for (const r of left) assert.deepEqual(r, model.byOffset.get(r.offset));
    await log.close();
  });

  it('keeps the last batch of an active idempotent producer, emptied, for its sequence', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner, dir } = openCompactedLog(clock);
    await appendKeyed(log, [[{ key: 'p', value: 'from producer 9' }]], {
      producerId: 9n,
      producerEpoch: 2,
      baseSequence: 0,
    });
    await appendKeyed(log, updates(30));
    await appendKeyed(log, [[{ key: 'p', value: 'overwritten by someone else' }]]);
    await appendKeyed(log, updates(10));
    const lastSeq = log.producerState.producers.get(9n)?.lastSeq;
    assert.equal(lastSeq, 0);
    await cleanUntilDone(cleaner, clock.now());
    const held = (await allBatches(log)).filter((b) => b.producerId === 9n);
    assert.equal(held.length, 1, "the producer's batch stays");
    assert.equal(held[0]!.recordCount, 0, 'emptied: its record was superseded');
    assert.equal(held[0]!.baseOffset, 0n);
    await log.close();
    const reopened = UnifiedLog.open({ dir, topicPartition: TP, config: compactedConfig(), clock });
    assert.equal(reopened.producerState.producers.get(9n)?.lastSeq, 0);
    assert.equal(reopened.producerState.producers.get(9n)?.producerEpoch, 2);
    await reopened.close();
  });

  it('keyless records in a log switched to compact are dropped by the cleaner, as in Kafka', async () => {
    const clock = new ManualClock(NOW);
    const dir = join(tempDir(), 'orders-0');
    const plain = UnifiedLog.open({
      dir,
      topicPartition: TP,
      config: logConfig({ segmentBytes: 1024 }),
      clock,
    });
    for (let i = 0; i < 10; i++) {
      await plain.appendAsLeader(batch({ keyless: true, valueBytes: 100 }), { leaderEpoch: 0 });
    }
    await appendKeyed(plain, updates(10));
    await plain.close();
    const compacted = UnifiedLog.open({
      dir,
      topicPartition: TP,
      config: compactedConfig(),
      clock,
    });
    const cleaner = cleanerFor(compacted, join(dir, '..'), clock);
    await cleaner.cleanFilthiestLog(clock.now());
    const batches = await allBatches(compacted);
    const keyless = batches.flatMap((b) => [...b.records()]).filter((r) => r.key === null);
    assert.deepEqual(keyless, []);
    await compacted.close();
  });
});

/** node:fs whose next `read` can be held back (to interleave a pass with other work). */
function gatedFs(): { fs: StorageFs; hold: () => Promise<void>; release: () => void } {
  let held: { reached: () => void; gate: Promise<void> } | null = null;
  let open: () => void = () => undefined;
  const fs: StorageFs = {
    ...NODE_STORAGE_FS,
    read: async (fd, buffer, offset, length, position) => {
      const h = held;
      if (h !== null) {
        held = null;
        h.reached();
        await h.gate;
      }
      return NODE_STORAGE_FS.read(fd, buffer, offset, length, position);
    },
  };
  return {
    fs,
    /** Holds the next read only; resolves once it is waiting. */
    hold: () =>
      new Promise<void>((reached) => {
        held = { reached, gate: new Promise<void>((r) => (open = r)) };
      }),
    release: () => open(),
  };
}

describe('log compaction alongside other work', () => {
  it('gives up a pass that retention overtook, harmlessly', async () => {
    const clock = new ManualClock(NOW);
    const gated = gatedFs();
    const { log, cleaner } = openCompactedLog(clock, {}, { fs: gated.fs });
    await appendKeyed(log, updates(40));
    const model = new Model();
    model.add(await allRecords(log));
    const waiting = gated.hold();
    const pass = cleaner.cleanFilthiestLog(clock.now());
    await waiting;
    // DeleteRecords past the first segments, and retention deleting them, mid-pass.
    const start = log.segmentBaseOffsets[2]!;
    await log.deleteRecordsBefore(start);
    assert.ok(log.deleteOldSegments(clock.now()) >= 2);
    gated.release();
    const result = await pass;
    assert.ok(result === null || !result.completed, 'the pass did not complete');
    assert.equal(cleaner.isUncleanable(TP), false, 'overtaken, not failed');
    for (const r of await allRecords(log)) assert.deepEqual(r, model.byOffset.get(r.offset));
    assert.deepEqual(
      readdirSync(log.dir).filter((n) => /\.(cleaned|swap|deleted)$/.test(n)),
      [],
    );
    // The next pass picks up from the new log start.
    const again = await cleaner.cleanFilthiestLog(clock.now());
    assert.ok(again !== null && again.completed && again.firstDirtyOffset >= start);
    await log.close();
  });

  it('serves a fetch that was reading a segment the cleaner swapped out', async () => {
    const clock = new ManualClock(NOW);
    const gated = gatedFs();
    const { log, cleaner } = openCompactedLog(clock, {}, { fs: gated.fs, tailCacheBytes: 0 });
    await appendKeyed(log, updates(40));
    const model = new Model();
    model.add(await allRecords(log));
    const waiting = gated.hold();
    const fetch = log.read(0n, { maxBytes: 1 << 16 });
    await waiting;
    // The fetch is parked on a read of segment 0; the whole pass swaps it out meanwhile.
    assert.ok((await cleaner.cleanFilthiestLog(clock.now()))?.completed);
    gated.release();
    const { records } = await fetch;
    const { batches } = readRecordBatches(records);
    assert.ok(batches.length > 0, 'the batches of the new segment 0');
    assert.deepEqual(
      batches.map((b) => b.baseOffset),
      (await allBatches(log))
        .filter((b) => b.lastOffset < log.segmentBaseOffsets[1]!)
        .map((b) => b.baseOffset),
    );
    for (const r of batches.flatMap((b) => [...b.records()])) {
      assert.equal(r.value?.toString() ?? null, model.byOffset.get(r.offset)!.value);
    }
    await log.close();
  });
});

describe('log compaction from the LogManager', () => {
  it('starts one pass per tick in the background and persists it across a restart', async () => {
    const logDir = tempDir();
    const clock = new ManualClock(NOW);
    const config = compactedConfig();
    const options = {
      logDirs: [logDir],
      clock,
      configFor: () => config,
      retentionCheckIntervalMs: 0,
      logCleanerBackoffMs: 1000,
    };
    const m = await LogManager.open(options);
    const log = m.getOrCreateLog(TP);
    await appendKeyed(log, updates(40));
    const model = new Model();
    model.add(await allRecords(log));
    const size = log.size;
    await m.tick();
    // The pass runs in the background: appends go on meanwhile.
    await appendKeyed(log, [[{ key: 'during', value: 'the pass' }]]);
    const result = await m.cleaner.idle();
    assert.ok(result !== null && result.completed);
    assert.ok(log.size < size);
    model.add((await allRecords(log)).filter((r) => r.key === 'during'));
    await assertCompactedFaithfully(log, model);
    // Nothing dirty enough now: the cleaner backs off for log.cleaner.backoff.ms.
    await m.tick();
    assert.equal(await m.cleaner.idle(), null);
    await m.close();
    assert.ok(readdirSync(logDir).includes('cleaner-offset-checkpoint'));
    const again = await LogManager.open(options);
    const reloaded = again.getLog(TP)!;
    await assertCompactedFaithfully(reloaded, model);
    assert.equal(again.cleaner.checkpoint(TP, logDir), result.endOffset);
    await again.close();
  });

  it('runs nothing with log.cleaner.enable=false, and forgets a deleted partition', async () => {
    const logDir = tempDir();
    const clock = new ManualClock(NOW);
    const config = compactedConfig();
    const off = await LogManager.open({
      logDirs: [logDir],
      clock,
      configFor: () => config,
      logCleanerEnable: false,
    });
    await appendKeyed(off.getOrCreateLog(TP), updates(40));
    await off.tick();
    assert.equal(await off.cleaner.idle(), null);
    await off.close();
    const on = await LogManager.open({ logDirs: [logDir], clock, configFor: () => config });
    await on.tick();
    assert.ok((await on.cleaner.idle()) !== null);
    assert.ok(on.cleaner.checkpoint(TP, logDir) !== undefined);
    await on.deleteLog(TP);
    assert.equal(on.cleaner.checkpoint(TP, logDir), undefined);
    assert.equal(readFileSync(join(logDir, 'cleaner-offset-checkpoint'), 'utf8'), '0\n0\n');
    await on.close();
  });

  it('stops a pass in flight on close, leaving no cleaned files behind', async () => {
    const logDir = tempDir();
    const clock = new ManualClock(NOW);
    const config = compactedConfig({ segmentBytes: 2048 });
    const m = await LogManager.open({
      logDirs: [logDir],
      clock,
      configFor: () => config,
      logCleanerIoBufferBytes: 256,
    });
    const log = m.getOrCreateLog(TP);
    await appendKeyed(log, updates(80));
    await m.tick();
    await m.close();
    const names = readdirSync(join(logDir, 'orders-0'));
    assert.deepEqual(
      names.filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap')),
      [],
    );
    assert.equal(existsSync(join(logDir, '.kafka_cleanshutdown')), true);
  });
});
