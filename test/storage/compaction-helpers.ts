// Shared by the compaction tests: keyed batches (tombstones are null values), a compacted log with
// a cleaner bound to it, and views of what a log holds (every record by offset, the latest value
// of each key) to compare with a model of what was appended.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CompressionType } from '../../src/protocol/compression/index.js';
import {
  buildRecordBatch,
  readRecordBatches,
  type RecordBatch,
} from '../../src/protocol/records/index.js';
import type { Clock } from '../../src/storage/clock.js';
import { LogCleaner } from '../../src/storage/log-cleaner.js';
import { logConfig, type LogConfig } from '../../src/storage/log-config.js';
import { NODE_STORAGE_FS, type StorageFs } from '../../src/storage/storage-fs.js';
import { UnifiedLog, type UnifiedLogOptions } from '../../src/storage/unified-log.js';
import { TP, tempDir } from './helpers.js';

export const COMPACT = Object.freeze({ delete: false, compact: true });
export const COMPACT_DELETE = Object.freeze({ delete: true, compact: true });
export const DAY = 24 * 60 * 60 * 1000;

export interface KeyedRecord {
  readonly key: string;
  /** null: a tombstone. */
  readonly value: string | null;
}

export interface KeyedBatchOptions {
  readonly compression?: CompressionType;
  readonly timestamp?: bigint;
  readonly producerId?: bigint;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
}

/** A producer's batch of keyed records, record i stamped `timestamp + i`. */
export function keyedBatch(records: readonly KeyedRecord[], opts: KeyedBatchOptions = {}): Buffer {
  const ts = opts.timestamp ?? 1_700_000_000_000n;
  return buildRecordBatch({
    compression: opts.compression ?? CompressionType.none,
    ...(opts.producerId === undefined
      ? {}
      : {
          producerId: opts.producerId,
          producerEpoch: opts.producerEpoch ?? 0,
          baseSequence: opts.baseSequence ?? 0,
        }),
    records: records.map((r, i) => ({
      key: Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      headers: [{ key: 'h', value: Buffer.from(`${r.key}:${i}`) }],
      timestamp: ts + BigInt(i),
    })),
  });
}

/** Small segments, every dirty byte worth cleaning, compact policy; overridable. */
export function compactedConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return logConfig({
    cleanupPolicy: COMPACT,
    segmentBytes: 1024,
    indexIntervalBytes: 128,
    minCleanableDirtyRatio: 0,
    ...overrides,
  });
}

export interface CompactedLog {
  readonly log: UnifiedLog;
  readonly cleaner: LogCleaner;
  /** The log dir (the partition directory's parent), where the cleaner checkpoint lives. */
  readonly logDir: string;
  readonly dir: string;
}

export function openCompactedLog(
  clock: Clock,
  config: Partial<LogConfig> = {},
  extra: Partial<UnifiedLogOptions> & { fs?: StorageFs; logDir?: string } = {},
): CompactedLog {
  const logDir = extra.logDir ?? tempDir();
  const dir = join(logDir, 'orders-0');
  const fs = extra.fs ?? NODE_STORAGE_FS;
  const log = UnifiedLog.open({
    dir,
    topicPartition: TP,
    config: compactedConfig(config),
    clock,
    ...extra,
    fs,
  });
  const cleaner = new LogCleaner(() => [{ log, logDir }], { fs, clock });
  return { log, cleaner, logDir, dir };
}

/** A cleaner for `log` in `logDir` (after reopening a log, say). */
export function cleanerFor(log: UnifiedLog, logDir: string, clock: Clock, fs = NODE_STORAGE_FS) {
  return new LogCleaner(() => [{ log, logDir }], { fs, clock });
}

export interface StoredRecord {
  readonly offset: bigint;
  readonly key: string;
  readonly value: string | null;
  readonly timestamp: bigint;
  readonly headers: string;
}

