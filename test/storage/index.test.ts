// Index math: OffsetIndex floor lookups and TimeIndex timestamp lookups against a brute-force
// model (fast-check), both in memory (active segment) and by positioned reads (older segments);
// the full/empty edges; truncation; and the sanity checks that send a damaged index to rebuild.
import assert from 'node:assert/strict';
import { writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isSamsaError } from '../../src/errors/samsa-error.js';
import { NODE_STORAGE_FS } from '../../src/storage/storage-fs.js';
import { OffsetIndex } from '../../src/storage/offset-index.js';
import { TimeIndex } from '../../src/storage/time-index.js';
import { tempDir } from './helpers.js';

const RUNS = Number(process.env.SAMSA_PROPERTY_RUNS ?? 25);
const BASE = 1000n;

function offsetIndex(path: string, create: boolean, inMemory: boolean, max = 1 << 20): OffsetIndex {
  return new OffsetIndex(NODE_STORAGE_FS, path, BASE, max, { create, inMemory });
}

function timeIndex(path: string, create: boolean, inMemory: boolean, max = 1 << 20): TimeIndex {
  return new TimeIndex(NODE_STORAGE_FS, path, BASE, max, { create, inMemory });
}

function isIndexCorrupt(err: unknown): boolean {
  return isSamsaError(err, 'SAMSA_ERR_INDEX_CORRUPT');
}

/** Strictly increasing (relative offset, position) pairs. */
const entriesArb = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 5000 })), {
    maxLength: 60,
  })
  .map((steps) => {
    let rel = -1;
    let pos = -1;
    return steps.map(([dr, dp]) => {
      rel += dr;
      pos += dp;
      return { offset: BASE + BigInt(rel), position: pos };
    });
  });

