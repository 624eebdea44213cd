// LogManager: owns the log directories (`log.dirs`), and every partition log in them.
//
// Startup: each log dir is created if missing; `-delete` directories left by a deleted topic are
// removed; every `<topic>-<partition>` directory is loaded (log-loader.ts) with the recovery point
// and log start offset from the dir's checkpoint files, skipping recovery when the
// `.kafka_cleanshutdown` marker says the last stop was clean (the marker is then removed, durably,
// before anything is written). A partition present in two dirs is refused.
//
// tick(now) does the periodic work Kafka's scheduler does: flush.ms flushes, retention every
// log.retention.check.interval.ms, recovery-point and log-start-offset checkpoints every
// log.flush.offset.checkpoint.interval.ms / log.flush.start.offset.checkpoint.interval.ms,
// expiry of idle idempotent producers (producer.id.expiration.ms, checked every
// producer.id.expiration.check.interval.ms), and removal of deleted partitions once
// file.delete.delay.ms has passed. The broker calls it on an
// interval; tests call it with an injected clock. close() flushes and closes every log, writes the
// checkpoints and the clean shutdown marker. Each tick may also start one log cleaner pass
// (log-cleaner.ts: compaction), which runs in the background; close() stops it first.
//
// Deleting a partition renames its directory to `<topic>-<partition>.<uuid>-delete` first, as
// Kafka does, so the name is free at once and a crash cannot resurrect it. Segment files dropped
// by retention are unlinked right away (readers in flight keep their descriptor open; see
// ref-counted-fd.ts), which is the simplification of file.delete.delay.ms for segments.
import { join } from 'node:path';
import { SamsaError, isSamsaError } from '../errors/samsa-error.js';
import {
  formatOffsetCheckpoint,
  readOffsetCheckpoint,
  writeCheckpoint,
} from './checkpoint-file.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';
import {
  CLEAN_SHUTDOWN_FILE,
  LOG_START_OFFSET_CHECKPOINT_FILE,
  RECOVERY_POINT_CHECKPOINT_FILE,
  TMP_FILE_SUFFIX,
  checkTopicPartition,
  deleteDirName,
  isDeleteDirName,
  parsePartitionDirName,
  topicPartitionName,
  type TopicPartition,
} from './file-names.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
import type { StorageLogger } from './log-loader.js';
import { LogCleaner } from './log-cleaner.js';
import { NODE_STORAGE_FS, type StorageFs } from './storage-fs.js';
import { UnifiedLog } from './unified-log.js';

export interface LogManagerOptions {
  /** log.dirs: every directory holding partition logs. */
  readonly logDirs: readonly string[];
  readonly fs?: StorageFs;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** The config of a topic's partitions when loaded or created; DEFAULT_LOG_CONFIG otherwise. */
  readonly configFor?: (topic: string) => LogConfig;
  /** Per-partition tail cache budget in bytes (0 disables). */
  readonly tailCacheBytes?: number;
  /** log.retention.check.interval.ms (Kafka: 300000). */
  readonly retentionCheckIntervalMs?: number;
  /** log.flush.offset.checkpoint.interval.ms (Kafka: 60000). */
  readonly recoveryPointCheckpointIntervalMs?: number;
  /** log.flush.start.offset.checkpoint.interval.ms (Kafka: 60000). */
  readonly logStartOffsetCheckpointIntervalMs?: number;
  /** producer.id.expiration.ms (Kafka: 86400000, one day). */
  readonly producerIdExpirationMs?: number;
  /** producer.id.expiration.check.interval.ms, an internal Kafka config (600000). */
  readonly producerIdExpirationCheckIntervalMs?: number;
  /** log.cleaner.enable (Kafka: true). */
  readonly logCleanerEnable?: boolean;
  /** log.cleaner.backoff.ms (Kafka: 15000). */
  readonly logCleanerBackoffMs?: number;
  /** log.cleaner.dedupe.buffer.size (Kafka: 134217728). */
  readonly logCleanerDedupeBufferBytes?: number;
  /** log.cleaner.io.buffer.size (Kafka: 524288). */
  readonly logCleanerIoBufferBytes?: number;
  readonly logger?: StorageLogger;
}

