// LogLoader: opens a partition directory and brings it to a consistent state (ARCHITECTURE.md
// invariant 5: after any crash the log is a prefix of valid batches).
//
//  1. A log cleaner's swap a crash interrupted is finished when it reached its commit point (a
//     `.log.swap` file) and abandoned otherwise (segment-swap.ts). Leftovers of interrupted
//     operations go: `*.deleted`, `*.cleaned`, `*.tmp` files, and index files whose .log is gone.
//  2. Every segment's indexes are sanity-checked (whole entries, in order, inside the log);
//     a missing or bad index is rebuilt from its .log.
//  3. Unless the log dir was shut down cleanly, every segment from the one holding the recovery
//     point onwards is recovered: batch by batch, length, magic, CRC and offset order are
//     checked, indexes rebuilt, and the file truncated after the last valid batch; all later
//     segments are then deleted, since the log must stay a prefix. Offsets may jump forward inside
//     a segment the cleaner rewrote (LogSegment.recover says how a damaged baseOffset is still
//     caught); such a segment left last by a truncation gets a new, empty active segment after it.
//     Segments must chain (each starting at the previous one's end); after a break, later
//     segments are deleted too. A segment swapped in by a finished interrupted swap is recovered
//     too: its transaction index may have been lost with the swap (a missing `.txnindex` cannot be
//     told from a segment without aborted transactions). Recovering a segment rebuilds its
//     transaction index: as Kafka's loader does, a producer state for the segment's base offset is
//     built (snapshot plus replay of the batches before it), and the segment's batches are replayed
//     through it, each ABORT marker that completes a transaction adding an index entry.
//  4. The log end offset comes from the last segment; the leader epoch cache is read, extended
//     from recovered batches, and cut to [log start, log end) — or rebuilt from batch headers
//     when its file is missing or malformed.
//  5. Producer state (producer-state-manager.ts): stray snapshots are removed, the newest usable
//     snapshot is loaded and the batch headers after it replayed to the log end (which also
//     reopens the transactions still open there); a snapshot is written at the log end when
//     anything was replayed, so the next start need not replay again.
// Segments below the recovery point were fsynced before it was checkpointed, so skipping them
// keeps startup fast without risking anything acknowledged and flushed.
import type { Clock } from './clock.js';
import type { BatchHeader, FileBatch } from './file-records.js';
import {
  CLEANED_FILE_SUFFIX,
  DELETED_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  TMP_FILE_SUFFIX,
  parseSegmentFileName,
  type TopicPartition,
} from './file-names.js';
import { join } from 'node:path';
import { LeaderEpochFileCache } from './leader-epoch-cache.js';
import { LocalLog } from './local-log.js';
import type { LogConfig } from './log-config.js';
import { LogSegment } from './log-segment.js';
import { isSamsaError } from '../errors/samsa-error.js';
import { ProducerStateManager } from './producer-state-manager.js';
import { rebuildProducerState, replayBatch } from './producer-state-rebuild.js';
import { completeInterruptedSwaps } from './segment-swap.js';
import type { StorageFs } from './storage-fs.js';

export interface LoadParams {
  readonly fs: StorageFs;
  readonly dir: string;
  readonly topicPartition: TopicPartition;
  readonly config: LogConfig;
  readonly clock: Clock;
  readonly random: () => number;
  /** From recovery-point-offset-checkpoint; 0 (recover everything) when absent. */
  readonly recoveryPoint: bigint;
  /** From log-start-offset-checkpoint; 0 when absent. */
  readonly logStartOffset: bigint;
  /** The log dir held a clean shutdown marker: skip recovery. */
  readonly hadCleanShutdown: boolean;
  /** producer.id.expiration.ms: producers idle this long are not loaded from snapshots. */
  readonly producerIdExpirationMs?: number;
  readonly logger?: StorageLogger;
}

/** Where storage reports what it repaired; the broker passes its pino logger. */
export interface StorageLogger {
  warn(message: string): void;
}

