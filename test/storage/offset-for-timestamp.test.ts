// ListOffsets against a multi-segment log: the time index narrows the search, the answer is the
// first record at or after the timestamp (inside compressed batches too), MAX_TIMESTAMP finds
// the record carrying the largest timestamp, and answers respect the high watermark and the log
// start offset.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CompressionType } from '../../src/protocol/compression/index.js';
import { buildRecordBatch } from '../../src/protocol/records/index.js';
import { ListOffsetsTimestamp } from '../../src/storage/partition-log.js';
import { ManualClock, openLog, tempDir } from './helpers.js';

const RUNS = Number(process.env.SAMSA_PROPERTY_RUNS ?? 25);

function timed(
  timestamps: readonly bigint[],
  compression: CompressionType = CompressionType.none,
): Buffer {
  return buildRecordBatch({
    compression,
    records: timestamps.map((timestamp, i) => ({ value: Buffer.from(`v${i}`), timestamp })),
  });
}

describe('offsetForTimestamp', () => {
  it('returns the first record at or after the timestamp, across segments and index entries', async () => {
    const dir = tempDir();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 10_100 }), { minLength: 1, maxLength: 10 }),
        async (batches, compressed, probes) => {
          const log = openLog(`${dir}/${n++}/orders-0`, new ManualClock(), {
            segmentBytes: 600,
            indexIntervalBytes: 150,
          });
          const all: bigint[] = [];
          for (const ts of batches) {
            const stamps = ts.map(BigInt);
            const codec = compressed ? CompressionType.gzip : CompressionType.none;
            await log.appendAsLeader(timed(stamps, codec), { leaderEpoch: 3 });
            all.push(...stamps);
          }
          for (const probe of probes) {
            const target = BigInt(probe);
            // Kafka's rule: the first segment whose largest timestamp reaches the target, then
            // the first record there at or after it.
            const found = await log.offsetForTimestamp(target);
            const firstBatchIdx = batches.findIndex((b) => b.some((t) => BigInt(t) >= target));
            if (firstBatchIdx === -1) {
              assert.equal(found, null);
              continue;
            }
            assert.notEqual(found, null, `probe ${probe}`);
            assert.ok(found!.timestamp >= target);
            assert.equal(all[Number(found!.offset)], found!.timestamp);
            assert.equal(found!.leaderEpoch, 3);
            // No earlier record in the same segment qualifies.
            const earlier = all.slice(0, Number(found!.offset)).findIndex((t) => t >= target);
            if (earlier !== -1) {
              const bases = log.segmentBaseOffsets;
              const segOf = (o: number): bigint => bases.filter((b) => b <= BigInt(o)).at(-1)!;
              assert.notEqual(segOf(earlier), segOf(Number(found!.offset)));
            }
          }
          await log.close();
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('finds the largest timestamp inside a compressed batch for MAX_TIMESTAMP', async () => {
    const log = openLog(`${tempDir()}/orders-0`, new ManualClock());
    await log.appendAsLeader(timed([10n, 20n]), { leaderEpoch: 1 });
    await log.appendAsLeader(timed([30n, 99n, 40n], CompressionType.zstd), { leaderEpoch: 2 });
    await log.appendAsLeader(timed([50n]), { leaderEpoch: 2 });
    const max = await log.offsetForTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP);
    assert.deepEqual(max, { timestamp: 99n, offset: 3n, leaderEpoch: 2 });
    await log.close();
  });

  it('gives LogAppendTime batches the broker time', async () => {
    const clock = new ManualClock(5_000);
    const log = openLog(`${tempDir()}/orders-0`, clock, { messageTimestampType: 'LogAppendTime' });
    await log.appendAsLeader(timed([1n, 2n]), { leaderEpoch: 0 });
    clock.set(9_000);
    await log.appendAsLeader(timed([3n]), { leaderEpoch: 0 });
    assert.deepEqual(await log.offsetForTimestamp(6_000n), {
      timestamp: 9_000n,
      offset: 2n,
      leaderEpoch: 0,
    });
    assert.deepEqual(await log.offsetForTimestamp(0n), {
      timestamp: 5_000n,
      offset: 0n,
      leaderEpoch: 0,
    });
    await log.close();
  });

  it('treats offsets at or past the high watermark as not found, and starts at the log start', async () => {
    const log = openLog(`${tempDir()}/orders-0`, new ManualClock());
    for (const ts of [100n, 200n, 300n, 400n])
      await log.appendAsLeader(timed([ts]), { leaderEpoch: 0 });
    log.updateHighWatermark(2n);
    assert.equal(await log.offsetForTimestamp(250n), null);
    assert.equal((await log.offsetForTimestamp(250n, { isolation: 'log_end' }))?.offset, 2n);
    assert.equal((await log.offsetForTimestamp(ListOffsetsTimestamp.LATEST))?.offset, 2n);
    assert.equal(await log.offsetForTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP), null);
    log.updateHighWatermark(4n);
    await log.deleteRecordsBefore(1n);
    assert.deepEqual(await log.offsetForTimestamp(50n), {
      timestamp: 200n,
      offset: 1n,
      leaderEpoch: 0,
    });
    assert.deepEqual(await log.offsetForTimestamp(ListOffsetsTimestamp.EARLIEST), {
      timestamp: -1n,
      offset: 1n,
      leaderEpoch: 0,
    });
    assert.deepEqual(await log.offsetForTimestamp(ListOffsetsTimestamp.LATEST_TIERED), {
      timestamp: -1n,
      offset: -1n,
      leaderEpoch: -1,
    });
    await log.close();
  });
});
