// One cleaning of one log (Kafka's Cleaner.doClean):
//  1. Offset map: the dirty section [firstDirty, firstUncleanable) is read batch by batch
//     (decompressing; control batches and batches of aborted transactions skipped) and each key's
//     latest offset recorded, until the section ends or the map is full (cleaner-offset-map.ts; the first batch always goes in
//     whole, so every pass moves forward). endOffset = the map's latest offset + 1: the pass
//     cleans [log start, endOffset), and the cleaner checkpoint becomes endOffset.
//  2. Groups: the segments below endOffset are grouped, consecutive ones together while the group
//     stays within segment.bytes, segment.index.bytes and an int32 offset range, so cleaned
//     segments do not shrink into many small ones.
//  3. Each group is filtered batch by batch (cleaner-filter.ts) into one new segment under
//     `.cleaned` names, fsynced, and swapped in (segment-swap.ts). The group's last batch is kept
//     (empty if need be) so the new segment ends where the old ones did.
// Transactions: firstUncleanable never passes the last stable offset, so every transaction below
// it is decided; the aborted ones come from the transaction indexes, and one
// CleanedTransactionMetadata (cleaner-txn.ts) per phase follows them in offset order to decide
// which batches and markers may go. The ABORT markers that stay get their index entries in the
// cleaned segment's own transaction index.
// Nothing here blocks for long: segments are read asynchronously in chunks of at most
// ioBufferBytes (grown to fit one batch), the event loop runs between chunks, and `checkDone`
// (which throws to abort) is called before each. Appends, reads and retention carry on meanwhile;
// a swap whose old segments changed is abandoned (LocalLog.replaceSegments).
import {
  BATCH_LENGTH_OFFSET,
  LOG_OVERHEAD,
  RECORDS_OFFSET,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  readRecordBatches,
  type RecordBatch,
} from '../protocol/records/index.js';
import { SamsaError } from '../errors/samsa-error.js';
import { filterBatch, type LastRecord } from './cleaner-filter.js';
import { CleanedTransactionMetadata } from './cleaner-txn.js';
import { OffsetMap } from './cleaner-offset-map.js';
import { segmentsInRange, type LogToClean } from './cleaner-selection.js';
import {
  CLEANED_FILE_SUFFIX,
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  TIME_INDEX_FILE_SUFFIX,
  TXN_INDEX_FILE_SUFFIX,
  segmentFilePath,
  topicPartitionName,
} from './file-names.js';
import { LogSegment, type AppendedBatch } from './log-segment.js';
import type { StorageFs } from './storage-fs.js';
import type { UnifiedLog } from './unified-log.js';

const INT32_MAX = 0x7fffffffn;

export interface CleanerPassOptions {
  readonly fs: StorageFs;
  /** log.cleaner.dedupe.buffer.size: the offset map's memory budget. */
  readonly dedupeBufferBytes: number;
  /** Bytes read per step (half of log.cleaner.io.buffer.size, as Kafka's read buffer). */
  readonly ioBufferBytes: number;
  /** Throws (CleaningAbortedError) when the pass must stop. */
  readonly checkDone: () => void;
}

export interface CleanerStats {
  recordsRead: number;
  recordsKept: number;
  bytesRead: number;
  bytesWritten: number;
  /** Cleaned segments swapped in. */
  segmentsWritten: number;
  /** Keys mapped from the dirty section. */
  keysMapped: number;
}

export interface CleanerPassResult {
  /** The first offset not cleaned: the new cleaner checkpoint. */
  readonly endOffset: bigint;
  /** Whether every group was swapped in (false: the log changed under the pass). */
  readonly completed: boolean;
  /** The earliest delete horizon among kept batches still holding tombstones, or null. */
  readonly tombstoneHorizon: bigint | null;
  readonly stats: CleanerStats;
}

/** Thrown by checkDone when the log or the cleaner is closing; not an error of the log. */
export class CleaningAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CleaningAbortedError';
  }
}

function corrupt(segment: LogSegment, position: number, detail: string): SamsaError {
  return new SamsaError(
    'SAMSA_ERR_RECORD_BATCH_CORRUPT',
    `Cannot clean ${segment.log.path}: the batch at position ${position} ${detail}`,
  );
}

/**
 * Calls `onBatch` for every batch of `segment` from `position`, reading at most `ioBufferBytes`
 * (or one whole batch) at a time; stops early when onBatch returns false. CRCs are checked: a
 * damaged batch must never be mapped or copied.
 */
