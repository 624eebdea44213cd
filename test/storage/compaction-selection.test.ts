// When the cleaner cleans what: the dirty ratio against min.cleanable.dirty.ratio (strictly above,
// as Kafka compares), min.compaction.lag.ms holding young segments back, max.compaction.lag.ms
// forcing old dirty data through, the filthiest log first, checkpoint resets, a bounded offset
// map cleaning in several passes; and the pure pieces (grouping, the offset map, batch filtering).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompressionType } from '../../src/protocol/compression/index.js';
import {
  RecordBatch,
  buildEndTransactionMarkerBatch,
  ControlRecordType,
} from '../../src/protocol/records/index.js';
import { filterBatch, type CleanerFilterContext } from '../../src/storage/cleaner-filter.js';
import { OffsetMap } from '../../src/storage/cleaner-offset-map.js';
import { groupSegmentsBySize } from '../../src/storage/cleaner-pass.js';
import {
  LogToClean,
  cleanableOffsets,
  maxCompactionDelay,
  type CleanableLogView,
} from '../../src/storage/cleaner-selection.js';
import { LogCleaner } from '../../src/storage/log-cleaner.js';
import type { LogSegment } from '../../src/storage/log-segment.js';
import { NODE_STORAGE_FS } from '../../src/storage/storage-fs.js';
import {
  DAY,
  Model,
  allRecords,
  appendKeyed,
  assertCompactedFaithfully,
  compactedConfig,
  keyedBatch,
  openCompactedLog,
  type KeyedRecord,
} from './compaction-helpers.js';
import { ManualClock, tempDir } from './helpers.js';

const NOW = 1_700_000_000_000;
const HOUR = 60 * 60 * 1000;

function rounds(n: number, from = 0, keys = 4): KeyedRecord[][] {
  return Array.from({ length: n }, (_, i) => [
    { key: `k${(from + i) % keys}`, value: `v${from + i}-`.padEnd(60, '#') },
  ]);
}

/** A stand-in segment for the pure functions: only what they read. */
function fakeSegment(
  baseOffset: bigint,
  size: number,
  extra: Partial<LogSegment> = {},
): LogSegment {
  return {
    baseOffset,
    size,
    nextOffset: baseOffset + 10n,
    largestTimestamp: 0n,
    firstBatchTimestamp: null,
    offsetIndex: { sizeInBytes: 8 },
    timeIndex: { sizeInBytes: 12 },
    ...extra,
  } as unknown as LogSegment;
}

function view(segments: LogSegment[], config = {}): CleanableLogView {
  const active = segments.at(-1)!;
  return {
    segments,
    logStartOffset: segments[0]!.baseOffset,
    logEndOffset: active.baseOffset,
    lastStableOffset: active.baseOffset,
    config: compactedConfig(config),
  };
}

