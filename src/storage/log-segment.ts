// LogSegment: one `<baseOffset>.log` with its `.index`, `.timeindex` and, when the segment holds an
// ABORT marker, `.txnindex` (formats in file-records.ts, offset-index.ts, time-index.ts and
// transaction-index.ts). Every offset in the segment is ≥ its base
// offset and < the next segment's; relative offsets fit in an int32.
//
// In memory it keeps what Kafka keeps: the next offset, the largest timestamp so far and the
// offset carrying it, bytes since the last index entry, and the first batch's timestamp (which
// segment.ms measures from). Segments are not preallocated (`preallocate` is accepted and
// ignored): the file length is always the end of the last whole batch, so no trailing zeros
// need telling apart from data after a crash.
//
// Compaction leaves offset gaps: a cleaned segment holds a subsequence of the original batches
// (each keeping its offsets), so its batches may start after the previous one ended. The log
// cleaner writes a segment under `.cleaned` names (`fileSuffix`), renames it to `.swap` and then
// to the live names (changeFileSuffixes; see segment-swap.ts).
import { RECORDS_OFFSET, RecordBatch, type KafkaRecord } from '../protocol/records/index.js';
import {
  FileRecords,
  readBatchHeader,
  wholeBatchesBelow,
  type BatchHeader,
  type FileBatch,
  type ScanStop,
} from './file-records.js';
import {
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  TIME_INDEX_FILE_SUFFIX,
  TXN_INDEX_FILE_SUFFIX,
  segmentFilePath,
} from './file-names.js';
import type { LogConfig } from './log-config.js';
import { OffsetIndex } from './offset-index.js';
import type { TimestampAndOffset } from './partition-log.js';
import type { CompletedTxn } from './producer-append-info.js';
import { indexCorrupt } from './storage-errors.js';
import type { StorageFs } from './storage-fs.js';
import { NO_TIMESTAMP, TimeIndex } from './time-index.js';
import { TransactionIndex } from './transaction-index.js';

const INT32_MAX = 0x7fffffffn;
/** Header scans stop within a few KiB of an index entry, so small windows suffice. */
const HEADER_SCAN_WINDOW = 8 * 1024;
const EMPTY = Buffer.alloc(0);

export interface SegmentParams {
  readonly fs: StorageFs;
  readonly dir: string;
  readonly baseOffset: bigint;
  readonly config: LogConfig;
  /** Clock time at creation or load (segment.ms falls back to it without timestamps). */
  readonly now: number;
  /** This segment's share of segment.jitter.ms, taken off segment.ms. */
  readonly rollJitterMs: number;
  /** Appended to every file name (`.cleaned` for the cleaner's output); '' by default. */
  readonly fileSuffix?: string;
}

/** What appending a batch needs to know about it. */
export interface AppendedBatch {
  readonly size: number;
  readonly lastOffset: bigint;
  readonly maxTimestamp: bigint;
}

export interface RollParams {
  readonly segmentBytes: number;
  readonly segmentMs: number;
  readonly messagesSize: number;
  readonly maxTimestampInMessages: bigint;
  readonly maxOffsetInMessages: bigint;
  readonly now: number;
}

function leaderEpochOrNull(epoch: number): number | null {
  return epoch >= 0 ? epoch : null;
}

export class LogSegment {
  readonly baseOffset: bigint;
  readonly log: FileRecords;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  readonly txnIndex: TransactionIndex;
  readonly rollJitterMs: number;
  #indexIntervalBytes: number;
  #created: number;
  #nextOffset: bigint;
  #maxTimestampSoFar = NO_TIMESTAMP;
  #offsetOfMaxTimestampSoFar: bigint;
  #bytesSinceLastIndexEntry = 0;
  #firstBatchTimestamp: bigint | null = null;
  #hasOffsetGaps: boolean | null = null;

