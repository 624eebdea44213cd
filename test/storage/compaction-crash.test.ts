// Crash safety of compaction (ARCHITECTURE.md invariant 5). A cleaning is run with an injected
// StorageFs that, just before its k-th file-system mutation, copies the partition directory: the
// state kill -9 at that instant would leave. Every k is tried. Reopening each copy must give a
// valid log holding every record it held before (or its compacted form) at the same offsets, the
// same log end offset, and no `.cleaned`/`.swap` leftovers. The same steps are also made to fail
// (an I/O error instead of a crash): the pass gives up, the log stays correct or goes offline, and
// a restart repairs it. Recovery of gapped segments must still catch a damaged baseOffset.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isSamsaError } from '../../src/errors/samsa-error.js';
import { offsetFileStem } from '../../src/storage/file-names.js';
import { NODE_STORAGE_FS, type StorageFs } from '../../src/storage/storage-fs.js';
import { UnifiedLog } from '../../src/storage/unified-log.js';
import {
  Model,
  allBatches,
  allRecords,
  appendKeyed,
  assertCompactedFaithfully,
  compactedConfig,
  openCompactedLog,
  type KeyedRecord,
} from './compaction-helpers.js';
import { ManualClock, TP, tempDir } from './helpers.js';

const NOW = 1_700_000_000_000;
const CONFIG = { segmentBytes: 700, indexIntervalBytes: 4096 };

/** A StorageFs that calls `before(op)` ahead of every call that changes what is on disk. */
function watchedFs(before: (op: string) => void): StorageFs {
  const base = NODE_STORAGE_FS;
  return {
    ...base,
    openSync: (path, flags) => {
      if (flags !== 'r' && flags !== 'r+') before(`open ${flags} ${path}`);
      return base.openSync(path, flags);
    },
    writeSync: (fd, buffer, offset, length, position) => {
      before('write');
      return base.writeSync(fd, buffer, offset, length, position);
    },
    ftruncateSync: (fd, length) => {
      before('ftruncate');
      base.ftruncateSync(fd, length);
    },
    renameSync: (from, to) => {
      before(`rename ${from} -> ${to}`);
      base.renameSync(from, to);
    },
    unlinkSync: (path) => {
      before(`unlink ${path}`);
      base.unlinkSync(path);
    },
    writeFileSync: (path, data) => {
      before(`writeFile ${path}`);
      base.writeFileSync(path, data);
    },
    fsync: async (fd) => {
      before('fsync');
      return base.fsync(fd);
    },
    fsyncSync: (fd) => {
      before('fsyncSync');
      base.fsyncSync(fd);
    },
    fsyncDir: async (path) => {
      before(`fsyncDir ${path}`);
      return base.fsyncDir(path);
    },
  };
}

function workload(): KeyedRecord[][] {
  const out: KeyedRecord[][] = [];
  for (let i = 0; i < 36; i++) {
    out.push([
      { key: `k${i % 5}`, value: i % 11 === 10 ? null : `v${i}-`.padEnd(50, '=') },
      { key: `s${i % 2}`, value: `s${i}` },
    ]);
  }
  return out;
}

interface Armed {
  /** The mutation to act on (1-based), or 0 to only count. */
  at: number;
  seen: number;
  ops: string[];
  action: 'crash' | 'fail';
  image: string | null;
}

