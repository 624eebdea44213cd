// UnifiedLog: a partition's log on local disk, the PartitionLog the broker uses (Kafka's name).
// It ties together the segments (LocalLog), validation (log-validator.ts), the leader epoch
// cache, the in-memory tail cache, long-poll waiters, the flush policy and retention.
//
// Concurrency: every state change happens synchronously inside one call (validation, offset
// assignment, the write, the index and cache updates), so two appends can never interleave and
// readers never see a half-applied append. Only fsync and file reads are awaited.
//
// Durability (ARCHITECTURE.md invariant 2): an append resolves after its bytes were handed to the
// kernel, so acks=1 survives `kill -9`. Kafka's defaults (flush.messages and flush.ms of Long.MAX)
// leave writing to disk to the OS, so surviving power loss needs a flush policy: flush.messages=N
// fsyncs before acknowledging the append that reaches N unflushed messages; flush.ms fsyncs from
// LogManager.tick() once the oldest unflushed append is that old. Rolled segments are flushed in
// the background, as Kafka does. The recovery point advances only after an fsync succeeded.
//
// A failed write or fsync takes the log offline (SAMSA_ERR_LOG_OFFLINE, KAFKA_STORAGE_ERROR on
// the wire), like Kafka's log-dir failure: after a failed fsync the page cache can no longer be
// trusted, and restarting runs recovery.
//
// Idempotent producers (producer-state-manager.ts): a client batch with a producer id is checked
// against the producer's state after validation and before the write; a retry of one of its last
// five batches is not written again and is answered with the offsets it got the first time (and,
// as Kafka does, its stored max timestamp as the log append time). The state is updated only
// after the bytes are written, snapshotted when a segment rolls and on close, rebuilt on open and
// after truncation, and expired by removeExpiredProducers (producer.id.expiration.ms).
//
// Transactions (KIP-98), as Kafka's UnifiedLog keeps them:
//  - A client's transactional batch is appended like any idempotent one; it opens the producer's
//    transaction (producer-append-info.ts has the rules and errors).
//  - The transaction coordinator ends it with a COMMIT or ABORT control batch appended with origin
//    'coordinator'. The transaction it completes is applied after the write: an aborted one gets
//    an entry in the active segment's transaction index (transaction-index.ts), then the
//    transaction leaves the producer state's open ones.
//  - lastStableOffset: the first offset of the earliest transaction not yet decided (or decided by
//    a marker the high watermark has not passed), never below the log start offset; the high
//    watermark when there is none. read_committed reads (isolation 'txn_committed') stop there,
//    and list the aborted transactions overlapping the batches they return, as Fetch reports them
//    (bounded by the end of the last batch returned, where Kafka rounds up to an index entry).
//  - Not here: Kafka's KIP-890 verification of a producer's first transactional write (the
//    VerificationGuard the Produce path obtains from the transaction coordinator); a
//    transactional batch simply opens a transaction. Nor is a transaction left open past
//    transaction.max.timeout.ms reported (Kafka's hasLateTransaction metric).
import { SYSTEM_CLOCK, type Clock } from './clock.js';
import { topicPartitionName, type TopicPartition } from './file-names.js';
import { lastOffsetOfBatches } from './file-records.js';
import { AppendWaiters } from './append-waiters.js';
import type { LeaderEpochFileCache } from './leader-epoch-cache.js';
import { SwapIncompleteError, type LocalLog } from './local-log.js';
import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';
import { loadLog, type StorageLogger } from './log-loader.js';
import {
  logStartOffsetBreached,
  retentionBytesBreached,
  retentionMsBreached,
  type RetentionPredicate,
} from './log-retention.js';
import { LogFlusher } from './log-flusher.js';
import { validateAndAssignOffsets } from './log-validator.js';
import type {
  AppendOptions,
  AppendResult,
  EpochEndOffset,
  ActiveProducer,
  FetchIsolation,
  PartitionLog,
  ReadOptions,
  ReadResult,
  TimestampAndOffset,
} from './partition-log.js';
import { logClosed, logOffline, offsetOutOfRange } from './storage-errors.js';
import { NODE_STORAGE_FS, type StorageFs } from './storage-fs.js';
import { TailCache } from './tail-cache.js';
import { firstOffsetOf, type BatchMetadata } from './producer-state-entry.js';
import type { ProducerStateManager } from './producer-state-manager.js';
import { rebuildProducerState } from './producer-state-rebuild.js';
import { offsetForTimestamp } from './timestamp-lookup.js';
import type { AbortedTransaction, AbortedTxn } from './transaction-index.js';

