// LogCleaner: log compaction for `cleanup.policy=compact` (and `compact,delete`) partitions
// (Kafka's LogCleaner and LogCleanerManager, with one cleaner "thread").
//
// Scheduling: the LogManager's tick calls maybeStart(now), which starts at most one pass, in the
// background, unless one is running or the last look found nothing to clean less than
// log.cleaner.backoff.ms ago. A pass picks the filthiest compacted log and cleans it
// (cleaner-pass.ts); its I/O is asynchronous and chunked, so appends, fetches and the other tick
// work (flush.ms, retention, checkpoints) never wait for it.
//
// Choosing (grabFilthiestCompactedLog): among compacted logs that are not uncleanable, those whose
// dirty ratio is above min.cleanable.dirty.ratio, or with dirty data older than
// max.compaction.lag.ms (cleaner-selection.ts); the highest ratio wins. Beyond Kafka, a log whose
// last pass kept tombstones (or transaction markers due to go) is also taken once their delete
// horizon has passed, so they go delete.retention.ms after the cleaning that first saw them even
// when nothing new is written. The cleanable range never reaches the last stable offset: only
// decided transactions are cleaned (cleaner-txn.ts says what goes of them).
// Horizons are remembered in memory only: after a start, a log cleaned before (it has a
// checkpoint) is taken once delete.retention.ms later, when any horizon set before the restart
// has passed, and its pass tells the cleaner the horizon again.
//
// Progress: Kafka's `cleaner-offset-checkpoint` in each log dir (checkpoint-file.ts format,
// `topic partition offset`): the first offset not yet cleaned, written (tmp, fsync, rename) after
// every pass. A missing or out-of-range entry means the whole log is dirty, which only costs work.
// A log whose pass failed for any reason but closing or changing is marked uncleanable until the
// broker restarts, as Kafka does.
import { join } from 'node:path';
import { isSamsaError } from '../errors/samsa-error.js';
import {
  formatOffsetCheckpoint,
  readOffsetCheckpoint,
  writeCheckpoint,
} from './checkpoint-file.js';
import type { Clock } from './clock.js';
import { CleaningAbortedError, cleanLog, type CleanerStats } from './cleaner-pass.js';
import { LogToClean, cleanableOffsets, maxCompactionDelay } from './cleaner-selection.js';
import { topicPartitionName, type TopicPartition } from './file-names.js';
import type { LogConfig } from './log-config.js';
import type { StorageLogger } from './log-loader.js';
import type { StorageFs } from './storage-fs.js';
import type { UnifiedLog } from './unified-log.js';

export const CLEANER_OFFSET_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';

export interface LogCleanerOptions {
  readonly fs: StorageFs;
  readonly clock: Clock;
  /** log.cleaner.enable (Kafka: true). */
  readonly enable?: boolean;
  /** log.cleaner.backoff.ms (Kafka: 15000). */
  readonly backoffMs?: number;
  /** log.cleaner.dedupe.buffer.size (Kafka: 128 MiB). */
  readonly dedupeBufferBytes?: number;
  /** log.cleaner.io.buffer.size (Kafka: 512 KiB). */
  readonly ioBufferBytes?: number;
  readonly logger?: StorageLogger;
}

export interface CleanerLogEntry {
  readonly log: UnifiedLog;
  readonly logDir: string;
}

export interface CleaningResult {
  readonly topicPartition: TopicPartition;
  readonly firstDirtyOffset: bigint;
  /** The new checkpoint: everything below it was cleaned. */
  readonly endOffset: bigint;
  /** False when the log changed or closed under the pass (the checkpoint then stays). */
  readonly completed: boolean;
  readonly stats: CleanerStats;
}

export class LogCleaner {
  readonly #logs: () => Iterable<CleanerLogEntry>;
  readonly #fs: StorageFs;
  readonly #options: LogCleanerOptions;
  /** Per log dir: partition name → first dirty offset. Read from disk on first use. */
  readonly #checkpoints = new Map<string, Map<string, bigint>>();
  readonly #uncleanable = new Set<string>();
  /** Partition name → earliest delete horizon of tombstones its last pass kept. */
  readonly #tombstoneHorizons = new Map<string, bigint>();
  /** Partitions with a pass completed since the cleaner started (their horizons are known). */
  readonly #horizonsKnown = new Set<string>();
  readonly #startedMs: number;
  #running: Promise<CleaningResult | null> | null = null;
  #checkpointChain: Promise<void> = Promise.resolve();
  #nextLookMs = -Infinity;
  #closed = false;