/** A log with the workload appended, ready to be cleaned with `armed` watching. */
async function prepared(armed: Armed) {
  const clock = new ManualClock(NOW);
  const logDir = tempDir();
  const dir = join(logDir, 'orders-0');
  let live = false;
  const fs = watchedFs((op) => {
    if (!live) return;
    armed.seen++;
    armed.ops.push(op);
    if (armed.seen !== armed.at) return;
    if (armed.action === 'crash') {
      armed.image = join(tempDir(), 'image');
      cpSync(dir, armed.image, { recursive: true });
    } else {
      throw Object.assign(new Error(`EIO: injected failure at ${op}`), { code: 'EIO' });
    }
  });
  const c = openCompactedLog(clock, CONFIG, { fs, logDir });
  await appendKeyed(c.log, workload());
  await c.log.flush();
  // Groups of three small segments, so a swap replaces several files.
  c.log.updateConfig(compactedConfig({ ...CONFIG, segmentBytes: 2100 }));
  const model = new Model();
  model.add(await allRecords(c.log));
  const end = c.log.logEndOffset;
  /** Watches the file system during `run` only. */
  const watching = async <T>(run: () => Promise<T>): Promise<T> => {
    live = true;
    try {
      return await run();
    } finally {
      live = false;
    }
  };
  return { ...c, clock, model, end, watching };
}

function reopen(dir: string, recoveryPoint: bigint): UnifiedLog {
  return UnifiedLog.open({
    dir,
    topicPartition: TP,
    config: compactedConfig(CONFIG),
    clock: new ManualClock(NOW),
    recoveryPoint,
  });
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => /\.(cleaned|swap|deleted)$/.test(n));
}

async function countSteps(): Promise<string[]> {
  const armed: Armed = { at: 0, seen: 0, ops: [], action: 'crash', image: null };
  const c = await prepared(armed);
  const result = await c.watching(() => c.cleaner.cleanFilthiestLog(c.clock.now()));
  assert.ok(result !== null && result.completed && result.stats.segmentsWritten >= 2);
  const replaced = armed.ops.filter((op) => /\.log -> .*\.log\.deleted$/.test(op)).length;
  assert.ok(replaced > result.stats.segmentsWritten, 'some swap replaces several segments');
  await c.log.close();
  return armed.ops;
}