const CLEAN_SHUTDOWN_CONTENT = Buffer.from('{"version":0,"brokerEpoch":-1}');

interface PendingDelete {
  readonly path: string;
  readonly deleteAtMs: number;
}

export class LogManager {
  readonly logDirs: readonly string[];
  /** Compaction of the `cleanup.policy=compact` logs. */
  readonly cleaner: LogCleaner;
  readonly #fs: StorageFs;
  readonly #clock: Clock;
  readonly #options: LogManagerOptions;
  readonly #logs = new Map<string, { log: UnifiedLog; logDir: string }>();
  readonly #pendingDeletes: PendingDelete[] = [];
  #lastRetentionMs: number;
  #lastRecoveryCheckpointMs: number;
  #lastStartCheckpointMs: number;
  #lastProducerExpirationMs: number;
  #producerIdExpirationMs: number | undefined;
  #checkpointChain: Promise<void> = Promise.resolve();
  #tickChain: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(options: LogManagerOptions) {
    if (options.logDirs.length === 0) {
      throw new SamsaError('SAMSA_ERR_LOG_DIR_INVALID', 'At least one log dir is required');
    }
    this.logDirs = [...options.logDirs];
    this.#fs = options.fs ?? NODE_STORAGE_FS;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#options = options;
    const now = this.#clock.now();
    this.#lastRetentionMs = now;
    this.#lastRecoveryCheckpointMs = now;
    this.#lastStartCheckpointMs = now;
    this.#lastProducerExpirationMs = now;
    this.#producerIdExpirationMs = options.producerIdExpirationMs;
    this.cleaner = new LogCleaner(() => this.#logs.values(), {
      fs: this.#fs,
      clock: this.#clock,
      enable: options.logCleanerEnable,
      backoffMs: options.logCleanerBackoffMs,
      dedupeBufferBytes: options.logCleanerDedupeBufferBytes,
      ioBufferBytes: options.logCleanerIoBufferBytes,
      logger: options.logger,
    });
  }

  /** Loads (recovering as needed) every partition log in `options.logDirs`. */
  static async open(options: LogManagerOptions): Promise<LogManager> {
    const manager = new LogManager(options);
    for (const logDir of manager.logDirs) await manager.#loadDir(logDir);
    return manager;
  }

  #configFor(topic: string): LogConfig {
    return this.#options.configFor?.(topic) ?? DEFAULT_LOG_CONFIG;
  }

  #warn(message: string): void {
    this.#options.logger?.warn(message);
  }

  #readOffsets(path: string): Map<string, { offset: bigint }> {
    try {
      return readOffsetCheckpoint(this.#fs, path) ?? new Map();
    } catch (err) {
      if (!isSamsaError(err, 'SAMSA_ERR_CHECKPOINT_CORRUPT')) throw err;
      // Safe to ignore: recovery then starts from the first segment.
      this.#warn(`${err.message}; ignoring it`);
      return new Map();
    }
  }

  async #loadDir(logDir: string): Promise<void> {
    const fs = this.#fs;
    const stat = fs.statSync(logDir);
    if (stat !== null && !stat.isDirectory) {
      throw new SamsaError('SAMSA_ERR_LOG_DIR_INVALID', `Log dir ${logDir} is not a directory`);
    }
    fs.mkdirSync(logDir);
    const markerPath = join(logDir, CLEAN_SHUTDOWN_FILE);
    const hadCleanShutdown = fs.statSync(markerPath) !== null;
    const recoveryPoints = this.#readOffsets(join(logDir, RECOVERY_POINT_CHECKPOINT_FILE));
    const logStartOffsets = this.#readOffsets(join(logDir, LOG_START_OFFSET_CHECKPOINT_FILE));
    for (const name of fs.readdirSync(logDir).sort()) {
      const path = join(logDir, name);
      if (name.endsWith(TMP_FILE_SUFFIX)) {
        fs.unlinkSync(path);
        continue;
      }
      if (isDeleteDirName(name)) {
        await fs.rm(path);
        continue;
      }
      const tp = parsePartitionDirName(name);
      if (tp === null || fs.statSync(path)?.isDirectory !== true) continue;
      const key = topicPartitionName(tp);
      const existing = this.#logs.get(key);
      if (existing !== undefined) {
        throw new SamsaError(
          'SAMSA_ERR_LOG_DIR_INVALID',
          `Partition ${key} is in both ${existing.logDir} and ${logDir}`,
        );
      }
      const log = UnifiedLog.open({
        ...this.#logOptions(tp, path),
        recoveryPoint: recoveryPoints.get(key)?.offset ?? 0n,
        logStartOffset: logStartOffsets.get(key)?.offset ?? 0n,
        hadCleanShutdown,
      });
      this.#logs.set(key, { log, logDir });
    }
    if (hadCleanShutdown) {
      // Must be gone (durably) before any write, or a later crash would pass for a clean stop.
      fs.unlinkSync(markerPath);
      await fs.fsyncDir(logDir);
    }
  }

  #logOptions(tp: TopicPartition, dir: string): Parameters<typeof UnifiedLog.open>[0] {
    const o = this.#options;
    return {
      dir,
      topicPartition: tp,
      config: this.#configFor(tp.topic),
      fs: this.#fs,
      clock: this.#clock,
      ...(o.random === undefined ? {} : { random: o.random }),
      ...(o.tailCacheBytes === undefined ? {} : { tailCacheBytes: o.tailCacheBytes }),
      ...(this.#producerIdExpirationMs === undefined
        ? {}
        : { producerIdExpirationMs: this.#producerIdExpirationMs }),
      ...(o.logger === undefined ? {} : { logger: o.logger }),
    };
  }

  getLog(tp: TopicPartition): UnifiedLog | undefined {
    return this.#logs.get(topicPartitionName(tp))?.log;
  }

  get logs(): UnifiedLog[] {
    return [...this.#logs.values()].map((e) => e.log);
  }

  /** The partition's log, created empty (in the log dir holding fewest partitions) if new. */
  getOrCreateLog(tp: TopicPartition, config?: LogConfig): UnifiedLog {
    if (this.#closed) throw new SamsaError('SAMSA_ERR_LOG_CLOSED', 'The log manager is closed');
    checkTopicPartition(tp);
    const key = topicPartitionName(tp);
    const existing = this.#logs.get(key);
    if (existing !== undefined) return existing.log;
    const counts = new Map(this.logDirs.map((d) => [d, 0]));
    for (const { logDir } of this.#logs.values()) counts.set(logDir, (counts.get(logDir) ?? 0) + 1);
    const logDir = [...counts.entries()].sort((a, b) => a[1] - b[1])[0]![0];
    const options = this.#logOptions(tp, join(logDir, key));
    const log = UnifiedLog.open(config === undefined ? options : { ...options, config });
    this.#logs.set(key, { log, logDir });
    return log;
  }

  /** producer.id.expiration.ms changed (a dynamic broker config): applies from the next check. */
  setProducerIdExpirationMs(ms: number): void {
    this.#producerIdExpirationMs = ms;
  }

  /** Applies a topic config change to every loaded partition of the topic. */
  updateTopicConfig(topic: string, config: LogConfig): void {
    for (const { log } of this.#logs.values()) {
      if (log.topicPartition.topic === topic) log.updateConfig(config);
    }
  }

  /**
   * Removes a partition: closed at once, its directory renamed to `…-delete` and removed after
   * file.delete.delay.ms (by tick()). Returns false when the partition is unknown.
   */
  async deleteLog(tp: TopicPartition): Promise<boolean> {
    const key = topicPartitionName(tp);
    const entry = this.#logs.get(key);
    if (entry === undefined) return false;
    this.#logs.delete(key);
    const { log, logDir } = entry;
    log.closeUnflushed();
    const target = join(logDir, deleteDirName(tp));
    this.#fs.renameSync(log.dir, target);
    log.renameDir(target);
    await this.#fs.fsyncDir(logDir);
    this.#pendingDeletes.push({
      path: target,
      deleteAtMs: this.#clock.now() + log.config.fileDeleteDelayMs,
    });
    await this.#writeCheckpoints([logDir]);
    await this.cleaner.forget(tp, logDir);
    return true;
  }

  /** One round of periodic work (see the module header). Overlapping calls run one after another. */
  tick(now: number = this.#clock.now()): Promise<void> {
    const run = (): Promise<void> => this.#tick(now);
    const done = this.#tickChain.then(run, run);
    this.#tickChain = done.catch(() => undefined);
    return done;
  }

  async #tick(now: number): Promise<void> {
    if (this.#closed) return;
    const o = this.#options;
    const flushes = await Promise.allSettled(this.logs.map((log) => log.maybeFlush(now)));
    for (const f of flushes) if (f.status === 'rejected') this.#warn(String(f.reason));
    if (now - this.#lastRetentionMs >= (o.retentionCheckIntervalMs ?? 300_000)) {
      this.#lastRetentionMs = now;
      for (const log of this.logs) {
        try {
          log.deleteOldSegments(now);
        } catch (err) {
          this.#warn(String(err));
        }
      }
    }
    this.cleaner.maybeStart(now);
    const expirationCheckMs = o.producerIdExpirationCheckIntervalMs ?? 600_000;
    if (now - this.#lastProducerExpirationMs >= expirationCheckMs) {
      this.#lastProducerExpirationMs = now;
      for (const log of this.logs) log.removeExpiredProducers(now, this.#producerIdExpirationMs);
    }
    const checkpoints: Array<'recovery' | 'start'> = [];
    if (now - this.#lastRecoveryCheckpointMs >= (o.recoveryPointCheckpointIntervalMs ?? 60_000)) {
      this.#lastRecoveryCheckpointMs = now;
      checkpoints.push('recovery');
    }
    if (now - this.#lastStartCheckpointMs >= (o.logStartOffsetCheckpointIntervalMs ?? 60_000)) {
      this.#lastStartCheckpointMs = now;
      checkpoints.push('start');
    }
    if (checkpoints.length > 0) await this.#writeCheckpoints(this.logDirs, checkpoints);
    for (let i = this.#pendingDeletes.length - 1; i >= 0; i--) {
      const pending = this.#pendingDeletes[i]!;
      if (pending.deleteAtMs > now) continue;
      this.#pendingDeletes.splice(i, 1);
      await this.#fs.rm(pending.path);
    }
  }

  /** Writes the recovery-point and/or log-start-offset checkpoint of each of `logDirs`. */
  #writeCheckpoints(
    logDirs: readonly string[],
    which: ReadonlyArray<'recovery' | 'start'> = ['recovery', 'start'],
  ): Promise<void> {
    const run = async (): Promise<void> => {
      for (const logDir of logDirs) {
        const logs = [...this.#logs.values()].filter((e) => e.logDir === logDir).map((e) => e.log);
        if (which.includes('recovery')) {
          const entries = logs.map((l) => ({ tp: l.topicPartition, offset: l.recoveryPoint }));
          const path = join(logDir, RECOVERY_POINT_CHECKPOINT_FILE);
          await writeCheckpoint(this.#fs, path, formatOffsetCheckpoint(entries));
        }
        if (which.includes('start')) {
          const entries = logs.map((l) => ({ tp: l.topicPartition, offset: l.logStartOffset }));
          const path = join(logDir, LOG_START_OFFSET_CHECKPOINT_FILE);
          await writeCheckpoint(this.#fs, path, formatOffsetCheckpoint(entries));
        }
      }
    };
    const done = this.#checkpointChain.then(run, run);
    this.#checkpointChain = done.catch(() => undefined);
    return done;
  }

  checkpointRecoveryPoints(): Promise<void> {
    return this.#writeCheckpoints(this.logDirs, ['recovery']);
  }

  checkpointLogStartOffsets(): Promise<void> {
    return this.#writeCheckpoints(this.logDirs, ['start']);
  }

  /**
   * Flushes and closes every log, writes the checkpoints, and marks each log dir whose logs all
   * closed healthy as cleanly shut down (its next startup skips recovery).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#tickChain;
    this.#closed = true;
    await this.cleaner.close();
    const entries = [...this.#logs.values()];
    await Promise.allSettled(entries.map((e) => e.log.close()));
    await this.#writeCheckpoints(this.logDirs);
    for (const logDir of this.logDirs) {
      if (entries.some((e) => e.logDir === logDir && e.log.isOffline)) continue;
      await writeCheckpoint(this.#fs, join(logDir, CLEAN_SHUTDOWN_FILE), CLEAN_SHUTDOWN_CONTENT);
    }
  }
}