  constructor(logs: () => Iterable<CleanerLogEntry>, options: LogCleanerOptions) {
    this.#logs = logs;
    this.#fs = options.fs;
    this.#options = options;
    this.#startedMs = options.clock.now();
  }

  get enabled(): boolean {
    return this.#options.enable ?? true;
  }

  #warn(message: string): void {
    this.#options.logger?.warn(message);
  }

  #checkpointFor(logDir: string): Map<string, bigint> {
    let entries = this.#checkpoints.get(logDir);
    if (entries !== undefined) return entries;
    entries = new Map();
    try {
      const path = join(logDir, CLEANER_OFFSET_CHECKPOINT_FILE);
      for (const [key, { offset }] of readOffsetCheckpoint(this.#fs, path) ?? []) {
        entries.set(key, offset);
      }
    } catch (err) {
      if (!isSamsaError(err, 'SAMSA_ERR_CHECKPOINT_CORRUPT')) throw err;
      // Harmless: every log is then dirty from its start.
      this.#warn(`${err.message}; ignoring it`);
    }
    this.#checkpoints.set(logDir, entries);
    return entries;
  }

  /** The cleaner checkpoint of a partition: the first offset not yet cleaned, when known. */
  checkpoint(tp: TopicPartition, logDir: string): bigint | undefined {
    return this.#checkpointFor(logDir).get(topicPartitionName(tp));
  }

  /** Writes `logDir`'s cleaner-offset-checkpoint, listing only logs still there; one at a time. */
  #writeCheckpoint(logDir: string): Promise<void> {
    const run = async (): Promise<void> => {
      const entries = this.#checkpointFor(logDir);
      const present = new Map<string, TopicPartition>();
      for (const { log, logDir: dir } of this.#logs()) {
        if (dir === logDir) present.set(topicPartitionName(log.topicPartition), log.topicPartition);
      }
      for (const key of entries.keys()) if (!present.has(key)) entries.delete(key);
      const lines = [...entries].map(([key, offset]) => ({ tp: present.get(key)!, offset }));
      const path = join(logDir, CLEANER_OFFSET_CHECKPOINT_FILE);
      await writeCheckpoint(this.#fs, path, formatOffsetCheckpoint(lines));
    };
    const done = this.#checkpointChain.then(run, run);
    this.#checkpointChain = done.catch(() => undefined);
    return done;
  }

  /** Forgets a deleted partition (Kafka's updateCheckpoints with a partition to remove). */
  async forget(tp: TopicPartition, logDir: string): Promise<void> {
    const key = topicPartitionName(tp);
    this.#uncleanable.delete(key);
    this.#tombstoneHorizons.delete(key);
    this.#horizonsKnown.delete(key);
    if (this.#checkpointFor(logDir).delete(key)) await this.#writeCheckpoint(logDir);
  }

  /** Whether a failed pass took the partition out of cleaning (until restart). */
  isUncleanable(tp: TopicPartition): boolean {
    return this.#uncleanable.has(topicPartitionName(tp));
  }

  /**
   * Kafka's grabFilthiestCompactedLog: the compacted log most worth cleaning now, or null.
   * Rewrites checkpoints found out of range.
   */
  grabFilthiestCompactedLog(
    now: number,
  ): { toClean: LogToClean<UnifiedLog>; logDir: string } | null {
    let best: { toClean: LogToClean<UnifiedLog>; logDir: string } | null = null;
    for (const { log, logDir } of this.#logs()) {
      const key = topicPartitionName(log.topicPartition);
      if (!log.config.cleanupPolicy.compact || log.isClosed || log.isOffline) continue;
      if (this.#uncleanable.has(key)) continue;
      const checkpoints = this.#checkpointFor(logDir);
      const offsets = cleanableOffsets(log, checkpoints.get(key), now);
      if (offsets.forceUpdateCheckpoint) {
        checkpoints.set(key, offsets.firstDirtyOffset);
        this.#writeCheckpoint(logDir).catch((err: unknown) => this.#warn(String(err)));
      }
      const needNow = maxCompactionDelay(log, offsets.firstDirtyOffset, now) > 0;
      const toClean = new LogToClean(log, offsets, needNow);
      if (toClean.totalBytes === 0) continue;
      const tombstonesDue = this.#tombstonesDue(key, checkpoints.has(key), log.config, now);
      const cleanable =
        (toClean.needCompactionNow && toClean.cleanableBytes > 0) ||
        toClean.cleanableRatio > log.config.minCleanableDirtyRatio ||
        tombstonesDue;
      if (!cleanable) continue;
      if (best === null || toClean.cleanableRatio > best.toClean.cleanableRatio) {
        best = { toClean, logDir };
      }
    }
    return best;
  }

  /** Whether tombstones kept by an earlier pass may have reached their delete horizon. */
  #tombstonesDue(key: string, cleanedBefore: boolean, config: LogConfig, now: number): boolean {
    const horizon = this.#tombstoneHorizons.get(key);
    if (horizon !== undefined) return BigInt(now) >= horizon;
    if (this.#horizonsKnown.has(key) || !cleanedBefore) return false;
    return now - this.#startedMs >= config.deleteRetentionMs;
  }

  /** One pass (Kafka's cleanFilthiestLog): the filthiest log cleaned, or null when none is due. */
  async cleanFilthiestLog(now: number = this.#options.clock.now()): Promise<CleaningResult | null> {
    if (this.#closed) return null;
    const chosen = this.grabFilthiestCompactedLog(now);
    if (chosen === null) return null;
    const { toClean, logDir } = chosen;
    const { log } = toClean;
    const key = topicPartitionName(log.topicPartition);
    const checkDone = (): void => {
      if (this.#closed) throw new CleaningAbortedError('The log cleaner is shutting down');
      if (log.isClosed || log.isOffline) {
        throw new CleaningAbortedError(`Partition log ${key} closed during cleaning`);
      }
    };
    try {
      const result = await cleanLog(toClean, now, {
        fs: this.#fs,
        dedupeBufferBytes: this.#options.dedupeBufferBytes ?? 128 * 1024 * 1024,
        // Kafka splits log.cleaner.io.buffer.size into a read and a write buffer.
        ioBufferBytes: Math.max(1, Math.floor((this.#options.ioBufferBytes ?? 512 * 1024) / 2)),
        checkDone,
      });
      if (result.completed) {
        this.#horizonsKnown.add(key);
        if (result.tombstoneHorizon === null) this.#tombstoneHorizons.delete(key);
        else this.#tombstoneHorizons.set(key, result.tombstoneHorizon);
        if (!log.isClosed) {
          this.#checkpointFor(logDir).set(key, result.endOffset);
          await this.#writeCheckpoint(logDir);
        }
      }
      return {
        topicPartition: log.topicPartition,
        firstDirtyOffset: toClean.firstDirtyOffset,
        endOffset: result.endOffset,
        completed: result.completed,
        stats: result.stats,
      };
    } catch (err) {
      // A segment retention or truncation removed under the pass: the log changed, not failed.
      const overtaken = isSamsaError(err, 'SAMSA_ERR_LOG_CLOSED') && !log.isOffline;
      if (err instanceof CleaningAbortedError || log.isClosed || overtaken) return null;
      this.#uncleanable.add(key);
      this.#warn(
        `Cleaning partition ${key} failed; it is left uncompacted until restart: ${String(err)}`,
      );
      return null;
    }
  }

  /**
   * Starts a pass in the background (LogManager.tick) unless one is running, the cleaner is
   * disabled or closed, or the last look found nothing less than log.cleaner.backoff.ms ago.
   */
  maybeStart(now: number): void {
    if (!this.enabled || this.#closed || this.#running !== null || now < this.#nextLookMs) return;
    const run = this.cleanFilthiestLog(now).then(
      (result) => {
        // Kafka's cleaner thread backs off only when it found nothing to clean.
        this.#nextLookMs = result === null ? now + (this.#options.backoffMs ?? 15_000) : now;
        return result;
      },
      (err: unknown) => {
        this.#warn(`Log cleaner pass failed: ${String(err)}`);
        this.#nextLookMs = now + (this.#options.backoffMs ?? 15_000);
        return null;
      },
    );
    this.#running = run;
    void run.finally(() => {
      if (this.#running === run) this.#running = null;
    });
  }

  /** The pass in flight (its result), or null at once when none is. */
  idle(): Promise<CleaningResult | null> {
    return this.#running ?? Promise.resolve(null);
  }

  /** Stops: the pass in flight aborts at its next step (its files are discarded) and is awaited. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#running;
    await this.#checkpointChain;
  }
}