describe('compaction crash safety', () => {
  it('recovers a valid log after kill -9 at every step of a cleaning', async () => {
    const steps = await countSteps();
    const renames = steps.filter((s) => s.startsWith('rename'));
    assert.ok(
      renames.some((s) => /\.cleaned -> .*\.swap$/.test(s)),
      'swaps via .swap files',
    );
    assert.ok(
      renames.some((s) => /\.deleted$/.test(s)),
      'old segments go via .deleted',
    );
    const finished = { swapped: 0, old: 0, images: 0 };
    for (let at = 1; at <= steps.length; at++) {
      const armed: Armed = { at, seen: 0, ops: [], action: 'crash', image: null };
      const c = await prepared(armed);
      const sizeBefore = c.log.size;
      await c.watching(() => c.cleaner.cleanFilthiestLog(c.clock.now()));
      await c.log.close();
      // Background work of the appends (a producer snapshot's fsync) may add or drop a step.
      if (armed.image === null) continue;
      finished.images++;
      for (const recoveryPoint of [0n, c.end]) {
        const image = join(tempDir(), 'again');
        cpSync(armed.image, image, { recursive: true });
        const recovered = reopen(image, recoveryPoint);
        const what = `crash before step ${at} (${steps[at - 1]}), recovery point ${recoveryPoint}`;
        assert.equal(recovered.logEndOffset, c.end, what);
        assert.deepEqual(leftovers(image), [], what);
        await assertCompactedFaithfully(recovered, c.model).catch((err: unknown) => {
          throw new Error(`${what}: ${String(err)}`, { cause: err });
        });
        if (recoveryPoint === 0n) {
          if (recovered.size < sizeBefore) finished.swapped++;
          else finished.old++;
        }
        await recovered.close();
        rmSync(image, { recursive: true, force: true });
      }
    }
    assert.ok(finished.images >= steps.length - 3, JSON.stringify(finished));
    assert.ok(finished.swapped > 0 && finished.old > 0, JSON.stringify(finished));
  });

  it('survives an I/O error at every step: the pass gives up, and a restart repairs the log', async () => {
    const steps = await countSteps();
    let offline = 0;
    for (let at = 1; at <= steps.length; at++) {
      const armed: Armed = { at, seen: 0, ops: [], action: 'fail', image: null };
      const c = await prepared(armed);
      const result = await c.watching(() => c.cleaner.cleanFilthiestLog(c.clock.now()));
      const what = `failure at step ${at} (${steps[at - 1]})`;
      if (c.log.isOffline) {
        offline++;
        await assert.rejects(c.log.read(0n, { maxBytes: 100 }), (e: unknown) =>
          isSamsaError(e, 'SAMSA_ERR_LOG_OFFLINE'),
        );
      } else {
        // Still serving, and correct, whatever the pass managed before the failure.
        await assertCompactedFaithfully(c.log, c.model);
        assert.equal(c.log.logEndOffset, c.end, what);
        if (result === null) assert.equal(c.cleaner.isUncleanable(TP), true, what);
      }
      await c.log.close();
      const recovered = reopen(c.dir, 0n);
      assert.equal(recovered.logEndOffset, c.end, what);
      assert.deepEqual(leftovers(c.dir), [], what);
      await assertCompactedFaithfully(recovered, c.model);
      await recovered.close();
    }
    assert.ok(offline > 0, 'failures past the commit point take the log offline');
  });

  it('finishes a committed swap found at startup and discards an uncommitted one', async () => {
    const armed: Armed = { at: 0, seen: 0, ops: [], action: 'crash', image: null };
    const c = await prepared(armed);
    await c.log.close();
    const dir = c.dir;
    const names = readdirSync(dir)
      .filter((n) => n.endsWith('.log'))
      .sort();
    assert.ok(names.length >= 3);
    // A stray .cleaned set (no commit) next to live segments: discarded.
    for (const suffix of ['log', 'index', 'timeindex']) {
      writeFileSync(join(dir, `${offsetFileStem(0n)}.${suffix}.cleaned`), 'partial');
    }
    writeFileSync(join(dir, `${offsetFileStem(0n)}.index.swap`), 'orphan index swap');
    const kept = reopen(dir, 0n);
    assert.deepEqual(leftovers(dir), []);
    await assertCompactedFaithfully(kept, c.model);
    const before = await allBatches(kept);
    await kept.close();
    // A committed swap replacing the first two segments with the first segment's bytes plus
    // the second's: the recovered log is the same data, in one segment.
    const [first, second] = names as [string, string];
    const merged = Buffer.concat([readFileSync(join(dir, first)), readFileSync(join(dir, second))]);
    writeFileSync(join(dir, `${first}.swap`), merged);
    const swapped = reopen(dir, 0n);
    assert.deepEqual(leftovers(dir), []);
    assert.equal(readdirSync(dir).includes(second), false, 'the replaced segment is gone');
    assert.equal(swapped.segmentBaseOffsets.length, names.length - 1);
    assert.deepEqual(
      (await allBatches(swapped)).map((b) => Buffer.from(b.buffer)),
      before.map((b) => Buffer.from(b.buffer)),
    );
    await swapped.close();
  });
});