  private constructor(params: SegmentParams, create: boolean, active: boolean) {
    const { fs, dir, baseOffset, config } = params;
    this.baseOffset = baseOffset;
    this.rollJitterMs = params.rollJitterMs;
    this.#indexIntervalBytes = config.indexIntervalBytes;
    this.#created = params.now;
    this.#nextOffset = baseOffset;
    this.#offsetOfMaxTimestampSoFar = baseOffset;
    const suffix = params.fileSuffix ?? '';
    const logPath = segmentFilePath(dir, baseOffset, LOG_FILE_SUFFIX) + suffix;
    this.log = create ? FileRecords.create(fs, logPath) : FileRecords.open(fs, logPath);
    const options = { create, inMemory: active };
    const indexPath = segmentFilePath(dir, baseOffset, INDEX_FILE_SUFFIX) + suffix;
    const timePath = segmentFilePath(dir, baseOffset, TIME_INDEX_FILE_SUFFIX) + suffix;
    this.offsetIndex = new OffsetIndex(
      fs,
      indexPath,
      baseOffset,
      config.segmentIndexBytes,
      options,
    );
    this.timeIndex = new TimeIndex(fs, timePath, baseOffset, config.segmentIndexBytes, options);
    const txnPath = segmentFilePath(dir, baseOffset, TXN_INDEX_FILE_SUFFIX) + suffix;
    this.txnIndex = new TransactionIndex(fs, txnPath, baseOffset);
    // A new segment starts with no aborted transactions, whatever an old file said.
    if (create) this.txnIndex.reset();
  }

  /** A new empty segment (fails if its .log exists). */
  static create(params: SegmentParams): LogSegment {
    return new LogSegment(params, true, true);
  }

  /** An existing segment; the loader then runs sanityCheck()+loadState() or recover(). */
  static open(params: SegmentParams, active: boolean): LogSegment {
    return new LogSegment(params, false, active);
  }

  get size(): number {
    return this.log.size;
  }

  /** One past the last offset in the segment; the base offset when empty. */
  get nextOffset(): bigint {
    return this.#nextOffset;
  }

  get maxTimestampSoFar(): bigint {
    return this.#maxTimestampSoFar;
  }

  get offsetOfMaxTimestampSoFar(): bigint {
    return this.#offsetOfMaxTimestampSoFar;
  }

  /**
   * The first batch's max timestamp (Kafka's getFirstBatchTimestamp), which segment.ms and
   * max.compaction.lag.ms measure from; null for an empty segment.
   */
  get firstBatchTimestamp(): bigint | null {
    return this.#firstBatchTimestamp;
  }

  /**
   * Whether the last recover() met an offset gap between batches (a cleaned segment); null when
   * the segment was not scanned.
   */
  get hasOffsetGaps(): boolean | null {
    return this.#hasOffsetGaps;
  }

  /** Kafka's largestTimestamp: the max batch timestamp, else the file's modification time. */
  get largestTimestamp(): bigint {
    if (this.#maxTimestampSoFar >= 0n) return this.#maxTimestampSoFar;
    return BigInt(Math.floor(this.log.lastModifiedMs));
  }

  updateConfig(config: LogConfig): void {
    this.#indexIntervalBytes = config.indexIntervalBytes;
  }

  /** Throws SAMSA_ERR_INDEX_CORRUPT when an index is missing, torn or out of order. */
  sanityCheck(): void {
    // An index may rightly be empty, but a missing one says nothing about the log: rebuild it.
    for (const index of [this.offsetIndex, this.timeIndex]) {
      if (this.size > 0 && index.wasMissing) throw indexCorrupt(index.path, 'the file is missing');
    }
    this.offsetIndex.sanityCheck(this.size);
    this.timeIndex.sanityCheck();
    this.txnIndex.sanityCheck();
  }

  /**
   * Derives the in-memory state of a segment whose indexes are trusted: scans the batch headers
   * after the last index entry. Anything but 'end' means the tail is damaged (recover instead).
   */
  loadState(): ScanStop {
    const last = this.offsetIndex.lastEntry();
    const lastTime = this.timeIndex.lastEntry();
    let maxTimestamp = lastTime.timestamp;
    let offsetOfMax = lastTime.offset;
    let next = this.baseOffset;
    const it = this.log.batches(last.position, {
      withBody: false,
      windowBytes: HEADER_SCAN_WINDOW,
    });
    for (let b = it.next(); b !== null; b = it.next()) {
      next = b.lastOffset + 1n;
      if (b.maxTimestamp > maxTimestamp) {
        maxTimestamp = b.maxTimestamp;
        offsetOfMax = b.lastOffset;
      }
    }
    this.#nextOffset = next;
    this.#maxTimestampSoFar = maxTimestamp;
    this.#offsetOfMaxTimestampSoFar = offsetOfMax;
    this.#bytesSinceLastIndexEntry = this.size - last.position;
    this.#firstBatchTimestamp = this.#readFirstBatchTimestamp();
    return it.stop ?? 'end';
  }

  #readFirstBatchTimestamp(): bigint | null {
    const first = this.log.batches(0, { withBody: false, windowBytes: 128 }).next();
    return first === null ? null : first.maxTimestamp;
  }