async function forEachBatch(
  segment: LogSegment,
  position: number,
  options: CleanerPassOptions,
  stats: CleanerStats,
  onBatch: (batch: RecordBatch) => boolean,
  onChunkDone?: () => void,
): Promise<boolean> {
  const end = segment.size;
  let at = position;
  while (at < end) {
    options.checkDone();
    let chunk = await segment.log.read(at, Math.min(options.ioBufferBytes, end - at));
    if (chunk.length < RECORDS_OFFSET) throw corrupt(segment, at, 'is cut short');
    const first = LOG_OVERHEAD + chunk.readInt32BE(BATCH_LENGTH_OFFSET);
    if (first > chunk.length) {
      if (first > end - at) throw corrupt(segment, at, `declares ${first} bytes past the end`);
      chunk = await segment.log.read(at, first);
    }
    const { batches } = readRecordBatches(chunk);
    let consumed = 0;
    for (const batch of batches) {
      if (!batch.verifyCrc()) throw corrupt(segment, at + consumed, 'fails its CRC');
      consumed += batch.sizeInBytes;
      if (!onBatch(batch)) return false;
    }
    if (consumed === 0) throw corrupt(segment, at, 'cannot be read');
    stats.bytesRead += consumed;
    at += consumed;
    onChunkDone?.();
  }
  return true;
}

/** Kafka's buildOffsetMap: maps the dirty section [start, end) until it ends or the map fills. */
async function buildOffsetMap(
  log: UnifiedLog,
  start: bigint,
  end: bigint,
  map: OffsetMap,
  options: CleanerPassOptions,
  stats: CleanerStats,
): Promise<void> {
  const dirty = segmentsInRange(log.segments, start, end);
  const txns = new CleanedTransactionMetadata();
  txns.addAbortedTransactions(log.collectAbortedTransactions(start, end));
  for (let i = 0; i < dirty.length; i++) {
    const segment = dirty[i]!;
    const nextStart = dirty[i + 1]?.baseOffset ?? end;
    const position = (await segment.offsetIndex.lookupAsync(start)).position;
    const finished = await forEachBatch(segment, position, options, stats, (batch) => {
      // Markers hold no keys; the records of aborted transactions are never mapped.
      let mapped = false;
      if (batch.isControl) txns.onControlBatchRead(batch);
      else mapped = !txns.onBatchRead(batch);
      if (mapped) {
        for (const record of batch.records({
          maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
        })) {
          if (record.key === null || record.offset < start) continue;
          // Nothing mapped yet: this batch goes in whole, or a pass could never move on.
          if (!map.put(record.key, record.offset, map.latestOffset < start)) return false;
        }
      }
      if (batch.lastOffset >= start) map.updateLatestOffset(batch.lastOffset);
      return true;
    });
    if (!finished) return;
    // Past the segment's last batch: the offsets up to the next segment are accounted for.
    map.updateLatestOffset(nextStart - 1n);
  }
}

/** Kafka's groupSegmentsBySize. */
export function groupSegmentsBySize(
  segments: readonly LogSegment[],
  maxSize: number,
  maxIndexSize: number,
  firstUncleanableOffset: bigint,
): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let i = 0;
  while (i < segments.length) {
    const head = segments[i]!;
    const group = [head];
    let logSize = head.size;
    let indexSize = head.offsetIndex.sizeInBytes;
    let timeIndexSize = head.timeIndex.sizeInBytes;
    for (i++; i < segments.length; i++) {
      const s = segments[i]!;
      // The segment's last offset, bounded by what follows it.
      const lastOffset = (segments[i + 1]?.baseOffset ?? firstUncleanableOffset) - 1n;
      const fits =
        logSize + s.size <= maxSize &&
        indexSize + s.offsetIndex.sizeInBytes <= maxIndexSize &&
        timeIndexSize + s.timeIndex.sizeInBytes <= maxIndexSize &&
        (s.size === 0 || lastOffset - head.baseOffset <= INT32_MAX);
      if (!fits) break;
      group.push(s);
      logSize += s.size;
      indexSize += s.offsetIndex.sizeInBytes;
      timeIndexSize += s.timeIndex.sizeInBytes;
    }
    groups.push(group);
  }
  return groups;
}

/** An active producer's last batch, for each producer the log knows (Kafka's lastRecordsOfActiveProducers). */
function lastRecordsOfActiveProducers(log: UnifiedLog): Map<bigint, LastRecord> {
  const out = new Map<bigint, LastRecord>();
  for (const [producerId, entry] of log.producerState.producers) {
    const last = entry.lastDataOffset;
    out.set(producerId, {
      lastDataOffset: last >= 0n ? last : null,
      producerEpoch: entry.producerEpoch,
    });
  }
  return out;
}

interface GroupResult {
  readonly swapped: boolean;
  readonly tombstoneHorizon: bigint | null;
}

/**
 * Kafka's cleanSegments: one group into one cleaned segment, swapped in. `txns` carries the
 * transactions from one group to the next.
 */