describe('recovery of logs with offset gaps', () => {
  /** A compacted log's files (closed), its batches, and the position of each batch by file. */
  async function compactedImage() {
    const clock = new ManualClock(NOW);
    const c = openCompactedLog(clock, CONFIG);
    await appendKeyed(c.log, workload());
    const model = new Model();
    model.add(await allRecords(c.log));
    // Cleaned segments of several batches: groups may now span the small segments.
    c.log.updateConfig(compactedConfig({ ...CONFIG, segmentBytes: 4000 }));
    await c.cleaner.cleanFilthiestLog(clock.now());
    await appendKeyed(c.log, workload().slice(0, 12));
    model.add((await allRecords(c.log)).filter((r) => !model.byOffset.has(r.offset)));
    const batches = (await allBatches(c.log)).map((b) => Buffer.from(b.buffer));
    const bases = c.log.segmentBaseOffsets;
    await c.log.close();
    return { dir: c.dir, batches, bases, model };
  }

  /** The batches of segment `base` with their file positions. */
  function segmentBatches(dir: string, base: bigint) {
    const bytes = readFileSync(join(dir, `${offsetFileStem(base)}.log`));
    const out: { position: number; baseOffset: bigint; lastOffset: bigint }[] = [];
    for (let at = 0; at < bytes.length;) {
      const size = 12 + bytes.readInt32BE(at + 8);
      const baseOffset = bytes.readBigInt64BE(at);
      out.push({
        position: at,
        baseOffset,
        lastOffset: baseOffset + BigInt(bytes.readInt32BE(at + 23)),
      });
      at += size;
    }
    return { bytes, batches: out };
  }

  it('accepts the gaps of cleaned segments on a full recovery', async () => {
    const { dir, batches, model } = await compactedImage();
    const recovered = reopen(dir, 0n);
    assert.ok(recovered.segmentBaseOffsets.length >= 2);
    assert.deepEqual(
      (await allBatches(recovered)).map((b) => Buffer.from(b.buffer)),
      batches,
    );
    await assertCompactedFaithfully(recovered, model);
    await recovered.close();
  });

  it('still catches every raised or lowered baseOffset in the gap-free active segment', async () => {
    const { dir, bases, batches } = await compactedImage();
    const active = bases.at(-1)!;
    const { bytes, batches: inActive } = segmentBatches(dir, active);
    assert.ok(inActive.length >= 3);
    for (const [i, victim] of inActive.entries()) {
      for (const delta of [1n, 2n, 1000n, -1n]) {
        if (victim.baseOffset + delta < active) continue;
        const work = join(tempDir(), 'w');
        cpSync(dir, work, { recursive: true });
        const damaged = Buffer.from(bytes);
        damaged.writeBigInt64BE(victim.baseOffset + delta, victim.position);
        writeFileSync(join(work, `${offsetFileStem(active)}.log`), damaged);
        const recovered = reopen(work, 0n);
        const got = (await allBatches(recovered)).map((b) => Buffer.from(b.buffer));
        assert.deepEqual(got, batches.slice(0, got.length), `batch ${i} moved by ${delta}`);
        assert.equal(recovered.logEndOffset, victim.baseOffset, `batch ${i} moved by ${delta}`);
        await recovered.close();
      }
    }
  });

  it('drops a cleaned segment batch whose baseOffset overlaps, and bounds one by the next segment', async () => {
    const { dir, bases, batches } = await compactedImage();
    const index = bases.findIndex((b) => segmentBatches(dir, b).batches.length >= 2);
    assert.ok(index >= 0 && index < bases.length - 1, 'a cleaned segment of several batches');
    const cleaned = bases[index]!;
    const { bytes, batches: inCleaned } = segmentBatches(dir, cleaned);
    const cases = [
      // The last batch pushed past the next segment's base offset.
      { at: inCleaned.at(-1)!, to: bases[index + 1]! },
      // The first batch pushed onto the second one's offsets.
      { at: inCleaned[0]!, to: inCleaned[1]!.baseOffset },
    ];
    for (const { at, to } of cases) {
      const work = join(tempDir(), 'w');
      cpSync(dir, work, { recursive: true });
      const damaged = Buffer.from(bytes);
      damaged.writeBigInt64BE(to, at.position);
      writeFileSync(join(work, `${offsetFileStem(cleaned)}.log`), damaged);
      const recovered = reopen(work, 0n);
      const got = (await allBatches(recovered)).map((b) => Buffer.from(b.buffer));
      assert.deepEqual(got, batches.slice(0, got.length), `baseOffset moved to ${to}`);
      assert.ok(recovered.logEndOffset <= at.baseOffset, `baseOffset moved to ${to}`);
      // The cleaned segment stays closed: the active one after it is new and empty.
      assert.equal(recovered.segmentBaseOffsets.at(-1), recovered.logEndOffset);
      assert.ok(recovered.segmentBaseOffsets.includes(cleaned));
      await recovered.close();
    }
  });
});