/** Every batch, reading from the log start through the PartitionLog interface, empty ones too. */
export async function allBatches(log: UnifiedLog): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = await log.read(offset, { maxBytes: 1 << 20, isolation: 'log_end' });
    const { batches, truncatedTail } = readRecordBatches(records);
    assert.equal(truncatedTail, null);
    assert.ok(batches.length > 0, `read at ${offset} returned nothing before the log end`);
    for (const b of batches) assert.ok(b.verifyCrc(), `batch ${b.baseOffset} has a valid CRC`);
    out.push(...batches);
    offset = batches.at(-1)!.nextOffset;
  }
  return out;
}

/** Every record, in log order, as comparable values. */
export async function allRecords(log: UnifiedLog): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  for (const b of await allBatches(log)) {
    for (const r of b.records()) {
      out.push({
        offset: r.offset,
        key: r.key!.toString(),
        value: r.value === null ? null : r.value.toString(),
        timestamp: r.timestamp,
        headers: r.headers.map((h) => `${h.key}=${h.value?.toString() ?? ''}`).join(','),
      });
    }
  }
  for (let i = 1; i < out.length; i++) {
    assert.ok(out[i]!.offset > out[i - 1]!.offset, 'offsets strictly increase');
  }
  return out;
}

/** Key → its latest value in the log (null for a tombstone). */
export async function latestValues(log: UnifiedLog): Promise<Map<string, string | null>> {
  const map = new Map<string, string | null>();
  for (const r of await allRecords(log)) map.set(r.key, r.value);
  return map;
}

/** A model of the appends: every record by offset, and each key's latest. */
export class Model {
  readonly byOffset = new Map<bigint, StoredRecord>();
  readonly latest = new Map<string, StoredRecord>();

  /** Records what `allRecords` returned right after appending (before any cleaning). */
  add(records: readonly StoredRecord[]): void {
    for (const r of records) {
      this.byOffset.set(r.offset, r);
      const prev = this.latest.get(r.key);
      if (prev === undefined || prev.offset < r.offset) this.latest.set(r.key, r);
    }
  }

  /** Key → latest value, tombstoned keys left out (a removed tombstone looks the same). */
  liveValues(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [k, r] of this.latest) if (r.value !== null) out.set(k, r.value);
    return out;
  }
}

/** Key → value for the keys whose latest record in the log has a value. */
export async function liveValues(log: UnifiedLog): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [k, v] of await latestValues(log)) if (v !== null) out.set(k, v);
  return out;
}

/**
 * The compaction invariants against the model: every record still in the log is the one appended
 * at its offset (never changed, never moved), and each key's latest record is there.
 */
export async function assertCompactedFaithfully(
  log: UnifiedLog,
  model: Model,
  options: { tombstonesMayBeGone?: boolean } = {},
): Promise<StoredRecord[]> {
  const records = await allRecords(log);
  for (const r of records) {
    assert.deepEqual(r, model.byOffset.get(r.offset), `record at ${r.offset} is the one appended`);
  }
  const present = new Set(records.map((r) => r.offset));
  for (const [key, latest] of model.latest) {
    if (latest.value === null && options.tombstonesMayBeGone === true) continue;
    assert.ok(present.has(latest.offset), `the latest record of ${key} (${latest.offset}) is kept`);
  }
  assert.deepEqual(await liveValues(log), model.liveValues());
  return records;
}

/** Appends keyed batches one by one; returns the records as stored. */
export async function appendKeyed(
  log: UnifiedLog,
  batches: ReadonlyArray<readonly KeyedRecord[]>,
  opts: KeyedBatchOptions = {},
): Promise<void> {
  for (const records of batches) {
    await log.appendAsLeader(keyedBatch(records, opts), { leaderEpoch: 0 });
  }
}

/** Runs cleaning passes until none is due (at most `max`); returns how many ran. */
export async function cleanUntilDone(cleaner: LogCleaner, now: number, max = 10): Promise<number> {
  let n = 0;
  while (n < max && (await cleaner.cleanFilthiestLog(now)) !== null) n++;
  return n;
}
