// Producer state across restarts, truncation, retention and time: snapshots (`<offset>.snapshot`)
// written on roll and clean close, header replay after a crash (kill -9 is simulated by copying
// an open log's files), fallback when a snapshot is corrupt, truncateTo rebuilding the state,
// retention deleting snapshots with their segments while keeping producers, and
// producer.id.expiration.ms.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { offsetFileStem } from '../../src/storage/file-names.js';
import { LogManager } from '../../src/storage/log-manager.js';
import {
  decodeProducerSnapshot,
  encodeProducerSnapshot,
} from '../../src/storage/producer-snapshot-file.js';
import { ProducerStateEntry } from '../../src/storage/producer-state-entry.js';
import type { UnifiedLog } from '../../src/storage/unified-log.js';
import { logConfig } from '../../src/storage/log-config.js';
import { ManualClock, TP, crashCopy, openLog, tempDir } from './helpers.js';
import { append, appendDuplicate, appendRefused, producerBatch } from './producer-state-helpers.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function snapshots(dir: string): bigint[] {
  return readdirSync(dir)
    .filter((n) => /^\d{20}\.snapshot$/.test(n))
    .map((n) => BigInt(n.slice(0, 20)))
    .sort((a, b) => (a < b ? -1 : 1));
}

/** Appends producer 7's batches seq..seq+n-1 (one record each); returns their offsets. */
async function produce(log: UnifiedLog, from: number, n: number, pid = 7n): Promise<bigint[]> {
  const offsets: bigint[] = [];
  for (let seq = from; seq < from + n; seq++) {
    offsets.push(
      (await append(log, producerBatch({ pid, seq, tag: `p${pid}-${seq}` }))).firstOffset,
    );
  }
  return offsets;
}

