// Which of the oldest segments retention may delete, as Kafka's UnifiedLog.deleteOldSegments
// decides it. Each rule is a predicate walked from the oldest segment, stopping at the first
// segment it keeps; a segment is only deletable when the high watermark has passed all its
// offsets, and an empty active segment never is. (A non-empty active segment may be: the log
// rolls first, as Kafka does, so an idle topic's data still expires.)
//   retention.ms     the segment's largest timestamp is older than now - retention.ms
//   retention.bytes  the log stays at or above retention.bytes without the segment
//   log start        the next segment starts at or before the log start offset (DeleteRecords)
// The first two apply with cleanup.policy=delete; the last always.
import type { LogConfig } from './log-config.js';

export interface RetentionSegment {
  readonly baseOffset: bigint;
  readonly size: number;
  readonly largestTimestamp: bigint;
}

export type RetentionPredicate = (
  segment: RetentionSegment,
  next: RetentionSegment | undefined,
) => boolean;

export interface RetentionBounds {
  readonly highWatermark: bigint;
  readonly logEndOffset: bigint;
}

/** How many of the oldest segments `predicate` lets go (Kafka's deletableSegments). */
export function countDeletable(
  segments: readonly RetentionSegment[],
  bounds: RetentionBounds,
  predicate: RetentionPredicate,
): number {
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const next = segments[i + 1];
    const upperBound = next?.baseOffset ?? bounds.logEndOffset;
    const lastAndEmpty = next === undefined && segment.size === 0;
    if (bounds.highWatermark < upperBound || lastAndEmpty || !predicate(segment, next)) break;
    count++;
  }
  return count;
}

export function retentionMsBreached(config: LogConfig, now: number): RetentionPredicate | null {
  const { retentionMs } = config;
  if (retentionMs < 0 || !Number.isFinite(retentionMs)) return null;
  const cutoff = BigInt(now) - BigInt(Math.floor(retentionMs));
  return (segment) => segment.largestTimestamp < cutoff;
}

export function retentionBytesBreached(
  config: LogConfig,
  logSize: number,
): RetentionPredicate | null {
  const { retentionBytes } = config;
  if (retentionBytes < 0 || logSize < retentionBytes) return null;
  let excess = logSize - retentionBytes;
  return (segment) => {
    if (excess - segment.size < 0) return false;
    excess -= segment.size;
    return true;
  };
}

export function logStartOffsetBreached(logStartOffset: bigint): RetentionPredicate {
  return (_segment, next) => next !== undefined && next.baseOffset <= logStartOffset;
}
