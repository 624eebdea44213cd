// LocalLog: a partition's ordered list of segments in its directory, and the operations that
// change the list — roll, truncate, delete — plus reads and flushes that span segments.
//
// Invariants: segments are sorted by base offset and never empty as a list; the last one is the
// active segment (the only one written to); each segment's offsets are below the next one's base
// offset; the recovery point (everything below it is fsynced) never passes the log end offset.
// Offsets are gap-free except inside segments the log cleaner rewrote (replaceSegments), and such
// a segment never becomes the active one again (truncation into it rolls a new one), so recovery
// may distrust an offset gap before the last batch of the last segment (LogSegment.recover).
//
// The list itself is replaced, never edited in place, when segments go away (retention,
// truncation, a cleaner's swap), so a read that captured it can tell that it changed.
import { isSamsaError } from '../errors/samsa-error.js';
import type { Clock } from './clock.js';
import type { TopicPartition } from './file-names.js';
import type { LogConfig } from './log-config.js';
import { countDeletable, type RetentionBounds, type RetentionPredicate } from './log-retention.js';
import { LogSegment, type AppendedBatch } from './log-segment.js';
import { CLEANED_FILE_SUFFIX, DELETED_FILE_SUFFIX, SWAP_FILE_SUFFIX } from './file-names.js';
import { fsyncDirSync } from './segment-swap.js';
import type { StorageFs } from './storage-fs.js';
import type { AbortedTxn } from './transaction-index.js';

/** A failure after a swap's commit point: the files and the segment list may disagree. */
export class SwapIncompleteError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'SwapIncompleteError';
  }
}

const EMPTY = Buffer.alloc(0);

export interface LocalLogParams {
  readonly fs: StorageFs;
  readonly dir: string;
  readonly topicPartition: TopicPartition;
  readonly config: LogConfig;
  readonly clock: Clock;
  /** For segment.jitter.ms; Math.random by default. */
  readonly random: () => number;
  readonly segments: LogSegment[];
  readonly recoveryPoint: bigint;
}

export class LocalLog {
  readonly topicPartition: TopicPartition;
  readonly #fs: StorageFs;
  readonly #clock: Clock;
  readonly #random: () => number;
  #dir: string;
  #config: LogConfig;
  #segments: LogSegment[];
  #recoveryPoint: bigint;
  /** Segments were created or removed since the directory was last fsynced. */
  #dirDirty = false;

  constructor(params: LocalLogParams) {
    if (params.segments.length === 0) throw new RangeError('A log needs at least one segment');
    this.topicPartition = params.topicPartition;
    this.#fs = params.fs;
    this.#clock = params.clock;
    this.#random = params.random;
    this.#dir = params.dir;
    this.#config = params.config;
    this.#segments = params.segments;
    this.#recoveryPoint = params.recoveryPoint;
  }

  get dir(): string {
    return this.#dir;
  }

  get config(): LogConfig {
    return this.#config;
  }

  get segments(): readonly LogSegment[] {
    return this.#segments;
  }

  get activeSegment(): LogSegment {
    return this.#segments.at(-1)!;
  }

  get logEndOffset(): bigint {
    return this.activeSegment.nextOffset;
  }

  get recoveryPoint(): bigint {
    return this.#recoveryPoint;
  }