describe('choosing what to clean', () => {
  it('measures the dirty ratio in whole segments and needs it strictly above the minimum', () => {
    const segments = [fakeSegment(0n, 100), fakeSegment(10n, 100), fakeSegment(20n, 0)];
    const log = view(segments, { minCleanableDirtyRatio: 0.5 });
    const offsets = cleanableOffsets(log, 10n, NOW);
    assert.deepEqual(offsets, {
      firstDirtyOffset: 10n,
      firstUncleanableDirtyOffset: 20n,
      forceUpdateCheckpoint: false,
    });
    const toClean = new LogToClean(log, offsets, false);
    assert.equal(toClean.cleanBytes, 100);
    assert.equal(toClean.cleanableBytes, 100);
    assert.equal(toClean.cleanableRatio, 0.5);
    // A checkpoint inside a segment counts that segment on both sides, as Kafka does.
    const mid = new LogToClean(log, cleanableOffsets(log, 15n, NOW), false);
    assert.equal(mid.cleanBytes + mid.cleanableBytes, 300);
  });

  it('resets a checkpoint below the log start or past the log end', () => {
    const segments = [fakeSegment(5n, 100), fakeSegment(10n, 100), fakeSegment(20n, 0)];
    const log = view(segments);
    assert.deepEqual(cleanableOffsets(log, 2n, NOW), {
      firstDirtyOffset: 5n,
      firstUncleanableDirtyOffset: 20n,
      forceUpdateCheckpoint: true,
    });
    assert.equal(cleanableOffsets(log, 99n, NOW).firstDirtyOffset, 5n);
    assert.equal(cleanableOffsets(log, undefined, NOW).forceUpdateCheckpoint, false);
  });

  it('holds back segments younger than min.compaction.lag.ms and forces max.compaction.lag.ms', () => {
    const segments = [
      fakeSegment(0n, 100, {
        largestTimestamp: BigInt(NOW - 3 * HOUR),
        firstBatchTimestamp: BigInt(NOW - 4 * HOUR),
      }),
      fakeSegment(10n, 100, {
        largestTimestamp: BigInt(NOW - HOUR / 2),
        firstBatchTimestamp: BigInt(NOW - HOUR),
      }),
      fakeSegment(20n, 0),
    ];
    const lagged = view(segments, { minCompactionLagMs: HOUR });
    assert.equal(cleanableOffsets(lagged, undefined, NOW).firstUncleanableDirtyOffset, 10n);
    assert.equal(cleanableOffsets(lagged, undefined, NOW + HOUR).firstUncleanableDirtyOffset, 20n);
    const forced = view(segments, { maxCompactionLagMs: 2 * HOUR });
    assert.equal(maxCompactionDelay(forced, 0n, NOW), 2 * HOUR);
    assert.equal(maxCompactionDelay(forced, 10n, NOW), 0);
    assert.equal(maxCompactionDelay(view(segments), 0n, NOW), 0, 'Infinity: never');
  });

  it('cleans a real log only once its dirty share passes min.cleanable.dirty.ratio', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner } = openCompactedLog(clock, { minCleanableDirtyRatio: 0.5 });
    await appendKeyed(log, rounds(60));
    assert.ok((await cleaner.cleanFilthiestLog(clock.now())) !== null, 'all dirty: ratio 1');
    const cleanSize = log.size - log.segments.at(-1)!.size;
    // A little more dirty data: below the ratio.
    while (log.segments.length < 4) await appendKeyed(log, rounds(2, log.size));
    const small = cleaner.grabFilthiestCompactedLog(clock.now());
    assert.equal(small, null);
    while (log.segments.slice(0, -1).reduce((n, s) => n + s.size, 0) <= 2.2 * cleanSize) {
      await appendKeyed(log, rounds(4, 100));
    }
    const due = cleaner.grabFilthiestCompactedLog(clock.now());
    assert.ok(due !== null && due.toClean.cleanableRatio > 0.5);
    await log.close();
  });

  it('cleans data older than max.compaction.lag.ms whatever the ratio', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner } = openCompactedLog(clock, {
      minCleanableDirtyRatio: 1,
      maxCompactionLagMs: DAY,
    });
    await appendKeyed(log, rounds(30), { timestamp: BigInt(NOW - HOUR) });
    assert.equal(await cleaner.cleanFilthiestLog(clock.now()), null, 'not old enough yet');
    clock.advance(DAY);
    const result = await cleaner.cleanFilthiestLog(clock.now());
    assert.ok(result !== null && result.completed);
    await log.close();
  });

  it('leaves segments younger than min.compaction.lag.ms untouched', async () => {
    const clock = new ManualClock(NOW);
    const { log, cleaner } = openCompactedLog(clock, { minCompactionLagMs: HOUR });
    await appendKeyed(log, rounds(24), { timestamp: BigInt(NOW - 2 * HOUR) });
    const oldEnd = log.logEndOffset;
    await appendKeyed(log, rounds(24, 24), { timestamp: BigInt(NOW - 10) });
    const model = new Model();
    model.add(await allRecords(log));
    const young = log.segments.find((s) => s.largestTimestamp > BigInt(NOW - HOUR))!;
    assert.ok(young.baseOffset <= oldEnd);
    const result = await cleaner.cleanFilthiestLog(clock.now());
    assert.ok(result !== null && result.endOffset <= young.baseOffset);
    const records = await assertCompactedFaithfully(log, model);
    const kept = records.filter((r) => r.offset >= young.baseOffset).length;
    assert.equal(kept, [...model.byOffset.keys()].filter((o) => o >= young.baseOffset).length);
    await log.close();
  });

  it('picks the filthiest of several logs', async () => {
    const clock = new ManualClock(NOW);
    const a = openCompactedLog(clock);
    const b = openCompactedLog(clock);
    await appendKeyed(a.log, rounds(40));
    await appendKeyed(b.log, rounds(40));
    await a.cleaner.cleanFilthiestLog(clock.now()); // a is now mostly clean
    await appendKeyed(a.log, rounds(12));
    const both = new LogCleaner(
      () => [
        { log: a.log, logDir: a.logDir },
        { log: b.log, logDir: b.logDir },
      ],
      { fs: NODE_STORAGE_FS, clock },
    );
    const chosen = both.grabFilthiestCompactedLog(clock.now());
    assert.equal(chosen?.toClean.log, b.log);
    await a.log.close();
    await b.log.close();
  });

  it('cleans in several passes when the offset map fills, never losing a latest value', async () => {
    const clock = new ManualClock(NOW);
    const logDir = tempDir();
    const { log } = openCompactedLog(clock, {}, { logDir });
    for (let i = 0; i < 80; i++) {
      await appendKeyed(log, [[{ key: `key-${i % 20}`, value: `v${i}`.padEnd(40, '.') }]]);
    }
    const model = new Model();
    model.add(await allRecords(log));
    const small = new LogCleaner(() => [{ log, logDir }], {
      fs: NODE_STORAGE_FS,
      clock,
      dedupeBufferBytes: 6 * (6 + 96),
    });
    const first = await small.cleanFilthiestLog(clock.now());
    const dirtyEnd = log.segments.at(-1)!.baseOffset;
    assert.ok(first !== null && first.endOffset < dirtyEnd, 'the first pass stops early');
    assert.equal(first.stats.keysMapped, 6);
    await assertCompactedFaithfully(log, model);
    let passes = 1;
    while ((small.checkpoint(log.topicPartition, logDir) ?? 0n) < dirtyEnd && passes < 40) {
      const next = await small.cleanFilthiestLog(clock.now());
      assert.ok(next !== null);
      passes++;
      await assertCompactedFaithfully(log, model);
    }
    assert.ok(passes > 2);
    await log.close();
  });
});