/** The state the log gives producer 7 after batches 0..n-1: last five retried, next in order. */
async function expectProducer7(log: UnifiedLog, n: number, offsets: bigint[]): Promise<void> {
  for (let seq = Math.max(0, n - 5); seq < n; seq++) {
    const o = offsets[seq]!;
    await appendDuplicate(log, producerBatch({ seq, tag: `p7-${seq}` }), o, o);
  }
  await appendRefused(log, producerBatch({ seq: n + 1 }), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
}

describe('producer state persistence and recovery', () => {
  it('survives a clean restart through the snapshot written at the log end', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock());
    const offsets = await produce(log, 0, 8);
    await log.close();
    assert.deepEqual(snapshots(dir), [8n]);
    const reopened = openLog(dir, new ManualClock(), {}, { hadCleanShutdown: true });
    // All five cached batches came back (Kafka's own snapshot keeps only the last one).
    assert.equal(reopened.producerState.lastEntry(7n)?.batches.length, 5);
    assert.equal(reopened.producerState.mapEndOffset, 8n);
    await expectProducer7(reopened, 8, offsets);
    await append(reopened, producerBatch({ seq: 8 }));
    await reopened.close();
  });

  it('takes a snapshot at each rolled segment base offset', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock(), { segmentBytes: 400 });
    await produce(log, 0, 12);
    const bases = log.segmentBaseOffsets;
    assert.ok(bases.length >= 3, `rolled into ${bases.length} segments`);
    assert.deepEqual(snapshots(dir), bases.slice(1));
    await log.close();
  });

  it('rebuilds after kill -9 by replaying batch headers after the last roll snapshot', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock(), { segmentBytes: 400 });
    const offsets = await produce(log, 0, 10);
    await produce(log, 0, 3, 9n); // a second producer
    offsets.push(...(await produce(log, 10, 2)));
    const copy = crashCopy(dir);
    await log.close();
    const lastRoll = snapshots(copy).at(-1)!;
    assert.ok(lastRoll < log.logEndOffset, 'batches after the snapshot need replay');
    const recovered = openLog(copy, new ManualClock(), { segmentBytes: 400 });
    assert.equal(recovered.producerState.lastEntry(9n)?.lastSeq, 2);
    await expectProducer7(recovered, 12, offsets);
    // The replayed state was snapshotted at the log end, so the next start replays nothing.
    assert.equal(snapshots(copy).at(-1), recovered.logEndOffset);
    await recovered.close();
  });

  it('rebuilds from the whole log when no snapshot exists', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock());
    const offsets = await produce(log, 0, 7);
    const copy = crashCopy(dir);
    await log.close();
    assert.deepEqual(snapshots(copy), []);
    const recovered = openLog(copy, new ManualClock());
    await expectProducer7(recovered, 7, offsets);
    await recovered.close();
  });

  it('deletes a corrupt snapshot and falls back to replay', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock());
    const offsets = await produce(log, 0, 6);
    await log.close();
    const file = join(dir, `${offsetFileStem(6n)}.snapshot`);
    const bytes = readFileSync(file);
    bytes[bytes.length - 3]! ^= 0x40;
    writeFileSync(file, bytes);
    const warnings: string[] = [];
    const reopened = openLog(
      dir,
      new ManualClock(),
      {},
      {
        hadCleanShutdown: true,
        logger: { warn: (m) => warnings.push(m) },
      },
    );
    assert.match(warnings.join('\n'), /snapshot .* is corrupt: stored crc/);
    await expectProducer7(reopened, 6, offsets);
    await reopened.close();
  });

  it('removes stray snapshots on load, keeping the newest one above the last segment', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock(), { segmentBytes: 400 });
    await produce(log, 0, 12);
    await log.close();
    const bases = log.segmentBaseOffsets;
    const end = log.logEndOffset;
    const stray = encodeProducerSnapshot([]);
    writeFileSync(join(dir, `${offsetFileStem(1n)}.snapshot`), stray);
    writeFileSync(join(dir, `${offsetFileStem(end + 50n)}.snapshot`), stray);
    const reopened = openLog(
      dir,
      new ManualClock(),
      { segmentBytes: 400 },
      {
        hadCleanShutdown: true,
      },
    );
    // 1 is stray and old; end + 50 is past the log end; end (the close snapshot) stays.
    assert.deepEqual(snapshots(dir), [...bases.slice(1), end]);
    await reopened.close();
  });

  it('truncateTo forgets the truncated batches and the snapshots past the new end', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock(), { segmentBytes: 400 });
    const offsets = await produce(log, 0, 14);
    const cut = offsets[9]!;
    await log.truncateTo(cut);
    assert.equal(log.logEndOffset, cut);
    assert.ok(
      snapshots(dir).every((o) => o <= cut),
      'no snapshot describes truncated data',
    );
    await expectProducer7(log, 9, offsets);
    // Sequence 9 is free again, and lands at the truncation point.
    const again = await append(log, producerBatch({ seq: 9, tag: 'again' }));
    assert.deepEqual([again.firstOffset, again.duplicate], [cut, false]);
    await log.close();
  });

  it('truncating below the log start forgets every producer', async () => {
    const dir = tempDir();
    const log = openLog(dir, new ManualClock());
    await produce(log, 0, 3);
    await log.truncateTo(0n);
    assert.equal(log.producerState.producers.size, 0);
    await append(log, producerBatch({ seq: 57 }));
    await log.close();
    assert.deepEqual(snapshots(dir), [1n]);
  });

  it('keeps producers when retention deletes their segments, and their snapshots go too', async () => {
    const clock = new ManualClock();
    const dir = tempDir();
    const config = { segmentBytes: 400, retentionMs: DAY_MS };
    const keep = { producerIdExpirationMs: 30 * DAY_MS };
    const log = openLog(dir, clock, config, keep);
    const offsets = await produce(log, 0, 10);
    // Everything is a week old by the record timestamps: all segments go, an empty one rolls.
    clock.advance(7 * DAY_MS);
    assert.ok(log.deleteOldSegments(clock.now()) > 0);
    assert.equal(log.logStartOffset, log.logEndOffset);
    assert.deepEqual(snapshots(dir), [log.logEndOffset]);
    // The producer is still known (Kafka keeps state until producer.id.expiration.ms)...
    await appendRefused(log, producerBatch({ seq: 12 }), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    // ...and after a crash, through the snapshot retention's roll took.
    const copy = crashCopy(dir);
    await log.close();
    const recovered = openLog(copy, new ManualClock(clock.now()), config, keep);
    await expectProducer7(recovered, 10, offsets);
    await recovered.close();
  });

  it('expires idle producers after producer.id.expiration.ms', async () => {
    const clock = new ManualClock();
    const dir = tempDir();
    const log = openLog(dir, clock, {}, { producerIdExpirationMs: DAY_MS });
    await produce(log, 0, 3);
    await produce(log, 0, 1, 9n);
    assert.equal(log.removeExpiredProducers(clock.now() + DAY_MS - 1), 0);
    await append(log, producerBatch({ pid: 9n, seq: 1, timestamp: BigInt(clock.now() + DAY_MS) }));
    assert.equal(log.removeExpiredProducers(clock.now() + DAY_MS), 1);
    assert.deepEqual([...log.producerState.producers.keys()], [9n]);
    // Producer 7 is unknown now: any sequence is accepted, as after any loss of state.
    await append(log, producerBatch({ seq: 100 }));
    await log.close();
  });

  it('does not load producers from a snapshot once they have expired', async () => {
    const clock = new ManualClock();
    const dir = tempDir();
    const log = openLog(dir, clock);
    await produce(log, 0, 3);
    await log.close();
    clock.advance(DAY_MS);
    const reopened = openLog(dir, clock, {}, { hadCleanShutdown: true });
    assert.equal(reopened.producerState.producers.size, 0);
    await reopened.close();
  });

  it('LogManager.tick expires producers every producer.id.expiration.check.interval.ms', async () => {
    const clock = new ManualClock();
    const logs = await LogManager.open({
      logDirs: [tempDir()],
      clock,
      configFor: () => logConfig(),
      producerIdExpirationMs: 1_000,
      producerIdExpirationCheckIntervalMs: 10_000,
    });
    const log = logs.getOrCreateLog(TP);
    await produce(log, 0, 2);
    const start = clock.now();
    await logs.tick(start + 9_999);
    assert.equal(
      log.producerState.producers.size,
      1,
      'expired, but not checked before the interval',
    );
    await logs.tick(start + 10_000);
    assert.equal(log.producerState.producers.size, 0);
    await logs.close();
  });
});