const EMPTY = Buffer.alloc(0);
/** What most read_committed reads list (never mutated). */
const NO_ABORTED_TRANSACTIONS: readonly AbortedTransaction[] = Object.freeze([]);
/** Per-partition tail cache budget unless the LogManager says otherwise. */
export const DEFAULT_TAIL_CACHE_BYTES = 1024 * 1024;

export interface UnifiedLogOptions {
  readonly dir: string;
  readonly topicPartition: TopicPartition;
  readonly config: LogConfig;
  readonly fs?: StorageFs;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Checkpointed recovery point; 0 (recover everything) when absent. */
  readonly recoveryPoint?: bigint;
  /** Checkpointed log start offset; 0 when absent. */
  readonly logStartOffset?: bigint;
  readonly hadCleanShutdown?: boolean;
  /** producer.id.expiration.ms (Kafka's default, one day, when absent). */
  readonly producerIdExpirationMs?: number;
  readonly tailCacheBytes?: number;
  readonly logger?: StorageLogger;
}

export class UnifiedLog implements PartitionLog {
  readonly topicPartition: TopicPartition;
  readonly #local: LocalLog;
  readonly #epochCache: LeaderEpochFileCache;
  readonly #producerState: ProducerStateManager;
  readonly #tailCache: TailCache;
  readonly #waiters = new AppendWaiters();
  /** read_committed long polls: woken as the last stable offset advances. */
  readonly #stableWaiters = new AppendWaiters();
  readonly #clock: Clock;
  #logStartOffset: bigint;
  #highWatermark: bigint;
  #closing = false;
  #closedUnflushed = false;
  #offline: Error | null = null;
  readonly #flusher: LogFlusher;

