// Retention with an injected clock: retention.ms against each segment's largest timestamp,
// retention.bytes with Kafka's arithmetic, the log start offset moved by DeleteRecords, the
// high watermark guard, and the active segment rules.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KafkaError } from '../../src/errors/kafka-error.js';
import { offsetFileStem } from '../../src/storage/file-names.js';
import { ListOffsetsTimestamp } from '../../src/storage/partition-log.js';
import { ManualClock, batch, openLog, readAllBatches, tempDir } from './helpers.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_700_000_000_000;

/** A log whose segments hold one batch each, batch i stamped `ages[i]` days before NOW. */
async function logWithAges(ages: readonly number[], config = {}) {
  const clock = new ManualClock(NOW);
  const dir = `${tempDir()}/orders-0`;
  const size = batch().length;
  const log = openLog(dir, clock, { segmentBytes: size, retentionMs: 7 * DAY, ...config });
  for (const [i, age] of ages.entries()) {
    const timestamp = BigInt(NOW - age * DAY);
    await log.appendAsLeader(batch({ timestamp, tag: `b${i}` }), { leaderEpoch: i });
  }
  return { log, clock, dir, size };
}

describe('retention', () => {
  it('deletes the oldest segments whose newest record is older than retention.ms', async () => {
    const { log, dir } = await logWithAges([10, 9, 8, 1, 0]);
    assert.deepEqual(log.segmentBaseOffsets, [0n, 1n, 2n, 3n, 4n]);
    assert.equal(log.deleteOldSegments(NOW), 3);
    assert.deepEqual(log.segmentBaseOffsets, [3n, 4n]);
    assert.equal(log.logStartOffset, 3n);
    assert.equal(existsSync(join(dir, `${offsetFileStem(0n)}.log`)), false);
    assert.equal(existsSync(join(dir, `${offsetFileStem(0n)}.index`)), false);
    await assert.rejects(log.read(1n, { maxBytes: 100 }), (e: unknown) => {
      return e instanceof KafkaError && e.errorName === 'OFFSET_OUT_OF_RANGE';
    });
    const earliest = await log.offsetForTimestamp(ListOffsetsTimestamp.EARLIEST);
    assert.deepEqual(earliest, { timestamp: -1n, offset: 3n, leaderEpoch: 3 });
    await log.close();
  });

  it('stops at the first segment it keeps, even if later ones are older', async () => {
    const { log } = await logWithAges([10, 1, 10, 0]);
    assert.equal(log.deleteOldSegments(NOW), 1);
    assert.deepEqual(log.segmentBaseOffsets, [1n, 2n, 3n]);
    await log.close();
  });

  it('rolls and deletes an expired active segment, never an empty one', async () => {
    const { log } = await logWithAges([10, 9]);
    assert.equal(log.deleteOldSegments(NOW), 2);
    assert.deepEqual(log.segmentBaseOffsets, [2n]);
    assert.equal(log.logStartOffset, 2n);
    assert.equal(log.logEndOffset, 2n);
    assert.equal(log.deleteOldSegments(NOW + 100 * DAY), 0);
    const next = await log.appendAsLeader(batch({ timestamp: BigInt(NOW) }), { leaderEpoch: 5 });
    assert.equal(next.firstOffset, 2n);
    await log.close();
  });

  it('keeps everything with retention.ms=-1 or a compact-only policy', async () => {
    for (const config of [
      { retentionMs: -1 },
      { cleanupPolicy: { delete: false, compact: true } },
    ]) {
      const { log } = await logWithAges([30, 20, 10], config);
      assert.equal(log.deleteOldSegments(NOW), 0);
      await log.close();
    }
  });

  it('deletes whole oldest segments while the log stays at or above retention.bytes', async () => {
    const probe = await logWithAges([0]);
    const size = probe.size;
    await probe.log.close();
    const { log } = await logWithAges(Array(10).fill(0), {
      retentionBytes: Math.floor(size * 3.5),
    });
    assert.equal(log.size, size * 10);
    assert.equal(log.deleteOldSegments(NOW), 6);
    assert.equal(log.size, size * 4);
    assert.equal(log.logStartOffset, 6n);
    assert.equal(log.deleteOldSegments(NOW), 0);
    await log.close();
  });

  it('never deletes data the high watermark has not passed', async () => {
    const { log } = await logWithAges([10, 10, 10, 10]);
    log.updateHighWatermark(2n);
    assert.equal(log.deleteOldSegments(NOW), 2);
    assert.deepEqual(log.segmentBaseOffsets, [2n, 3n]);
    await log.close();
  });

  it('deletes segments wholly below a DeleteRecords log start offset, whatever the policy', async () => {
    const { log } = await logWithAges([0, 0, 0, 0], {
      cleanupPolicy: { delete: false, compact: true },
    });
    await log.deleteRecordsBefore(2n);
    assert.equal(log.deleteOldSegments(NOW), 2);
    assert.deepEqual(log.segmentBaseOffsets, [2n, 3n]);
    assert.deepEqual(
      (await readAllBatches(log)).map((b) => b.baseOffset),
      [2n, 3n],
    );
    await log.close();
  });
});