describe('producer snapshot file', () => {
  const entries = [
    new ProducerStateEntry(7n, {
      producerEpoch: 3,
      lastTimestamp: 1_700_000_000_123n,
      batches: [
        { lastSeq: 4, lastOffset: 10n, offsetDelta: 4, timestamp: 1_700_000_000_100n },
        { lastSeq: 0, lastOffset: 13n, offsetDelta: 2, timestamp: 1_700_000_000_123n },
      ],
    }),
    new ProducerStateEntry(2n ** 62n, { producerEpoch: 32767, lastTimestamp: -1n }),
  ];

  it('round-trips every field', () => {
    const decoded = decodeProducerSnapshot(encodeProducerSnapshot(entries), 'x');
    assert.deepEqual(
      decoded.map((e) => [e.producerId, e.producerEpoch, e.lastTimestamp, e.batches]),
      entries.map((e) => [e.producerId, e.producerEpoch, e.lastTimestamp, e.batches]),
    );
    assert.deepEqual(decodeProducerSnapshot(encodeProducerSnapshot([]), 'x'), []);
  });

  it('rejects any flipped byte, a short file, trailing bytes and a Kafka snapshot', () => {
    const good = encodeProducerSnapshot(entries);
    for (let i = 0; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i]! ^= 0x01;
      assert.throws(() => decodeProducerSnapshot(bad, 'x'), {
        code: 'SAMSA_ERR_PRODUCER_SNAPSHOT_CORRUPT',
      });
    }
    for (const bad of [
      good.subarray(0, good.length - 1),
      Buffer.concat([good, Buffer.alloc(1)]),
      Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
    ]) {
      assert.throws(() => decodeProducerSnapshot(bad, 'x'), {
        code: 'SAMSA_ERR_PRODUCER_SNAPSHOT_CORRUPT',
      });
    }
  });
});