  /**
   * Rebuilds both indexes and the in-memory state by reading every batch, keeping the longest
   * prefix of batches that are whole, pass their CRC, and whose offsets increase from the
   * segment's base offset and stay below `upperBound` (the next segment's base offset; null for the
   * last segment); truncates the file after it. `onBatch` sees each valid batch, body included (the
   * loader restores leader epochs and producer state from them, and refills the transaction index,
   * which this empties). Returns the bytes truncated.
   *
   * Offsets may jump forward between batches (the cleaner's gaps), but baseOffset lies outside the
   * CRC, so a jump is also what a damaged baseOffset looks like. A batch after a gap is therefore
   * only kept once something vouches for it: the next batch starting after its end, or the next
   * segment's base offset bounding it. When the next batch overlaps it, it is the batch after the
   * gap that is dropped (its baseOffset was raised), and in the last segment, where nothing follows,
   * a final batch after a gap is dropped too. A gap-free segment (every segment the cleaner never
   * touched) thus still has every changed baseOffset caught, exactly as before compaction existed.
   */
  recover(onBatch?: (batch: FileBatch) => void, upperBound: bigint | null = null): number {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.txnIndex.reset();
    let maxTimestamp = NO_TIMESTAMP;
    let offsetOfMax = this.baseOffset;
    let next = this.baseOffset;
    let validBytes = 0;
    let lastIndexEntry = 0;
    let firstTimestamp: bigint | null = null;
    let sawGap = false;
    const accept = (b: FileBatch): void => {
      if (b.maxTimestamp > maxTimestamp) {
        maxTimestamp = b.maxTimestamp;
        offsetOfMax = b.lastOffset;
      }
      if (validBytes - lastIndexEntry > this.#indexIntervalBytes) {
        this.offsetIndex.append(b.lastOffset, validBytes);
        this.timeIndex.maybeAppend(maxTimestamp, offsetOfMax);
        lastIndexEntry = validBytes;
      }
      firstTimestamp ??= b.maxTimestamp;
      validBytes += b.size;
      next = b.lastOffset + 1n;
      onBatch?.(b);
    };
    /** The batch after a gap, waiting for the next one to vouch for its baseOffset. */
    let pending: FileBatch | null = null;
    let keepPending = true;
    const it = this.log.batches(0, { withBody: true });
    for (let b = it.next(); b !== null; b = it.next()) {
      if (b.body === null || !new RecordBatch(b.body).verifyCrc()) break;
      const expected = pending === null ? next : pending.lastOffset + 1n;
      const inOrder =
        b.baseOffset >= expected &&
        b.lastOffset >= b.baseOffset &&
        b.lastOffset - this.baseOffset <= INT32_MAX &&
        (upperBound === null || b.lastOffset < upperBound);
      if (!inOrder) {
        if (pending !== null && b.baseOffset < expected) keepPending = false;
        break;
      }
      if (pending !== null) accept(pending);
      pending = null;
      if (b.baseOffset > expected) {
        sawGap = true;
        pending = b;
      } else {
        accept(b);
      }
    }
    if (pending !== null && keepPending && upperBound !== null) accept(pending);
    const truncated = this.size - validBytes;
    if (truncated > 0) this.log.truncateTo(validBytes);
    this.#nextOffset = next;
    this.#maxTimestampSoFar = maxTimestamp;
    this.#offsetOfMaxTimestampSoFar = offsetOfMax;
    this.#bytesSinceLastIndexEntry = validBytes - lastIndexEntry;
    this.#firstBatchTimestamp = firstTimestamp;
    this.#hasOffsetGaps = sawGap;
    return truncated;
  }

