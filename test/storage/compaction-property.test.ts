// Property: for random keyed workloads — appends of every codec with tombstones, cleaning passes
// under random thresholds, map budgets and read sizes, time passing, restarts with full recovery —
// the compacted log always agrees with a model of the appends: each key's latest value is there,
// every record left is the one appended at its offset, and a tombstone is only gone once
// delete.retention.ms has passed since the first cleaning that saw it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CompressionType } from '../../src/protocol/compression/index.js';
import { UnifiedLog } from '../../src/storage/unified-log.js';
import { LogCleaner } from '../../src/storage/log-cleaner.js';
import { NODE_STORAGE_FS } from '../../src/storage/storage-fs.js';
import {
  Model,
  allBatches,
  allRecords,
  assertCompactedFaithfully,
  compactedConfig,
  keyedBatch,
} from './compaction-helpers.js';
import { ManualClock, TP, tempDir } from './helpers.js';

const RUNS = Number(process.env.SAMSA_PROPERTY_RUNS ?? 25);
const NOW = 1_700_000_000_000;
const RETENTION = 1000;

type Op =
  | {
      kind: 'append';
      records: { key: number; value: string | null }[];
      codec: CompressionType;
    }
  | { kind: 'clean' }
  | { kind: 'advance'; ms: number }
  | { kind: 'reopen' };

const recordArb = fc.record({
  key: fc.nat(7),
  value: fc.option(fc.string({ minLength: 1, maxLength: 60 }), { freq: 6 }),
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant<'append'>('append'),
      records: fc.array(recordArb, { minLength: 1, maxLength: 4 }),
      codec: fc.constantFrom(...Object.values(CompressionType)),
    }),
  },
  { weight: 3, arbitrary: fc.constant<Op>({ kind: 'clean' }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant<'advance'>('advance'), ms: fc.nat(2 * RETENTION) }),
  },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'reopen' }) },
);

const settingsArb = fc.record({
  segmentBytes: fc.integer({ min: 200, max: 900 }),
  ratio: fc.constantFrom(0, 0.2, 0.5),
  /** Keys the offset map holds per pass. */
  mapKeys: fc.integer({ min: 1, max: 12 }),
  ioBufferBytes: fc.constantFrom(128, 4096, 1 << 20),
});

describe('compaction property', () => {
  it('the compacted log always holds the model’s latest value of every key', async () => {
    await fc.assert(
      fc.asyncProperty(
        settingsArb,
        fc.array(opArb, { minLength: 5, maxLength: 120 }),
        async (settings, ops) => {
          const clock = new ManualClock(NOW);
          const logDir = tempDir();
          const dir = join(logDir, 'orders-0');
          const config = compactedConfig({
            segmentBytes: settings.segmentBytes,
            minCleanableDirtyRatio: settings.ratio,
            deleteRetentionMs: RETENTION,
          });
          const open = (): UnifiedLog =>
            UnifiedLog.open({ dir, topicPartition: TP, config, clock, recoveryPoint: 0n });
          let log = open();
          const cleanerOf = (l: UnifiedLog): LogCleaner =>
            new LogCleaner(() => [{ log: l, logDir }], {
              fs: NODE_STORAGE_FS,
              clock,
              dedupeBufferBytes: settings.mapKeys * (2 + 96),
              ioBufferBytes: settings.ioBufferBytes,
            });
          let cleaner = cleanerOf(log);
          const model = new Model();
          /** Offset of a tombstone → when a cleaning first stamped its batch's delete horizon. */
          const seenAt = new Map<bigint, number>();
          const check = async (): Promise<void> => {
            const records = await assertCompactedFaithfully(log, model, {
              tombstonesMayBeGone: true,
            });
            const present = new Set(records.map((r) => r.offset));
            for (const latest of model.latest.values()) {
              if (latest.value !== null || present.has(latest.offset)) continue;
              const seen = seenAt.get(latest.offset);
              assert.ok(
                seen !== undefined && clock.now() >= seen + RETENTION,
                `tombstone ${latest.offset} went before delete.retention.ms`,
              );
            }
          };
          /** One pass; true when one ran. */
          const clean = async (): Promise<boolean> => {
            const bases = log.segmentBaseOffsets;
            const result = await cleaner.cleanFilthiestLog(clock.now());
            if (result?.completed === true) {
              // Every tombstone in a segment the pass rewrote now carries a horizon.
              for (const latest of model.latest.values()) {
                if (latest.value !== null || seenAt.has(latest.offset)) continue;
                const base = bases.findLast((b) => b <= latest.offset)!;
                if (base < result.endOffset) seenAt.set(latest.offset, clock.now());
              }
            }
            return result !== null;
          };
          for (const op of ops) {
            if (op.kind === 'append') {
              const records = op.records.map((r) => ({ key: `k${r.key}`, value: r.value }));
              const first = log.logEndOffset;
              await log.appendAsLeader(
                keyedBatch(records, { compression: op.codec, timestamp: BigInt(clock.now()) }),
                { leaderEpoch: 0 },
              );
              model.add((await allRecords(log)).filter((r) => r.offset >= first));
            } else if (op.kind === 'clean') {
              await clean();
            } else if (op.kind === 'advance') {
              clock.advance(op.ms);
            } else {
              const before = (await allBatches(log)).map((b) => Buffer.from(b.buffer));
              await log.close();
              log = open();
              cleaner = cleanerOf(log);
              assert.deepEqual(
                (await allBatches(log)).map((b) => Buffer.from(b.buffer)),
                before,
                'a full recovery keeps the compacted log as it was',
              );
            }
            await check();
          }
          // Finally, clean until nothing is due, twice, delete.retention.ms apart: with every dirty
          // byte worth cleaning, what is left below the active segment is each live key once.
          for (let round = 0; round < 2; round++) {
            clock.advance(2 * RETENTION);
            for (let i = 0; i < 50 && (await clean()); i++);
            await check();
          }
          if (settings.ratio === 0) {
            const active = log.segmentBaseOffsets.at(-1)!;
            const cleaned = (await allRecords(log)).filter((r) => r.offset < active);
            assert.equal(
              new Set(cleaned.map((r) => r.key)).size,
              cleaned.length,
              'keys are unique',
            );
            assert.deepEqual(
              cleaned.filter((r) => r.value === null),
              [],
              'no tombstone outlives delete.retention.ms',
            );
          }
          await log.close();
        },
      ),
      { numRuns: RUNS },
    );
  });
});
