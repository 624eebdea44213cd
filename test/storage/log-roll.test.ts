// Segment rolling: by segment.bytes, by segment.ms (measured from the first batch's timestamp,
// with per-segment jitter, or from creation when batches carry no timestamp), and when an index
// is full; the file names and the contiguity of segments.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildRecordBatch } from '../../src/protocol/records/index.js';
import { ManualClock, appendMany, batch, openLog, readAllBatches, tempDir } from './helpers.js';

function at(ts: bigint): Buffer {
  return batch({ timestamp: ts });
}

describe('segment roll', () => {
  it('rolls before a batch would push the segment past segment.bytes', async () => {
    const dir = `${tempDir()}/orders-0`;
    const size = batch().length;
    const log = openLog(dir, new ManualClock(), { segmentBytes: size * 3 });
    await appendMany(log, 10);
    assert.deepEqual(log.segmentBaseOffsets, [0n, 3n, 6n, 9n]);
    const logs = readdirSync(dir)
      .filter((n) => n.endsWith('.log'))
      .sort();
    assert.deepEqual(logs, [
      '00000000000000000000.log',
      '00000000000000000003.log',
      '00000000000000000006.log',
      '00000000000000000009.log',
    ]);
    for (const name of logs.slice(0, 3)) assert.equal(statSync(join(dir, name)).size, size * 3);
    assert.equal((await readAllBatches(log)).length, 10);
    await log.close();
  });

  it('rolls once the incoming timestamp is segment.ms past the first batch of the segment', async () => {
    const log = openLog(`${tempDir()}/orders-0`, new ManualClock(), { segmentMs: 1000 });
    const t = 1_000_000n;
    for (const ts of [t, t + 500n, t + 1000n]) await log.appendAsLeader(at(ts), { leaderEpoch: 0 });
    assert.deepEqual(log.segmentBaseOffsets, [0n]);
    await log.appendAsLeader(at(t + 1001n), { leaderEpoch: 0 });
    assert.deepEqual(log.segmentBaseOffsets, [0n, 3n]);
    await log.appendAsLeader(at(t + 1500n), { leaderEpoch: 0 });
    assert.deepEqual(log.segmentBaseOffsets, [0n, 3n]);
    await log.close();
  });

  it('takes segment.jitter.ms off segment.ms, drawn per segment', async () => {
    const t = 1_000_000n;
    const noJitter = openLog(
      `${tempDir()}/orders-0`,
      new ManualClock(),
      {
        segmentMs: 1000,
        segmentJitterMs: 500,
      },
      { random: () => 0 },
    );
    const jitter = openLog(
      `${tempDir()}/orders-0`,
      new ManualClock(),
      {
        segmentMs: 1000,
        segmentJitterMs: 500,
      },
      { random: () => 0.999 },
    );
    for (const log of [noJitter, jitter]) {
      // The first segment was loaded, not rolled: jitter applies from the first roll on.
      await log.appendAsLeader(at(t), { leaderEpoch: 0 });
      await log.appendAsLeader(at(t + 2000n), { leaderEpoch: 0 });
      await log.appendAsLeader(at(t + 2600n), { leaderEpoch: 0 });
    }
    assert.deepEqual(noJitter.segmentBaseOffsets, [0n, 1n]);
    assert.deepEqual(jitter.segmentBaseOffsets, [0n, 1n, 2n]);
    await noJitter.close();
    await jitter.close();
  });

  it('measures segment.ms from the segment creation when batches carry no timestamp', async () => {
    const clock = new ManualClock();
    const log = openLog(`${tempDir()}/orders-0`, clock, { segmentMs: 1000 });
    const untimed = (): Buffer =>
      buildRecordBatch({
        maxTimestamp: -1n,
        baseTimestamp: -1n,
        records: [{ value: Buffer.from('x') }],
      });
    await log.appendAsLeader(untimed(), { leaderEpoch: 0 });
    clock.advance(1000);
    await log.appendAsLeader(untimed(), { leaderEpoch: 0 });
    assert.deepEqual(log.segmentBaseOffsets, [0n]);
    clock.advance(1);
    await log.appendAsLeader(untimed(), { leaderEpoch: 0 });
    assert.deepEqual(log.segmentBaseOffsets, [0n, 2n]);
    await log.close();
  });

  it('never rolls an empty segment, however old', async () => {
    const clock = new ManualClock();
    const log = openLog(`${tempDir()}/orders-0`, clock, { segmentMs: 10 });
    clock.advance(1_000_000);
    await log.appendAsLeader(batch(), { leaderEpoch: 0 });
    assert.deepEqual(log.segmentBaseOffsets, [0n]);
    await log.close();
  });

  it('rolls when an index reaches segment.index.bytes', async () => {
    const dir = `${tempDir()}/orders-0`;
    const log = openLog(dir, new ManualClock(), { segmentIndexBytes: 16, indexIntervalBytes: 0 });
    // An index entry per batch after the first; 16 bytes hold one 12-byte time index entry, so
    // the second batch of a segment fills it and the third rolls.
    await appendMany(log, 9);
    assert.deepEqual(log.segmentBaseOffsets, [0n, 2n, 4n, 6n, 8n]);
    const offsetOnly = openLog(`${tempDir()}/orders-0`, new ManualClock(), {
      segmentIndexBytes: 24,
      indexIntervalBytes: 0,
    });
    // Equal batch timestamps add no time index entries after the first, so here the offset index
    // (three 8-byte entries, batches 2-4) fills first and the fifth batch rolls.
    for (let i = 0; i < 5; i++) {
      await offsetOnly.appendAsLeader(batch({ timestamp: 5n }), { leaderEpoch: 0 });
    }
    assert.deepEqual(offsetOnly.segmentBaseOffsets, [0n, 4n]);
    await offsetOnly.close();
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.index'))) {
      assert.ok(statSync(join(dir, name)).size <= 16, name);
    }
    assert.equal((await readAllBatches(log)).length, 9);
    await log.close();
  });

  it('keeps segments contiguous: each starts where the previous ended', async () => {
    const log = openLog(`${tempDir()}/orders-0`, new ManualClock(), { segmentBytes: 500 });
    for (let i = 0; i < 20; i++) {
      await log.appendAsLeader(batch({ count: 1 + (i % 4), valueBytes: 30 }), { leaderEpoch: 0 });
    }
    const batches = await readAllBatches(log);
    const bases = new Set(log.segmentBaseOffsets);
    assert.ok(bases.size > 3);
    for (const base of bases)
      assert.ok(
        batches.some((b) => b.baseOffset === base),
        `${base}`,
      );
    await log.close();
  });
});
