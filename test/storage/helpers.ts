// Shared by the storage tests: temp dirs on real files, a manual clock, batch builders, crash
// simulation (copying a log's files as they are while it is open, as kill -9 would leave them)
// and readers that walk a whole log.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { CompressionType } from '../../src/protocol/compression/index.js';
import {
  buildRecordBatch,
  readRecordBatches,
  type KafkaRecord,
  type RecordBatch,
  type RecordInput,
} from '../../src/protocol/records/index.js';
import type { Clock } from '../../src/storage/clock.js';
import { logConfig, type LogConfig } from '../../src/storage/log-config.js';
import type { PartitionLog } from '../../src/storage/partition-log.js';
import { UnifiedLog, type UnifiedLogOptions } from '../../src/storage/unified-log.js';

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed when the test file finishes. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-storage-'));
  made.push(dir);
  return dir;
}

export class ManualClock implements Clock {
  #now: number;
  constructor(now = 1_700_000_000_000) {
    this.#now = now;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  set(ms: number): void {
    this.#now = ms;
  }
}

export const TP = { topic: 'orders', partition: 0 } as const;

export interface BatchOptions {
  count?: number;
  valueBytes?: number;
  timestamp?: bigint;
  compression?: CompressionType;
  keyless?: boolean;
  /** A tag written into every value so batches differ. */
  tag?: string;
}

/** A producer's batch (baseOffset 0, no epoch) of `count` records. */
export function batch(opts: BatchOptions = {}): Buffer {
  const count = opts.count ?? 1;
  const ts = opts.timestamp ?? 1_700_000_000_000n;
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const body = `${opts.tag ?? 'v'}-${i}-`.padEnd(opts.valueBytes ?? 16, 'x');
    records.push({
      key: opts.keyless === true ? null : Buffer.from(`k${i}`),
      value: Buffer.from(body),
      timestamp: ts + BigInt(i),
    });
  }
  return buildRecordBatch({ compression: opts.compression ?? CompressionType.none, records });
}

export function openLog(
  dir: string,
  clock: Clock,
  config: Partial<LogConfig> = {},
  extra: Partial<UnifiedLogOptions> = {},
): UnifiedLog {
  return UnifiedLog.open({ dir, topicPartition: TP, config: logConfig(config), clock, ...extra });
}

/** Copies a (possibly open) log directory: the state a crash would leave on disk. */
export function crashCopy(dir: string): string {
  const copy = join(tempDir(), 'crashed');
  cpSync(dir, copy, { recursive: true });
  return copy;
}

/** Every batch from the log start to the log end, read through the PartitionLog interface. */
export async function readAllBatches(
  log: PartitionLog,
  maxBytes = 1 << 20,
): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = await log.read(offset, { maxBytes, isolation: 'log_end' });
    const { batches, truncatedTail } = readRecordBatches(records);
    assert.equal(truncatedTail, null, 'reads return whole batches');
    assert.ok(batches.length > 0, `read at ${offset} returned nothing before the log end`);
    out.push(...batches);
    offset = batches.at(-1)!.nextOffset;
  }
  return out;
}

export async function readAllRecords(log: PartitionLog): Promise<KafkaRecord[]> {
  return (await readAllBatches(log)).flatMap((b) => [...b.records()]);
}

/** Appends `n` one-record batches tagged by index; returns their first offsets. */
export async function appendMany(
  log: PartitionLog,
  n: number,
  opts: BatchOptions = {},
): Promise<bigint[]> {
  const offsets: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const r = await log.appendAsLeader(batch({ tag: `b${i}`, ...opts }), { leaderEpoch: 0 });
    offsets.push(r.firstOffset);
  }
  return offsets;
}

/** Waits (polling, up to 10 s) for background work such as the flush of a rolled segment. */
export async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