async function cleanGroup(
  log: UnifiedLog,
  group: readonly LogSegment[],
  map: OffsetMap,
  txns: CleanedTransactionMetadata,
  now: number,
  options: CleanerPassOptions,
  stats: CleanerStats,
): Promise<GroupResult> {
  const { fs } = options;
  const config = log.config;
  const base = group[0]!.baseOffset;
  const sizes = group.map((s) => s.size);
  const groupEnd = group.reduce((end, s) => (s.size > 0 ? s.nextOffset : end), base);
  // Leftovers of an abandoned pass (the loader removes them too, at startup).
  const suffixes = [
    LOG_FILE_SUFFIX,
    INDEX_FILE_SUFFIX,
    TIME_INDEX_FILE_SUFFIX,
    TXN_INDEX_FILE_SUFFIX,
  ];
  for (const suffix of suffixes) {
    fs.unlinkSync(segmentFilePath(log.dir, base, suffix) + CLEANED_FILE_SUFFIX);
  }
  const cleaned = LogSegment.create({
    fs,
    dir: log.dir,
    baseOffset: base,
    config,
    now,
    rollJitterMs: 0,
    fileSuffix: CLEANED_FILE_SUFFIX,
  });
  let tombstoneHorizon: bigint | null = null;
  txns.cleanedIndex = cleaned.txnIndex;
  try {
    const ctx = {
      map,
      now,
      deleteRetentionMs: config.deleteRetentionMs,
      lastRecordsOfActiveProducers: lastRecordsOfActiveProducers(log),
    };
    for (const [i, segment] of group.entries()) {
      // The whole segment's range: its aborted transactions go into the cleaned index too.
      const upperBound = group[i + 1]?.baseOffset ?? segment.nextOffset;
      txns.addAbortedTransactions(log.collectAbortedTransactions(segment.baseOffset, upperBound));
      let out: Buffer[] = [];
      let appended: AppendedBatch[] = [];
      const write = (): void => {
        if (out.length === 0) return;
        const bytes = out.length === 1 ? out[0]! : Buffer.concat(out);
        cleaned.append(bytes, appended);
        stats.bytesWritten += bytes.length;
        out = [];
        appended = [];
      };
      await forEachBatch(
        segment,
        0,
        options,
        stats,
        (batch) => {
          const canDiscard = batch.isControl
            ? txns.onControlBatchRead(batch)
            : txns.onBatchRead(batch);
          const kept = filterBatch(batch, ctx, batch.nextOffset === groupEnd, canDiscard);
          stats.recordsRead += batch.recordCount;
          if (kept === null) return true;
          stats.recordsKept += kept.recordsKept;
          if (kept.tombstoneHorizon !== null) {
            if (tombstoneHorizon === null || kept.tombstoneHorizon < tombstoneHorizon) {
              tombstoneHorizon = kept.tombstoneHorizon;
            }
          }
          // Copied: a kept batch may be a view of the read chunk.
          out.push(kept.bytes === batch.buffer ? Buffer.from(kept.bytes) : kept.bytes);
          appended.push({
            size: kept.bytes.length,
            lastOffset: kept.lastOffset,
            maxTimestamp: kept.maxTimestamp,
          });
          return true;
        },
        write,
      );
      write();
    }
    if (cleaned.size > 0 && cleaned.nextOffset !== groupEnd) {
      throw new Error(
        `Cleaned segment ${base} of ${topicPartitionName(log.topicPartition)} ends at ${cleaned.nextOffset}, not at ${groupEnd}`,
      );
    }
    cleaned.onBecomeInactiveSegment();
    await cleaned.flush();
    options.checkDone();
  } catch (err) {
    cleaned.deleteFiles();
    throw err;
  }
  const unchanged = (): boolean => group.every((s, i) => s.size === sizes[i]);
  let swapped: boolean;
  try {
    swapped = await log.replaceSegments(cleaned, group, unchanged);
  } catch (err) {
    // Offline: the swap passed its commit point, and its files are the next start's to finish.
    if (!log.isOffline) cleaned.deleteFiles();
    throw err;
  }
  if (swapped) stats.segmentsWritten++;
  return { swapped, tombstoneHorizon };
}

/** Cleans `toClean.log` up to where its dirty section could be mapped (Kafka's doClean). */
export async function cleanLog(
  toClean: LogToClean<UnifiedLog>,
  now: number,
  options: CleanerPassOptions,
): Promise<CleanerPassResult> {
  const { log } = toClean;
  const stats: CleanerStats = {
    recordsRead: 0,
    recordsKept: 0,
    bytesRead: 0,
    bytesWritten: 0,
    segmentsWritten: 0,
    keysMapped: 0,
  };
  const map = new OffsetMap(options.dedupeBufferBytes, toClean.firstDirtyOffset);
  await buildOffsetMap(
    log,
    toClean.firstDirtyOffset,
    toClean.firstUncleanableOffset,
    map,
    options,
    stats,
  );
  stats.keysMapped = map.size;
  const endOffset = map.latestOffset + 1n;
  const segments = log.segments.slice(0, -1).filter((s) => s.baseOffset < endOffset);
  const groups = groupSegmentsBySize(
    segments,
    log.config.segmentBytes,
    log.config.segmentIndexBytes,
    toClean.firstUncleanableOffset,
  );
  let tombstoneHorizon: bigint | null = null;
  const txns = new CleanedTransactionMetadata();
  for (const group of groups) {
    if (group.every((s) => s.size === 0)) continue;
    const result = await cleanGroup(log, group, map, txns, now, options, stats);
    if (!result.swapped) return { endOffset, completed: false, tombstoneHorizon, stats };
    const h = result.tombstoneHorizon;
    if (h !== null && (tombstoneHorizon === null || h < tombstoneHorizon)) tombstoneHorizon = h;
  }
  return { endOffset, completed: true, tombstoneHorizon, stats };
}