export interface LoadedLog {
  readonly localLog: LocalLog;
  readonly logStartOffset: bigint;
  readonly epochCache: LeaderEpochFileCache;
  readonly producerState: ProducerStateManager;
}

function removeLeftovers(fs: StorageFs, dir: string): bigint[] {
  const names = fs.readdirSync(dir);
  const logs = new Set<bigint>();
  for (const name of names) {
    if (
      name.endsWith(DELETED_FILE_SUFFIX) ||
      name.endsWith(CLEANED_FILE_SUFFIX) ||
      name.endsWith(TMP_FILE_SUFFIX)
    ) {
      fs.unlinkSync(join(dir, name));
      continue;
    }
    const parsed = parseSegmentFileName(name);
    if (parsed?.suffix === LOG_FILE_SUFFIX) logs.add(parsed.baseOffset);
  }
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (parsed !== null && parsed.suffix !== LOG_FILE_SUFFIX && !logs.has(parsed.baseOffset)) {
      fs.unlinkSync(join(dir, name)); // an index whose segment was deleted
    }
  }
  return [...logs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function loadLog(p: LoadParams): LoadedLog {
  const { fs, dir, config, clock } = p;
  const name = `${p.topicPartition.topic}-${p.topicPartition.partition}`;
  const warn = (message: string): void => p.logger?.warn(`${name}: ${message}`);
  const swapped = completeInterruptedSwaps(fs, dir, warn);
  const baseOffsets = removeLeftovers(fs, dir);
  const now = clock.now();
  let segments = baseOffsets.map((baseOffset, i) =>
    LogSegment.open(
      { fs, dir, baseOffset, config, now, rollJitterMs: 0 },
      i === baseOffsets.length - 1,
    ),
  );
  const storedEpochs = LeaderEpochFileCache.read(fs, dir);
  const epochCache = new LeaderEpochFileCache(fs, dir, storedEpochs ?? []);
  // As Kafka: only epochs newer than the cache's are taken from batches, since the checkpoint is
  // written (and fsynced) before any data of a new epoch, it is never behind the flushed log.
  const restoreEpoch = (b: BatchHeader): void => {
    const latest = epochCache.latestEpoch;
    if (latest === null || b.partitionLeaderEpoch > latest) {
      epochCache.assign(b.partitionLeaderEpoch, b.baseOffset);
    }
  };
  const expiration =
    p.producerIdExpirationMs === undefined
      ? {}
      : { producerIdExpirationMs: p.producerIdExpirationMs };
  // The producer state at the base offset of the segment being recovered (see step 3).
  let recoveryState: ProducerStateManager | null = null;
  let recoveryStateAt = -1n;
  const recoverSegment = (i: number): number => {
    const segment = segments[i]!;
    if (recoveryState === null || recoveryStateAt !== segment.baseOffset) {
      recoveryState = new ProducerStateManager({
        fs,
        dir,
        topicPartition: p.topicPartition,
        ...expiration,
        keepSnapshotFiles: true,
      });
      rebuildProducerState(recoveryState, segments, segment.baseOffset, now);
    }
    const state = recoveryState;
    const onBatch = (b: FileBatch): void => {
      restoreEpoch(b);
      const completed = replayBatch(state, segment, b);
      if (completed === null) return;
      segment.updateTxnIndex(completed, state.lastStableOffset(completed));
      state.completeTxn(completed);
    };
    const truncated = segment.recover(onBatch, segments[i + 1]?.baseOffset ?? null);
    recoveryStateAt = segment.nextOffset;
    return truncated;
  };
  const recoverFrom = p.hadCleanShutdown
    ? segments.length
    : Math.max(
        0,
        segments.findLastIndex((s) => s.baseOffset <= p.recoveryPoint),
      );

  epochCache.batchUpdate(() => {
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      let recover = i >= recoverFrom || swapped.includes(segment.baseOffset);
      if (!recover) {
        try {
          segment.sanityCheck();
          recover = segment.loadState() !== 'end';
          if (recover) warn(`segment ${segment.baseOffset} has a damaged tail`);
        } catch (err) {
          if (!isSamsaError(err, 'SAMSA_ERR_INDEX_CORRUPT')) throw err;
          warn(`${err.message}; rebuilding it`);
          recover = true;
        }
      }
      if (!recover) continue;
      const truncated = recoverSegment(i);
      if (truncated > 0 && i < segments.length - 1) {
        warn(
          `truncated ${truncated} bytes of segment ${segment.baseOffset}; deleting later segments`,
        );
        for (const later of segments.slice(i + 1)) later.deleteFiles();
        segments = segments.slice(0, i + 1);
        if (segment.hasOffsetGaps === true && segment.size > 0) {
          // A cleaned segment stays closed: recovery distrusts a gap at the end of the last one.
          segment.onBecomeInactiveSegment();
          const baseOffset = segment.nextOffset;
          segments.push(LogSegment.create({ fs, dir, baseOffset, config, now, rollJitterMs: 0 }));
        } else {
          segment.offsetIndex.loadIntoMemory();
          segment.timeIndex.loadIntoMemory();
        }
      } else if (truncated > 0) {
        warn(
          `truncated ${truncated} bytes of a torn or corrupt tail in segment ${segment.baseOffset}`,
        );
      }
    }
  });

  // Segments must chain: each starts where the previous ended. A segment that lost its tail (or
  // all of it) breaks the chain, and whatever follows can no longer be part of the prefix.
  for (let i = 0; i + 1 < segments.length; i++) {
    if (segments[i]!.nextOffset !== segments[i + 1]!.baseOffset) {
      warn(
        `segment ${segments[i]!.baseOffset} ends at ${segments[i]!.nextOffset} but the next starts at ${segments[i + 1]!.baseOffset}; deleting the later segments`,
      );
      for (const later of segments.slice(i + 1)) later.deleteFiles();
      segments = segments.slice(0, i + 1);
      segments[i]!.offsetIndex.loadIntoMemory();
      segments[i]!.timeIndex.loadIntoMemory();
    }
  }

  let logStartOffset = p.logStartOffset;
  const last = segments.at(-1);
  if (last !== undefined && last.nextOffset < logStartOffset) {
    // The data the checkpoint speaks of is gone (lost in a crash): start empty where it said.
    warn(`log end ${last.nextOffset} is below the log start offset ${logStartOffset}; emptying`);
    for (const s of segments) s.deleteFiles();
    segments = [];
    epochCache.clear();
  }
  if (segments.length === 0) {
    segments = [
      LogSegment.create({ fs, dir, baseOffset: logStartOffset, config, now, rollJitterMs: 0 }),
    ];
  }
  if (segments[0]!.baseOffset > logStartOffset) logStartOffset = segments[0]!.baseOffset;
  const logEndOffset = segments.at(-1)!.nextOffset;

  epochCache.batchUpdate(() => {
    if (storedEpochs === null) {
      // Missing or malformed file: every batch header knows its epoch.
      epochCache.clear();
      for (const s of segments) {
        const it = s.log.batches(0, { withBody: false });
        for (let b = it.next(); b !== null; b = it.next()) restoreEpoch(b);
      }
    }
    epochCache.truncateFromEnd(logEndOffset);
    epochCache.truncateFromStart(logStartOffset);
  });
  if (storedEpochs === null) epochCache.writeNow();

  const recoveryPoint = p.hadCleanShutdown
    ? logEndOffset
    : p.recoveryPoint < logEndOffset
      ? p.recoveryPoint
      : logEndOffset;
  const producerState = new ProducerStateManager({
    fs,
    dir,
    topicPartition: p.topicPartition,
    ...expiration,
    logger: { warn },
  });
  producerState.removeStraySnapshots(segments.map((s) => s.baseOffset));
  rebuildProducerState(producerState, segments, logEndOffset, now);
  producerState.takeSnapshot();

  const localLog = new LocalLog({
    fs,
    dir,
    topicPartition: p.topicPartition,
    config,
    clock,
    random: p.random,
    segments,
    recoveryPoint,
  });
  return { localLog, logStartOffset, epochCache, producerState };
}