describe('OffsetIndex', () => {
  it('lookup returns the floor entry, or (base, 0), in memory and from the file', () => {
    const dir = tempDir();
    let n = 0;
    fc.assert(
      fc.property(entriesArb, fc.integer({ min: -5, max: 3500 }), (entries, probe) => {
        const path = join(dir, `${n++}.index`);
        const index = offsetIndex(path, true, true);
        for (const e of entries) assert.equal(index.append(e.offset, e.position), true);
        const fromFile = offsetIndex(path, false, false);
        const target = BASE + BigInt(probe);
        const floor = entries.filter((e) => e.offset <= target).at(-1) ?? {
          offset: BASE,
          position: 0,
        };
        assert.deepEqual(index.lookup(target), floor);
        assert.deepEqual(fromFile.lookup(target), floor);
        assert.equal(statSync(path).size, entries.length * 8);
        index.close();
        fromFile.close();
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('writes 8-byte big-endian (relative offset, position) entries', () => {
    const path = join(tempDir(), 'a.index');
    const index = offsetIndex(path, true, true);
    index.append(BASE + 3n, 4096);
    index.append(BASE + 0x01020304n, 0x0a0b0c0d);
    index.close();
    assert.deepEqual(
      Buffer.from(NODE_STORAGE_FS.readFileSync(path)!),
      Buffer.from([0, 0, 0, 3, 0, 0, 0x10, 0, 1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d]),
    );
  });

  it('rejects entries that do not increase', () => {
    const index = offsetIndex(join(tempDir(), 'b.index'), true, true);
    index.append(BASE + 5n, 100);
    assert.throws(() => index.append(BASE + 5n, 200), isIndexCorrupt);
    assert.throws(() => index.append(BASE + 6n, 100), isIndexCorrupt);
    assert.throws(() => index.append(BASE - 1n, 300), isIndexCorrupt);
    index.close();
  });

  it('is full at segment.index.bytes / 8 entries and then refuses to append', () => {
    const index = offsetIndex(join(tempDir(), 'c.index'), true, true, 8 * 3 + 7);
    assert.equal(index.maxEntries, 3);
    for (let i = 1; i <= 3; i++) {
      assert.equal(index.isFull, false);
      assert.equal(index.append(BASE + BigInt(i), i), true);
    }
    assert.equal(index.isFull, true);
    assert.equal(index.append(BASE + 10n, 10), false);
    assert.equal(index.entries, 3);
    index.close();
  });

  it('truncateTo removes the entries at or after an offset', () => {
    const path = join(tempDir(), 'd.index');
    const index = offsetIndex(path, true, true);
    for (let i = 1; i <= 5; i++) index.append(BASE + BigInt(i * 10), i * 100);
    index.truncateTo(BASE + 30n);
    assert.equal(index.entries, 2);
    assert.deepEqual(index.lastEntry(), { offset: BASE + 20n, position: 200 });
    assert.equal(statSync(path).size, 16);
    index.truncateTo(BASE);
    assert.equal(index.entries, 0);
    assert.deepEqual(index.lastEntry(), { offset: BASE, position: 0 });
    index.close();
  });

  it('sanity check rejects torn, unordered and out-of-log entries', () => {
    const dir = tempDir();
    const cases: Array<[string, Buffer, number]> = [
      ['torn', Buffer.alloc(12), 1000],
      [
        'offsets not increasing',
        Buffer.from([0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 9]),
        1000,
      ],
      [
        'positions not increasing',
        Buffer.from([0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 2, 0, 0, 0, 9]),
        1000,
      ],
      ['position past the log', Buffer.from([0, 0, 0, 1, 0, 0, 0, 9]), 9],
    ];
    for (const [name, bytes, logSize] of cases) {
      const path = join(dir, `${name}.index`);
      writeFileSync(path, bytes);
      const index = offsetIndex(path, false, false);
      assert.throws(() => index.sanityCheck(logSize), isIndexCorrupt, name);
      index.close();
    }
    const path = join(dir, 'good.index');
    writeFileSync(path, Buffer.from([0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 2, 0, 0, 0, 10]));
    offsetIndex(path, false, false).sanityCheck(11);
  });
});

describe('TimeIndex', () => {
  it('appends only growing timestamps and looks up the floor and the first entry at or after', () => {
    const dir = tempDir();
    let n = 0;
    const stepsArb = fc.array(
      fc.tuple(fc.integer({ min: -20, max: 100 }), fc.integer({ min: 0, max: 20 })),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(stepsArb, fc.integer({ min: 900, max: 5000 }), (steps, probe) => {
        const path = join(dir, `${n++}.timeindex`);
        const index = timeIndex(path, true, true);
        const model: Array<{ timestamp: bigint; offset: bigint }> = [];
        let ts = 1000n;
        let offset = BASE;
        for (const [dt, doff] of steps) {
          ts += BigInt(dt);
          offset += BigInt(doff);
          const wrote = index.maybeAppend(ts, offset);
          const expected = model.length === 0 || ts > model.at(-1)!.timestamp;
          assert.equal(wrote, expected);
          if (expected) model.push({ timestamp: ts, offset });
        }
        const target = BigInt(probe);
        const floor = model.filter((e) => e.timestamp <= target).at(-1) ?? {
          timestamp: -1n,
          offset: BASE,
        };
        const ceiling = model.find((e) => e.timestamp >= target) ?? null;
        const fromFile = timeIndex(path, false, false);
        for (const idx of [index, fromFile]) {
          assert.deepEqual(idx.lookup(target), floor);
          assert.deepEqual(idx.firstEntryAtOrAfter(target), ceiling);
        }
        fromFile.sanityCheck();
        index.close();
        fromFile.close();
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('writes 12-byte (timestamp int64, relative offset int32) entries', () => {
    const path = join(tempDir(), 'a.timeindex');
    const index = timeIndex(path, true, true);
    index.maybeAppend(0x0102030405n, BASE + 7n);
    index.close();
    assert.deepEqual(
      Buffer.from(NODE_STORAGE_FS.readFileSync(path)!),
      Buffer.from([0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0, 7]),
    );
  });

  it('refuses offsets going back, respects the full mark unless told to skip it', () => {
    const index = timeIndex(join(tempDir(), 'b.timeindex'), true, true, 24);
    assert.equal(index.maybeAppend(10n, BASE + 5n), true);
    assert.throws(() => index.maybeAppend(20n, BASE + 4n), isIndexCorrupt);
    assert.equal(index.maybeAppend(20n, BASE + 6n), true);
    assert.equal(index.isFull, true);
    assert.equal(index.maybeAppend(30n, BASE + 7n), false);
    assert.equal(index.maybeAppend(30n, BASE + 7n, true), true);
    index.truncateTo(BASE + 6n);
    assert.deepEqual(index.lastEntry(), { timestamp: 10n, offset: BASE + 5n });
    index.close();
  });

  it('sanity check rejects torn and unordered files', () => {
    const dir = tempDir();
    const entry = (ts: number, rel: number): Buffer => {
      const b = Buffer.alloc(12);
      b.writeBigInt64BE(BigInt(ts), 0);
      b.writeInt32BE(rel, 8);
      return b;
    };
    const cases: Array<[string, Buffer]> = [
      ['torn', Buffer.alloc(13)],
      ['timestamps not increasing', Buffer.concat([entry(5, 1), entry(5, 2)])],
      ['offsets decreasing', Buffer.concat([entry(5, 2), entry(6, 1)])],
    ];
    for (const [name, bytes] of cases) {
      const path = join(dir, `${name}.timeindex`);
      writeFileSync(path, bytes);
      const index = timeIndex(path, false, false);
      assert.throws(() => index.sanityCheck(), isIndexCorrupt, name);
      index.close();
    }
  });
});