describe('cleaner building blocks', () => {
  it('groups consecutive segments within segment.bytes, the index size and an int32 range', () => {
    const segs = [0n, 10n, 20n, 30n, 40n].map((b) => fakeSegment(b, 300));
    assert.deepEqual(
      groupSegmentsBySize(segs, 700, 1000, 50n).map((g) => g.map((s) => s.baseOffset)),
      [[0n, 10n], [20n, 30n], [40n]],
    );
    assert.deepEqual(
      groupSegmentsBySize(segs, 10_000, 24, 50n).map((g) => g.length),
      [2, 2, 1],
      'index bytes bound a group too',
    );
    const far = [fakeSegment(0n, 1), fakeSegment(0x7fff_fff0n, 1), fakeSegment(0x8000_0100n, 1)];
    assert.deepEqual(
      groupSegmentsBySize(far, 10_000, 10_000, 0x8000_0200n).map((g) => g.length),
      [1, 2],
    );
  });

  it('maps keys by their exact bytes within a memory budget', () => {
    const map = new OffsetMap(3 * (2 + 96), 10n);
    assert.equal(map.latestOffset, 9n);
    assert.equal(map.put(Buffer.from([0x61, 0xe9]), 10n), true);
    assert.equal(map.put(Buffer.from([0x61, 0xc3]), 11n), true);
    assert.equal(map.put(Buffer.from([0x61, 0xe9]), 12n), true, 'an update costs nothing');
    assert.equal(map.get(Buffer.from([0x61, 0xe9])), 12n);
    assert.equal(map.get(Buffer.from([0x61, 0xc3])), 11n);
    assert.equal(map.get(Buffer.from('ab')), -1n);
    assert.equal(map.put(Buffer.from('zz'), 13n), true);
    assert.equal(map.put(Buffer.from('yy'), 14n), false, 'full');
    assert.equal(map.size, 3);
  });

  function ctx(entries: Array<[string, bigint]>, latest: bigint, now = NOW): CleanerFilterContext {
    const map = new OffsetMap(1 << 20, 0n);
    for (const [k, o] of entries) map.put(Buffer.from(k), o);
    map.updateLatestOffset(latest);
    return { map, now, deleteRetentionMs: DAY, lastRecordsOfActiveProducers: new Map() };
  }

  function stored(buf: Buffer, baseOffset: bigint): RecordBatch {
    buf.writeBigInt64BE(baseOffset, 0);
    return new RecordBatch(buf);
  }

  it('rebuilds a batch keeping offsets, timestamps and codec, and stamps a delete horizon once', () => {
    const batch = stored(
      keyedBatch(
        [
          { key: 'a', value: 'old' },
          { key: 'b', value: null },
          { key: 'c', value: 'kept' },
        ],
        { compression: CompressionType.lz4, timestamp: BigInt(NOW - 500) },
      ),
      100n,
    );
    const first = filterBatch(
      batch,
      ctx(
        [
          ['a', 200n],
          ['b', 101n],
        ],
        300n,
      ),
      false,
    )!;
    const rebuilt = new RecordBatch(first.bytes);
    assert.equal(rebuilt.baseOffset, 100n);
    assert.equal(rebuilt.lastOffset, 102n);
    assert.equal(rebuilt.compression, CompressionType.lz4);
    assert.equal(rebuilt.hasDeleteHorizon, true);
    assert.equal(rebuilt.baseTimestamp, BigInt(NOW + DAY));
    assert.equal(first.tombstoneHorizon, BigInt(NOW + DAY));
    assert.deepEqual(
      [...rebuilt.records()].map((r) => [
        r.offset,
        r.key?.toString(),
        r.value?.toString() ?? null,
        r.timestamp,
      ]),
      [
        [101n, 'b', null, BigInt(NOW - 499)],
        [102n, 'c', 'kept', BigInt(NOW - 498)],
      ],
    );
    // Seen again before the horizon: copied as is; at the horizon the tombstone goes.
    const again = filterBatch(rebuilt, ctx([['b', 101n]], 300n, NOW + DAY - 1), false)!;
    assert.equal(again.bytes, rebuilt.buffer);
    const expired = filterBatch(rebuilt, ctx([['b', 101n]], 300n, NOW + DAY), false)!;
    assert.deepEqual(
      [...new RecordBatch(expired.bytes).records()].map((r) => r.key?.toString()),
      ['c'],
    );
    assert.equal(expired.tombstoneHorizon, null);
  });

  it('keeps records past the mapped offsets, control batches whole, and empty headers on demand', () => {
    const batch = stored(keyedBatch([{ key: 'a', value: 'x' }]), 50n);
    assert.equal(filterBatch(batch, ctx([['a', 60n]], 40n), false)?.bytes, batch.buffer);
    assert.equal(filterBatch(batch, ctx([['a', 60n]], 70n), false), null);
    const empty = filterBatch(batch, ctx([['a', 60n]], 70n), true)!;
    const header = new RecordBatch(empty.bytes);
    assert.equal(header.recordCount, 0);
    assert.equal(header.baseOffset, 50n);
    assert.equal(header.lastOffset, 50n);
    const marker = stored(
      buildEndTransactionMarkerBatch({
        type: ControlRecordType.COMMIT,
        producerId: 3n,
        producerEpoch: 0,
        coordinatorEpoch: 1,
        timestamp: BigInt(NOW),
      }),
      51n,
    );
    assert.equal(filterBatch(marker, ctx([], 70n), false)?.bytes, marker.buffer);
    const producer = stored(
      keyedBatch([{ key: 'a', value: 'x' }], { producerId: 3n, producerEpoch: 1, baseSequence: 4 }),
      52n,
    );
    const active = ctx([['a', 60n]], 70n);
    const withProducer = {
      ...active,
      lastRecordsOfActiveProducers: new Map([[3n, { lastDataOffset: 52n, producerEpoch: 1 }]]),
    };
    const kept = new RecordBatch(filterBatch(producer, withProducer, false)!.bytes);
    assert.equal(kept.recordCount, 0);
    assert.equal(kept.producerId, 3n);
    assert.equal(kept.baseSequence, 4);
  });

  it('drops aborted batches whole and removes markers no longer needed after their horizon', () => {
    const aborted = stored(
      keyedBatch([{ key: 'a', value: 'x' }], { producerId: 8n, producerEpoch: 0, baseSequence: 0 }),
      60n,
    );
    // Latest for its key, yet it goes: its transaction was aborted.
    assert.equal(filterBatch(aborted, ctx([['a', 60n]], 70n), false, true), null);
    const header = new RecordBatch(filterBatch(aborted, ctx([['a', 60n]], 70n), true, true)!.bytes);
    assert.deepEqual([header.recordCount, header.baseOffset, header.producerId], [0, 60n, 8n]);
    const marker = stored(
      buildEndTransactionMarkerBatch({
        type: ControlRecordType.ABORT,
        producerId: 8n,
        producerEpoch: 0,
        coordinatorEpoch: 1,
        timestamp: BigInt(NOW),
      }),
      61n,
    );
    // Needed (its transaction's batches are still there): kept as it is.
    assert.equal(filterBatch(marker, ctx([], 70n), false, false)?.bytes, marker.buffer);
    // No longer needed: first a delete horizon...
    const first = filterBatch(marker, ctx([], 70n), false, true)!;
    const withHorizon = new RecordBatch(first.bytes);
    assert.equal(withHorizon.hasDeleteHorizon, true);
    assert.equal(withHorizon.baseTimestamp, BigInt(NOW + DAY));
    assert.equal(first.tombstoneHorizon, BigInt(NOW + DAY));
    assert.equal(withHorizon.isControl && withHorizon.isTransactional, true);
    assert.equal([...withHorizon.records()].length, 1);
    // ...kept until it passes, then dropped (or left as an empty header when it must stay).
    const stamped = stored(Buffer.from(first.bytes), 61n);
    assert.equal(
      filterBatch(stamped, ctx([], 70n, NOW + DAY - 1), false, true)?.bytes,
      stamped.buffer,
    );
    assert.equal(filterBatch(stamped, ctx([], 70n, NOW + DAY), false, true), null);
    const kept = filterBatch(stamped, ctx([], 70n, NOW + DAY), true, true)!;
    assert.equal(new RecordBatch(kept.bytes).recordCount, 0);
  });
});