  get size(): number {
    let total = 0;
    for (const s of this.#segments) total += s.size;
    return total;
  }

  updateConfig(config: LogConfig): void {
    this.#config = config;
    for (const s of this.#segments) s.updateConfig(config);
  }

  /** A random share of segment.jitter.ms for a new segment, as Kafka draws it. */
  #rollJitterMs(): number {
    const { segmentJitterMs, segmentMs } = this.#config;
    if (segmentJitterMs <= 0) return 0;
    return Math.floor(this.#random() * Math.min(segmentJitterMs, segmentMs));
  }

  #createSegment(baseOffset: bigint): LogSegment {
    this.#dirDirty = true;
    return LogSegment.create({
      fs: this.#fs,
      dir: this.#dir,
      baseOffset,
      config: this.#config,
      now: this.#clock.now(),
      rollJitterMs: this.#rollJitterMs(),
    });
  }

  /** Starts a new active segment at the log end offset (a no-op when the active one is empty). */
  roll(): LogSegment {
    const active = this.activeSegment;
    if (active.size === 0) return active;
    active.onBecomeInactiveSegment();
    const segment = this.#createSegment(active.nextOffset);
    this.#segments.push(segment);
    return segment;
  }

  /**
   * Rolls when the active segment cannot take `messagesSize` more bytes, is older than
   * segment.ms, has a full index, or cannot hold `maxOffset`; returns the new segment, or null.
   */
  maybeRoll(
    messagesSize: number,
    maxTimestamp: bigint,
    maxOffset: bigint,
    now: number,
  ): LogSegment | null {
    const due = this.activeSegment.shouldRoll({
      segmentBytes: this.#config.segmentBytes,
      segmentMs: this.#config.segmentMs,
      messagesSize,
      maxTimestampInMessages: maxTimestamp,
      maxOffsetInMessages: maxOffset,
      now,
    });
    if (!due) return null;
    const before = this.activeSegment;
    const after = this.roll();
    return after === before ? null : after;
  }

  append(bytes: Buffer, batches: readonly AppendedBatch[]): void {
    this.activeSegment.append(bytes, batches);
  }

  /** Index of the last segment whose base offset is ≤ offset, or -1. */
  floorIndex(offset: bigint): number {
    let lo = 0;
    let hi = this.#segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /**
   * Whole batches from the segment holding `fetchOffset` (see LogSegment.read). A segment that a
   * cleaner's swap or retention closed under the read is read again from the new list.
   */
  async read(
    fetchOffset: bigint,
    maxBytes: number,
    maxOffset: bigint,
    minOneBatch: boolean,
  ): Promise<Buffer> {
    for (let attempt = 0; ; attempt++) {
      const segments = this.#segments;
      try {
        for (let i = Math.max(0, this.floorIndex(fetchOffset)); i < segments.length; i++) {
          const data = await segments[i]!.read(fetchOffset, maxBytes, maxOffset, minOneBatch);
          if (data !== null) return data;
        }
        return EMPTY;
      } catch (err) {
        const replaced = segments !== this.#segments;
        if (!replaced || attempt >= 3 || !isSamsaError(err, 'SAMSA_ERR_LOG_CLOSED')) throw err;
      }
    }
  }

  /**
   * Kafka's collectAbortedTransactions: the aborted transactions whose marker is at or after
   * `fromOffset` and whose first offset is below `upperBound`, from the transaction indexes of the
   * segment holding `startOffset` (fromOffset by default) and the later ones, until an entry shows
   * that every transaction starting below upperBound was decided (transaction-index.ts).
   */
  collectAbortedTransactions(
    fromOffset: bigint,
    upperBound: bigint,
    startOffset: bigint = fromOffset,
  ): AbortedTxn[] {
    const segments = this.#segments;
    const out: AbortedTxn[] = [];
    for (let i = Math.max(0, this.floorIndex(startOffset)); i < segments.length; i++) {
      const result = segments[i]!.txnIndex.collectAbortedTxns(fromOffset, upperBound);
      out.push(...result.abortedTransactions);
      if (result.isComplete) break;
    }
    return out;
  }

  /**
   * Removes everything at or after `offset`: later segments are deleted, the one holding it is
   * truncated. Returns whether anything changed.
   */
  truncateTo(offset: bigint): boolean {
    if (offset >= this.logEndOffset) return false;
    if (offset <= this.#segments[0]!.baseOffset) {
      this.truncateFullyAndStartAt(offset);
      return true;
    }
    const keep = this.floorIndex(offset) + 1;
    const closedSegment = keep < this.#segments.length;
    this.#removeSegments(this.#segments.slice(keep));
    this.#segments = this.#segments.slice(0, keep);
    const active = this.activeSegment;
    active.truncateTo(offset, this.#clock.now());
    active.offsetIndex.loadIntoMemory();
    active.timeIndex.loadIntoMemory();
    // A closed segment may be a cleaned one, with offset gaps: it stays closed.
    if (closedSegment) this.roll();
    if (this.#recoveryPoint > this.logEndOffset) this.#recoveryPoint = this.logEndOffset;
    return true;
  }

  /** Deletes every segment and starts empty at `offset`. */
  truncateFullyAndStartAt(offset: bigint): void {
    this.#removeSegments(this.#segments);
    this.#segments = [this.#createSegment(offset)];
    this.#recoveryPoint = offset;
  }

  /**
   * Deletes the oldest segments `predicate` lets go (see log-retention.ts); when that is all of
   * them, an empty active segment is rolled first, as a log always has one. Returns the count.
   */
  deleteOldestSegmentsWhere(bounds: RetentionBounds, predicate: RetentionPredicate): number {
    const count = countDeletable(this.#segments, bounds, predicate);
    if (count === 0) return 0;
    if (count === this.#segments.length) this.roll();
    this.#removeSegments(this.#segments.slice(0, count));
    this.#segments = this.#segments.slice(count);
    return count;
  }

  /**
   * The log cleaner's swap (segment-swap.ts): `cleaned`, written and fsynced under `.cleaned`
   * names, replaces `old`, consecutive closed segments it covers exactly. `usable` says whether
   * the log is still open and `old` unchanged (the cleaner checks their sizes). Resolves false, discarding `cleaned`, when the log closed or `old`
   * stopped being current meanwhile (retention or truncation got there first). A failure after
   * the commit point rejects with SwapIncompleteError: the log must go offline, and restarting
   * finishes the swap.
   */
  async replaceSegments(
    cleaned: LogSegment,
    old: readonly LogSegment[],
    usable: () => boolean,
  ): Promise<boolean> {
    const current = (): boolean => {
      const at = this.#segments.indexOf(old[0]!);
      return (
        usable() &&
        at >= 0 &&
        at + old.length < this.#segments.length &&
        old.every((s, i) => this.#segments[at + i] === s)
      );
    };
    if (!current()) {
      cleaned.deleteFiles();
      return false;
    }
    cleaned.changeFileSuffixes(CLEANED_FILE_SUFFIX, SWAP_FILE_SUFFIX);
    try {
      await this.#fs.fsyncDir(this.#dir);
    } catch (err) {
      // Not known to be durable either way: the next start decides (it finishes the swap).
      throw new SwapIncompleteError(`Cannot commit the swap of segment ${cleaned.baseOffset}`, {
        cause: err,
      });
    }
    if (!current()) {
      // Committed but overtaken: undo. (A crash before this unlink lands finishes the swap on
      // restart, which only brings back data the log already let go of below its start.)
      cleaned.deleteFiles();
      return false;
    }
    try {
      for (const s of old) s.changeFileSuffixes('', DELETED_FILE_SUFFIX);
      fsyncDirSync(this.#fs, this.#dir);
      cleaned.changeFileSuffixes(SWAP_FILE_SUFFIX, '');
    } catch (err) {
      throw new SwapIncompleteError(`Cannot swap in cleaned segment ${cleaned.baseOffset}`, {
        cause: err,
      });
    }
    const at = this.#segments.indexOf(old[0]!);
    this.#segments = [
      ...this.#segments.slice(0, at),
      cleaned,
      ...this.#segments.slice(at + old.length),
    ];
    this.#dirDirty = true;
    for (const s of old) {
      try {
        s.deleteFiles();
      } catch {
        // A `.deleted` file left behind is removed at the next start.
      }
    }
    try {
      await this.#fs.fsyncDir(this.#dir);
    } catch {
      // Left to the next flush, which fsyncs the directory again (#dirDirty is still set).
    }
    return true;
  }

  #removeSegments(segments: readonly LogSegment[]): void {
    if (segments.length > 0) this.#dirDirty = true;
    for (const s of segments) s.deleteFiles();
  }

  /**
   * fsyncs every segment holding offsets in [recovery point, upTo), and the directory when
   * segments came or went, then advances the recovery point to `upTo`.
   */
  async flush(upTo: bigint): Promise<void> {
    if (upTo <= this.#recoveryPoint) return;
    const from = Math.max(0, this.floorIndex(this.#recoveryPoint));
    const to = this.floorIndex(upTo - 1n);
    const segments = this.#segments.slice(from, to + 1);
    const dirDirty = this.#dirDirty;
    this.#dirDirty = false;
    try {
      await Promise.all(
        segments.map((s) =>
          s.flush().catch((err: unknown) => {
            // A segment deleted by retention meanwhile needs no flush.
            if (this.#segments.includes(s)) throw err;
          }),
        ),
      );
      if (dirDirty) await this.#fs.fsyncDir(this.#dir);
    } catch (err) {
      this.#dirDirty ||= dirDirty;
      throw err;
    }
    if (upTo > this.#recoveryPoint && upTo <= this.logEndOffset) this.#recoveryPoint = upTo;
  }

  /** Records that the directory was renamed (for deletion); open files are unaffected. */
  renameDir(dir: string): void {
    this.#dir = dir;
  }

  close(): void {
    for (const s of this.#segments) s.close();
  }

  /** Closes every file (reads in flight finish first) and removes the directory. */
  async deleteAll(): Promise<void> {
    for (const s of this.#segments) s.close();
    await this.#fs.rm(this.#dir);
  }
}