  private constructor(options: UnifiedLogOptions) {
    const fs = options.fs ?? NODE_STORAGE_FS;
    fs.mkdirSync(options.dir);
    this.topicPartition = options.topicPartition;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    const loaded = loadLog({
      fs,
      dir: options.dir,
      topicPartition: options.topicPartition,
      config: options.config,
      clock: this.#clock,
      random: options.random ?? Math.random,
      recoveryPoint: options.recoveryPoint ?? 0n,
      logStartOffset: options.logStartOffset ?? 0n,
      hadCleanShutdown: options.hadCleanShutdown ?? false,
      ...(options.producerIdExpirationMs === undefined
        ? {}
        : { producerIdExpirationMs: options.producerIdExpirationMs }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    this.#local = loaded.localLog;
    this.#epochCache = loaded.epochCache;
    this.#producerState = loaded.producerState;
    this.#logStartOffset = loaded.logStartOffset;
    // A single node's high watermark is its log end offset (see updateHighWatermark).
    this.#highWatermark = this.#local.logEndOffset;
    this.#producerState.onHighWatermarkUpdated(this.#highWatermark);
    this.#tailCache = new TailCache(options.tailCacheBytes ?? DEFAULT_TAIL_CACHE_BYTES);
    this.#flusher = new LogFlusher(this.#local, this.#clock.now());
  }

  /** Opens (creating when new) and recovers the partition log in `options.dir`. */
  static open(options: UnifiedLogOptions): UnifiedLog {
    return new UnifiedLog(options);
  }

  get dir(): string {
    return this.#local.dir;
  }
  get config(): LogConfig {
    return this.#local.config;
  }
  get logStartOffset(): bigint {
    return this.#logStartOffset;
  }
  get logEndOffset(): bigint {
    return this.#local.logEndOffset;
  }
  get highWatermark(): bigint {
    return this.#highWatermark;
  }
  get lastStableOffset(): bigint {
    const unstable = this.#producerState.firstUnstableOffset;
    if (unstable === null) return this.#highWatermark;
    const first = unstable < this.#logStartOffset ? this.#logStartOffset : unstable;
    return first < this.#highWatermark ? first : this.#highWatermark;
  }
  get recoveryPoint(): bigint {
    return this.#local.recoveryPoint;
  }
  get size(): number {
    return this.#local.size;
  }
  get latestEpoch(): number | null {
    return this.#epochCache.latestEpoch;
  }
  get isOffline(): boolean {
    return this.#offline !== null;
  }
  get isClosed(): boolean {
    return this.#closing;
  }
  /** Base offsets of the segments, oldest first (for tools and tests). */
  get segmentBaseOffsets(): bigint[] {
    return this.#local.segments.map((s) => s.baseOffset);
  }
  get tailCache(): TailCache {
    return this.#tailCache;
  }
  /** The segments, oldest first; the log cleaner reads them (read-only). */
  get segments(): readonly LogSegment[] {
    return this.#local.segments;
  }
  /** The idempotent producers' state (read it; only the log changes it). */
  get producerState(): ProducerStateManager {
    return this.#producerState;
  }

  /**
   * The aborted transactions with a marker at or after the log start offset and a first offset
   * below `upperBound`, from the segment holding `startOffset` on (Kafka's
   * collectAbortedTransactions, for the log cleaner).
   */
  collectAbortedTransactions(startOffset: bigint, upperBound: bigint): AbortedTxn[] {
    return this.#local.collectAbortedTransactions(this.#logStartOffset, upperBound, startOffset);
  }

  updateConfig(config: LogConfig): void {
    this.#local.updateConfig(config);
  }

  /**
   * The log cleaner's swap of `cleaned` for `old` (LocalLog.replaceSegments); false when the log
   * closed or changed meanwhile. A failure past the commit point takes the log offline.
   */
  async replaceSegments(
    cleaned: LogSegment,
    old: readonly LogSegment[],
    unchanged: () => boolean,
  ): Promise<boolean> {
    const usable = (): boolean => !this.#closing && this.#offline === null && unchanged();
    try {
      if (!(await this.#local.replaceSegments(cleaned, old, usable))) return false;
    } catch (err) {
      throw err instanceof SwapIncompleteError
        ? this.#goOffline('swap cleaned segments', err)
        : err;
    }
    const cached = this.#tailCache.firstOffset;
    if (cached !== null && cached < old.at(-1)!.nextOffset) this.#tailCache.clear();
    return true;
  }

  #check(operation: string): void {
    if (this.#offline !== null) throw this.#offline;
    if (this.#closing) throw logClosed(this.topicPartition, operation);
  }

  #goOffline(operation: string, err: unknown): Error {
    if (this.#offline === null) {
      this.#offline = logOffline(this.topicPartition, operation, err);
      this.#waiters.close();
      this.#stableWaiters.close();
    }
    return this.#offline;
  }

  async appendAsLeader(records: Buffer, options: AppendOptions): Promise<AppendResult> {
    this.#check('append');
    const now = this.#clock.now();
    const validated = validateAndAssignOffsets({
      records,
      topicPartition: this.topicPartition,
      config: this.config,
      now,
      firstOffset: this.logEndOffset,
      partitionLeaderEpoch: options.leaderEpoch,
      origin: options.origin ?? 'client',
    });
    const origin = options.origin ?? 'client';
    const producers = this.#producerState.analyzeAppend(validated.batches, origin);
    if (!('updates' in producers)) return this.#duplicateResult(producers, validated.recordCount);
    const bytes = validated.records;
    try {
      const rolled = this.#local.maybeRoll(
        bytes.length,
        validated.maxTimestamp,
        validated.lastOffset,
        now,
      );
      if (rolled !== null) {
        // A snapshot at the new segment's base offset, so recovery replays from there; Kafka
        // flushes it, and the segment it rolled away from, in the background.
        this.#producerState.updateMapEndOffset(rolled.baseOffset);
        const snapshot = this.#producerState.takeSnapshot();
        this.#flushTo(rolled.baseOffset)
          .then(() => (snapshot === null ? undefined : this.#producerState.flushSnapshot(snapshot)))
          .catch((err: unknown) => {
            if (!this.#closedUnflushed) this.#goOffline('flush a producer snapshot', err);
          });
      }
      // The epoch entry goes to disk before the data it describes.
      for (const b of validated.batches) this.#epochCache.assign(options.leaderEpoch, b.baseOffset);
      this.#local.append(bytes, validated.batches);
    } catch (err) {
      throw this.#goOffline('append', err);
    }
    for (const info of producers.updates.values()) this.#producerState.update(info);
    for (const completed of producers.completedTxns) {
      // Kafka's order: the index entry (with the LSO the abort leaves) before the completion.
      try {
        const lastStable = this.#producerState.lastStableOffset(completed);
        this.#local.activeSegment.updateTxnIndex(completed, lastStable);
      } catch (err) {
        throw this.#goOffline('append to the transaction index', err);
      }
      this.#producerState.completeTxn(completed);
    }
    this.#producerState.updateMapEndOffset(this.logEndOffset);
    this.#tailCache.append(bytes, validated.batches, this.#local.activeSegment.baseOffset);
    this.#flusher.appended(now);
    this.updateHighWatermark(this.logEndOffset);
    const result: AppendResult = {
      firstOffset: validated.batches[0]!.baseOffset,
      lastOffset: validated.lastOffset,
      logAppendTime: validated.logAppendTime,
      logStartOffset: this.#logStartOffset,
      recordCount: validated.recordCount,
      sizeInBytes: bytes.length,
      duplicate: false,
    };
    if (Number(this.logEndOffset - this.recoveryPoint) >= this.config.flushMessages) {
      await this.flush();
    }
    return result;
  }

  #duplicateResult(duplicate: BatchMetadata, recordCount: number): AppendResult {
    return {
      firstOffset: firstOffsetOf(duplicate),
      lastOffset: duplicate.lastOffset,
      logAppendTime: duplicate.timestamp,
      logStartOffset: this.#logStartOffset,
      recordCount,
      sizeInBytes: 0,
      duplicate: true,
    };
  }

  /**
   * Moves the high watermark (clamped to [log start, log end]). On a single node every append
   * calls it with the log end offset; replication will call it as followers catch up.
   */
  updateHighWatermark(offset: bigint): void {
    const clamped =
      offset > this.logEndOffset
        ? this.logEndOffset
        : offset < this.#logStartOffset
          ? this.#logStartOffset
          : offset;
    if (clamped === this.#highWatermark) return;
    this.#highWatermark = clamped;
    this.#producerState.onHighWatermarkUpdated(clamped);
    this.#waiters.notify(clamped);
    this.#notifyStable();
  }

  /** Wakes the read_committed long polls the last stable offset has passed. */
  #notifyStable(): void {
    if (this.#stableWaiters.size > 0) this.#stableWaiters.notify(this.lastStableOffset);
  }

  #isolationBound(isolation: FetchIsolation | undefined): bigint {
    if (isolation === 'log_end') return this.logEndOffset;
    return isolation === 'txn_committed' ? this.lastStableOffset : this.#highWatermark;
  }

  /**
   * Kafka's collectAbortedTransactions for a read: the aborted transactions overlapping the
   * returned batches (marker at or after the fetch offset, first offset before the end of the last
   * batch returned).
   */
  #abortedTransactions(fetchOffset: bigint, records: Buffer): readonly AbortedTransaction[] {
    if (records.length === 0) return NO_ABORTED_TRANSACTIONS;
    const upperBound = lastOffsetOfBatches(records) + 1n;
    const found = this.#local.collectAbortedTransactions(fetchOffset, upperBound);
    if (found.length === 0) return NO_ABORTED_TRANSACTIONS;
    return found.map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
  }

  async read(fetchOffset: bigint, options: ReadOptions): Promise<ReadResult> {
    this.#check('read');
    const name = topicPartitionName(this.topicPartition);
    if (fetchOffset < this.#logStartOffset || fetchOffset > this.logEndOffset) {
      throw offsetOutOfRange(
        `Received request for offset ${fetchOffset} for partition ${name}, but we only have log segments in the range ${this.#logStartOffset} to ${this.logEndOffset}.`,
      );
    }
    const maxOffset = this.#isolationBound(options.isolation);
    const minOneBatch = options.minOneBatch ?? true;
    let records: Buffer = EMPTY;
    let fromTailCache = false;
    if (fetchOffset < maxOffset) {
      const cached = this.#tailCache.read(fetchOffset, options.maxBytes, maxOffset, minOneBatch);
      fromTailCache = cached !== null;
      records =
        cached ?? (await this.#local.read(fetchOffset, options.maxBytes, maxOffset, minOneBatch));
    }
    const result: ReadResult = {
      records,
      highWatermark: this.#highWatermark,
      lastStableOffset: this.lastStableOffset,
      logStartOffset: this.#logStartOffset,
      logEndOffset: this.logEndOffset,
      fromTailCache,
    };
    if (options.isolation !== 'txn_committed') return result;
    return { ...result, abortedTransactions: this.#abortedTransactions(fetchOffset, records) };
  }

  async offsetForTimestamp(
    timestamp: bigint,
    options: { isolation?: FetchIsolation } = {},
  ): Promise<TimestampAndOffset | null> {
    this.#check('look up offsets');
    return offsetForTimestamp(timestamp, {
      segments: this.#local.segments,
      epochCache: this.#epochCache,
      logStartOffset: this.#logStartOffset,
      upperBound: this.#isolationBound(options.isolation),
    });
  }

  endOffsetForEpoch(leaderEpoch: number): EpochEndOffset {
    this.#check('look up leader epochs');
    return this.#epochCache.endOffsetFor(leaderEpoch, this.logEndOffset);
  }

  activeProducers(): readonly ActiveProducer[] {
    return [...this.#producerState.producers.values()]
      .map((p) => ({
        producerId: p.producerId,
        producerEpoch: p.producerEpoch,
        lastSequence: p.lastSeq,
        lastTimestamp: p.lastTimestamp,
        coordinatorEpoch: p.coordinatorEpoch,
        currentTxnStartOffset: p.currentTxnFirstOffset ?? -1n,
      }))
      .sort((a, b) => (a.producerId < b.producerId ? -1 : a.producerId > b.producerId ? 1 : 0));
  }

  waitForAppend(offset: bigint, signal?: AbortSignal, isolation?: FetchIsolation): Promise<void> {
    if (isolation === 'txn_committed') {
      return this.#stableWaiters.wait(offset, this.lastStableOffset, signal);
    }
    return this.#waiters.wait(offset, this.#highWatermark, signal);
  }

  async truncateTo(offset: bigint): Promise<void> {
    this.#check('truncate');
    if (offset < 0n) throw new RangeError(`Cannot truncate to negative offset ${offset}`);
    if (offset >= this.logEndOffset) return;
    try {
      if (offset <= this.#logStartOffset) {
        this.#local.truncateFullyAndStartAt(offset);
        this.#logStartOffset = offset;
        this.#producerState.truncateFullyAndStartAt(offset);
      } else {
        this.#local.truncateTo(offset);
        const segments = this.#local.segments;
        rebuildProducerState(this.#producerState, segments, this.logEndOffset, this.#clock.now());
      }
      this.#epochCache.truncateFromEnd(this.logEndOffset);
    } catch (err) {
      throw this.#goOffline('truncate', err);
    }
    this.#tailCache.clear();
    if (this.#highWatermark > this.logEndOffset) this.#highWatermark = this.logEndOffset;
    this.#producerState.onHighWatermarkUpdated(this.#highWatermark);
  }

  async deleteRecordsBefore(offset: bigint): Promise<bigint> {
    this.#check('delete records');
    const name = topicPartitionName(this.topicPartition);
    const target = offset === -1n ? this.#highWatermark : offset;
    if (target < 0n) {
      throw offsetOutOfRange(`The offset ${target} for partition ${name} is not valid`);
    }
    if (target > this.#highWatermark) {
      throw offsetOutOfRange(
        `Cannot increment the log start offset to ${target} of partition ${name} since it is larger than the high watermark ${this.#highWatermark}`,
      );
    }
    if (target > this.#logStartOffset) {
      this.#logStartOffset = target;
      this.#producerState.onLogStartOffsetIncremented(target);
      try {
        this.#epochCache.truncateFromStart(target);
      } catch (err) {
        throw this.#goOffline('delete records', err);
      }
      this.#notifyStable();
    }
    return this.#logStartOffset;
  }

  flush(): Promise<void> {
    try {
      this.#check('flush');
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#flushTo(null);
  }

  #flushTo(target: bigint | null): Promise<void> {
    return this.#flusher.flush(
      target,
      () => {
        if (this.#offline !== null) throw this.#offline;
        // Queued behind an fsync while the log was closed for deletion: nothing to keep.
        return !this.#closedUnflushed;
      },
      (err) => this.#goOffline('flush', err),
    );
  }

  /** flush.ms: fsyncs when the oldest unflushed append is at least that old. */
  async maybeFlush(now: number): Promise<void> {
    if (this.#closing || this.#offline !== null) return;
    if (this.#flusher.isDue(now, this.config.flushMs)) await this.flush();
  }

  /** Retention (see log-retention.ts); returns the number of segments deleted. */
  deleteOldSegments(now: number): number {
    if (this.#closing || this.#offline !== null) return 0;
    let deleted = 0;
    if (this.config.cleanupPolicy.delete) {
      deleted += this.#deleteSegments(retentionMsBreached(this.config, now));
      deleted += this.#deleteSegments(retentionBytesBreached(this.config, this.size));
    }
    deleted += this.#deleteSegments(logStartOffsetBreached(this.#logStartOffset));
    return deleted;
  }

  #deleteSegments(predicate: RetentionPredicate | null): number {
    if (predicate === null) return 0;
    const bounds = { highWatermark: this.#highWatermark, logEndOffset: this.logEndOffset };
    try {
      const active = this.#local.activeSegment;
      const count = this.#local.deleteOldestSegmentsWhere(bounds, predicate);
      const first = this.#local.segments[0]!.baseOffset;
      // Snapshots go with their segments; a roll (every segment was deletable) takes one, as any
      // roll does, so the producers of the deleted segments survive a restart.
      if (this.#local.activeSegment !== active) {
        this.#producerState.updateMapEndOffset(this.logEndOffset);
        this.#producerState.takeSnapshot();
      }
      this.#producerState.deleteSnapshotsBefore(first);
      if (first > this.#logStartOffset) {
        this.#logStartOffset = first;
        this.#producerState.onLogStartOffsetIncremented(first);
        this.#epochCache.truncateFromStart(first);
        this.#notifyStable();
      }
      return count;
    } catch (err) {
      throw this.#goOffline('delete segments', err);
    }
  }

  /** Flushes (unless offline), then closes every file; waiters are woken. */
  async close(): Promise<void> {
    if (this.#closing) return;
    if (this.#offline === null) {
      try {
        await this.flush();
        await this.#snapshotProducerState();
      } catch {
        // Offline now; closing still releases the files.
      }
    }
    this.#closing = true;
    this.#waiters.close();
    this.#stableWaiters.close();
    this.#local.close();
  }

  /** A durable snapshot at the log end (clean shutdown), so the next open replays nothing. */
  async #snapshotProducerState(): Promise<void> {
    try {
      this.#producerState.updateMapEndOffset(this.logEndOffset);
      const offset = this.#producerState.takeSnapshot();
      if (offset !== null) await this.#producerState.flushSnapshot(offset);
    } catch (err) {
      throw this.#goOffline('snapshot producer state', err);
    }
  }

  /** producer.id.expiration.ms: forgets producers idle that long; returns how many. */
  removeExpiredProducers(now: number, producerIdExpirationMs?: number): number {
    if (this.#closing || this.#offline !== null) return 0;
    if (producerIdExpirationMs !== undefined) {
      this.#producerState.producerIdExpirationMs = producerIdExpirationMs;
    }
    return this.#producerState.removeExpiredProducers(now);
  }

  /** Closes without flushing: the partition is being deleted or moved. */
  closeUnflushed(): void {
    this.#closing = true;
    this.#closedUnflushed = true;
    this.#waiters.close();
    this.#stableWaiters.close();
    this.#local.close();
  }

  /** Records a rename of the partition directory (the LogManager's delete). */
  renameDir(dir: string): void {
    this.#local.renameDir(dir);
    this.#epochCache.dir = dir;
    this.#producerState.renameDir(dir);
  }

  async delete(): Promise<void> {
    this.closeUnflushed();
    await this.#local.deleteAll();
  }
}