  /** Kafka's shouldRoll: full by size or index, too old, or offsets past the int32 range. */
  shouldRoll(p: RollParams): boolean {
    const waited =
      this.#firstBatchTimestamp !== null && this.#firstBatchTimestamp >= 0n
        ? Number(p.maxTimestampInMessages - this.#firstBatchTimestamp)
        : p.now - this.#created;
    const reachedRollMs = waited > p.segmentMs - this.rollJitterMs;
    return (
      this.size > p.segmentBytes - p.messagesSize ||
      (this.size > 0 && reachedRollMs) ||
      this.offsetIndex.isFull ||
      this.timeIndex.isFull ||
      p.maxOffsetInMessages - this.baseOffset > INT32_MAX
    );
  }

  /**
   * Writes `bytes` (the batches described by `batches`, back to back) in one write, then adds
   * index entries per batch as recover() would, so a rebuilt index equals the original.
   */
  append(bytes: Buffer, batches: readonly AppendedBatch[]): void {
    let position = this.log.append(bytes);
    for (const b of batches) {
      if (b.maxTimestamp > this.#maxTimestampSoFar) {
        this.#maxTimestampSoFar = b.maxTimestamp;
        this.#offsetOfMaxTimestampSoFar = b.lastOffset;
      }
      if (this.#bytesSinceLastIndexEntry > this.#indexIntervalBytes) {
        this.offsetIndex.append(b.lastOffset, position);
        this.timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar);
        this.#bytesSinceLastIndexEntry = 0;
      }
      if (position === 0) this.#firstBatchTimestamp = b.maxTimestamp;
      this.#bytesSinceLastIndexEntry += b.size;
      position += b.size;
      this.#nextOffset = b.lastOffset + 1n;
    }
  }

  /** The first batch whose last offset is ≥ `offset`, or null when the segment has none. */
  translateOffset(offset: bigint): BatchHeader | null {
    const start = this.offsetIndex.lookup(offset);
    const it = this.log.batches(start.position, {
      withBody: false,
      windowBytes: HEADER_SCAN_WINDOW,
    });
    for (let b = it.next(); b !== null; b = it.next()) {
      if (b.lastOffset >= offset) return b;
    }
    return null;
  }

