// Which part of a compacted log the cleaner may clean, and how dirty it is (Kafka's
// LogCleanerManager.cleanableOffsets / maxCompactionDelay / calculateCleanableBytes and
// LogToClean). Pure functions of the segment list, the checkpoint and the clock.
//
//   clean section      [log start, firstDirtyOffset)   cleaned before (the cleaner checkpoint)
//   dirty section      [firstDirtyOffset, firstUncleanableOffset)
//   uncleanable        the active segment, anything at or past the last stable offset, and every
//                      segment from the first dirty one holding a record younger than
//                      min.compaction.lag.ms
// firstUncleanableOffset is rounded down to a segment boundary. The dirty ratio is
// cleanableBytes / (cleanBytes + cleanableBytes), both counted in whole segments. A log needs
// compaction now (KIP-354) when a dirty closed segment's first batch is older than
// max.compaction.lag.ms.
import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';

/** The parts of a log selection reads (UnifiedLog has them). */
export interface CleanableLogView {
  readonly segments: readonly LogSegment[];
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  readonly lastStableOffset: bigint;
  readonly config: LogConfig;
}

export interface OffsetsToClean {
  readonly firstDirtyOffset: bigint;
  readonly firstUncleanableDirtyOffset: bigint;
  /** The checkpoint was out of range and must be rewritten as firstDirtyOffset. */
  readonly forceUpdateCheckpoint: boolean;
}

/** Index of the last segment whose base offset is ≤ offset, or -1. */
function floorIndex(segments: readonly LogSegment[], offset: bigint): number {
  let found = -1;
  for (let i = 0; i < segments.length && segments[i]!.baseOffset <= offset; i++) found = i;
  return found;
}

/** Kafka's LogSegments.values(from, to): the segments holding offsets in [from, to). */
export function segmentsInRange(
  segments: readonly LogSegment[],
  from: bigint,
  to: bigint,
): LogSegment[] {
  if (from >= to) return [];
  const start = Math.max(0, floorIndex(segments, from));
  return segments.slice(start).filter((s) => s.baseOffset < to);
}

/** The closed segments holding offsets at or after `from` (Kafka's nonActiveLogSegmentsFrom). */
function nonActiveSegmentsFrom(segments: readonly LogSegment[], from: bigint): LogSegment[] {
  return segmentsInRange(segments, from, segments.at(-1)!.baseOffset);
}

function sizeOf(segments: readonly LogSegment[]): number {
  return segments.reduce((n, s) => n + s.size, 0);
}

export function cleanableOffsets(
  log: CleanableLogView,
  lastCleanOffset: bigint | undefined,
  now: number,
): OffsetsToClean {
  const { logStartOffset, segments, config } = log;
  const checkpoint = lastCleanOffset ?? logStartOffset;
  // A checkpoint below the log start (retention, DeleteRecords) or past the log end (a truncated
  // tail) is reset to the log start, as Kafka does.
  const valid = checkpoint >= logStartOffset && checkpoint <= log.logEndOffset;
  const firstDirtyOffset = valid ? checkpoint : logStartOffset;
  const bounds = [log.lastStableOffset, segments.at(-1)!.baseOffset];
  const minLag = Math.max(config.minCompactionLagMs, 0);
  if (minLag > 0) {
    const horizon = now - minLag;
    const young = nonActiveSegmentsFrom(segments, firstDirtyOffset).find(
      (s) => Number(s.largestTimestamp) > horizon,
    );
    if (young !== undefined) bounds.push(young.baseOffset);
  }
  const uncleanable = bounds.reduce((a, b) => (b < a ? b : a));
  return {
    firstDirtyOffset,
    firstUncleanableDirtyOffset: uncleanable > firstDirtyOffset ? uncleanable : firstDirtyOffset,
    forceUpdateCheckpoint: !valid && lastCleanOffset !== undefined,
  };
}

/**
 * How long past max.compaction.lag.ms the oldest dirty closed segment is (0 when none is):
 * positive means the log must be cleaned whatever its dirty ratio.
 */
export function maxCompactionDelay(
  log: CleanableLogView,
  firstDirtyOffset: bigint,
  now: number,
): number {
  const maxLag = Math.max(log.config.maxCompactionLagMs, 0);
  if (!Number.isFinite(maxLag)) return 0;
  let earliest = Infinity;
  for (const s of nonActiveSegmentsFrom(log.segments, firstDirtyOffset)) {
    const first = s.firstBatchTimestamp;
    if (first !== null && first > 0n && Number(first) < earliest) earliest = Number(first);
  }
  const cleanUntil = now - maxLag;
  return earliest < cleanUntil ? cleanUntil - earliest : 0;
}

/** A compacted log with its sections measured (Kafka's LogToClean). */
export class LogToClean<L extends CleanableLogView = CleanableLogView> {
  readonly log: L;
  readonly firstDirtyOffset: bigint;
  /** Rounded down to the base offset of the segment holding it (or the active segment's). */
  readonly firstUncleanableOffset: bigint;
  readonly needCompactionNow: boolean;
  readonly cleanBytes: number;
  readonly cleanableBytes: number;
  readonly totalBytes: number;
  readonly cleanableRatio: number;

  constructor(log: L, offsets: OffsetsToClean, needCompactionNow: boolean) {
    const { segments } = log;
    this.log = log;
    this.firstDirtyOffset = offsets.firstDirtyOffset;
    this.needCompactionNow = needCompactionNow;
    this.cleanBytes = sizeOf(segmentsInRange(segments, -1n, offsets.firstDirtyOffset));
    const uncleanableSegment =
      nonActiveSegmentsFrom(segments, offsets.firstUncleanableDirtyOffset)[0] ?? segments.at(-1)!;
    this.firstUncleanableOffset = uncleanableSegment.baseOffset;
    const from =
      offsets.firstDirtyOffset < this.firstUncleanableOffset
        ? offsets.firstDirtyOffset
        : this.firstUncleanableOffset;
    this.cleanableBytes = sizeOf(segmentsInRange(segments, from, this.firstUncleanableOffset));
    this.totalBytes = this.cleanBytes + this.cleanableBytes;
    this.cleanableRatio = this.totalBytes === 0 ? 0 : this.cleanableBytes / this.totalBytes;
  }
}