  /**
   * translateOffset for the fetch path: index probes and header reads are asynchronous, so a
   * consumer catching up on cold segments never stalls the event loop on the disk.
   */
  async #translateOffsetAsync(offset: bigint, end: number): Promise<BatchHeader | null> {
    let position = (await this.offsetIndex.lookupAsync(offset)).position;
    let window: Buffer = EMPTY;
    let windowStart = position;
    while (position + RECORDS_OFFSET <= end) {
      let at = position - windowStart;
      if (at + RECORDS_OFFSET > window.length) {
        window = await this.log.read(position, Math.min(HEADER_SCAN_WINDOW, end - position));
        windowStart = position;
        at = 0;
        if (window.length < RECORDS_OFFSET) return null;
      }
      const header = readBatchHeader(window, at, position);
      if (header.size < RECORDS_OFFSET || position + header.size > end) return null;
      if (header.lastOffset >= offset) return header;
      position += header.size;
    }
    return null;
  }

  /**
   * Whole batches from the one holding `startOffset`, up to `maxBytes` (the first even when
   * larger, if `minOneBatch`) and below `maxOffset`. null when this segment has nothing at or
   * after startOffset (the caller moves to the next segment).
   */
  async read(
    startOffset: bigint,
    maxBytes: number,
    maxOffset: bigint,
    minOneBatch: boolean,
  ): Promise<Buffer | null> {
    const end = this.size;
    const first = await this.#translateOffsetAsync(startOffset, end);
    if (first === null) return null;
    if (first.lastOffset >= maxOffset || (first.size > maxBytes && !minOneBatch)) return EMPTY;
    const length = Math.min(end - first.position, Math.max(maxBytes, first.size));
    const data = await this.log.read(first.position, length);
    return wholeBatchesBelow(data, maxOffset);
  }

  /** Kafka's findOffsetByTimestamp: the first record at or after `timestamp` from startingOffset. */
  findOffsetByTimestamp(timestamp: bigint, startingOffset: bigint): TimestampAndOffset | null {
    const entry = this.timeIndex.lookup(timestamp);
    const from = entry.offset > startingOffset ? entry.offset : startingOffset;
    const it = this.log.batches(this.offsetIndex.lookup(from).position, { withBody: false });
    for (let b = it.next(); b !== null; b = it.next()) {
      if (b.maxTimestamp < timestamp || b.lastOffset < startingOffset) continue;
      for (const record of this.#recordsOf(b)) {
        if (record.timestamp >= timestamp && record.offset >= startingOffset) {
          const leaderEpoch = leaderEpochOrNull(b.partitionLeaderEpoch);
          return { timestamp: record.timestamp, offset: record.offset, leaderEpoch };
        }
      }
    }
    return null;
  }

  /**
   * ListOffsets MAX_TIMESTAMP: the first record carrying the segment's largest timestamp. In a
   * cleaned segment the batch that set it may have lost that record (the cleaner keeps some
   * batches empty, with their header timestamps); the segment's largest record timestamp is then
   * found by a scan, and may be below maxTimestampSoFar.
   */
  readMaxTimestampAndOffset(): TimestampAndOffset | null {
    const max = this.#maxTimestampSoFar;
    if (max < 0n) return null;
    const from = this.offsetIndex.lookup(this.#offsetOfMaxTimestampSoFar).position;
    const it = this.log.batches(from, { withBody: false });
    for (let b = it.next(); b !== null; b = it.next()) {
      if (b.maxTimestamp !== max) continue;
      for (const record of this.#recordsOf(b)) {
        if (record.timestamp === max) {
          const leaderEpoch = leaderEpochOrNull(b.partitionLeaderEpoch);
          return { timestamp: max, offset: record.offset, leaderEpoch };
        }
      }
    }
    let best: TimestampAndOffset | null = null;
    const all = this.log.batches(0, { withBody: false });
    for (let b = all.next(); b !== null; b = all.next()) {
      if (best !== null && b.maxTimestamp <= best.timestamp) continue;
      for (const record of this.#recordsOf(b)) {
        if (record.timestamp >= 0n && (best === null || record.timestamp > best.timestamp)) {
          const leaderEpoch = leaderEpochOrNull(b.partitionLeaderEpoch);
          best = { timestamp: record.timestamp, offset: record.offset, leaderEpoch };
        }
      }
    }
    return best;
  }

  #recordsOf(b: BatchHeader): Iterable<KafkaRecord> {
    return new RecordBatch(this.log.readSync(b.position, b.size)).records();
  }

  /** Removes the batch holding `offset` and everything after it; returns the bytes removed. */
  truncateTo(offset: bigint, now: number): number {
    const mapping = this.translateOffset(offset);
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    this.txnIndex.truncateTo(offset);
    if (mapping === null) return 0;
    const removed = this.size - mapping.position;
    this.log.truncateTo(mapping.position);
    this.loadState();
    if (this.size === 0) this.#created = now;
    return removed;
  }

  /** Records a transaction completed by a marker in this segment, when it was aborted. */
  updateTxnIndex(completed: CompletedTxn, lastStableOffset: bigint): void {
    if (!completed.isAborted) return;
    this.txnIndex.append({
      producerId: completed.producerId,
      firstOffset: completed.firstOffset,
      lastOffset: completed.lastOffset,
      lastStableOffset,
    });
  }

  /** Called on roll: the last time index entry records the segment's largest timestamp. */
  onBecomeInactiveSegment(): void {
    if (this.#maxTimestampSoFar >= 0n) {
      this.timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar, true);
    }
    this.offsetIndex.releaseMemory();
    this.timeIndex.releaseMemory();
  }

  async flush(): Promise<void> {
    await Promise.all([
      this.log.flush(),
      this.offsetIndex.flush(),
      this.timeIndex.flush(),
      this.txnIndex.flush(),
    ]);
  }

  /**
   * Renames the three files from names ending in `from` to names ending in `to` (either may be
   * ''), indexes first, so a `.log` under the new name means its indexes were renamed too. Open
   * descriptors are unaffected.
   */
  changeFileSuffixes(from: string, to: string): void {
    const rename = (path: string): string =>
      (from === '' ? path : path.slice(0, -from.length)) + to;
    for (const file of [this.offsetIndex, this.timeIndex, this.txnIndex, this.log]) {
      if (!file.path.endsWith(from)) {
        throw new RangeError(`Cannot rename ${file.path}: it does not end in "${from}"`);
      }
      file.renameTo(rename(file.path));
    }
  }

  close(): void {
    if (this.#maxTimestampSoFar >= 0n && !this.timeIndex.isClosed) {
      this.timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar, true);
    }
    this.log.close();
    this.offsetIndex.close();
    this.timeIndex.close();
    this.txnIndex.close();
  }

  /** Closes (once reads in flight finish) and unlinks the files, the .log first. */
  deleteFiles(): void {
    this.log.deleteFile();
    this.offsetIndex.deleteFile();
    this.timeIndex.deleteFile();
    this.txnIndex.deleteFile();
  }
}
