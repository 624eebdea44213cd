// ListOffsets on a local log, as Kafka's UnifiedLog.fetchOffsetByTimestamp and
// Partition.fetchOffsetForTimestamp answer it:
//   EARLIEST (-2), EARLIEST_LOCAL (-4)  the log start offset (with its epoch when the cache knows)
//   LATEST (-1)                         the isolation bound (high watermark), latest epoch
//   LATEST_TIERED (-5)                  -1: no tiered storage
//   MAX_TIMESTAMP (-3)                  the first record carrying the largest timestamp
//   a timestamp                         the first record with timestamp ≥ it, found in the first
//                                       segment whose largest timestamp is ≥ it, via its time
//                                       index, then that batch's records
// Answers at or past the bound (uncommitted data) are "not found", as Kafka filters them.
// Compacted logs: a cleaned segment's batch headers may promise timestamps whose records the
// cleaner removed (it keeps some batches empty), so a segment that finds nothing passes the
// search on to the next one, and MAX_TIMESTAMP compares segments by the records they really hold.
import type { LeaderEpochFileCache } from './leader-epoch-cache.js';
import type { LogSegment } from './log-segment.js';
import { ListOffsetsTimestamp, type TimestampAndOffset } from './partition-log.js';

export interface TimestampLookupContext {
  readonly segments: readonly LogSegment[];
  readonly epochCache: LeaderEpochFileCache;
  readonly logStartOffset: bigint;
  /** Exclusive: the high watermark, or the log end offset for replicas. */
  readonly upperBound: bigint;
}

const NO_TIMESTAMP = -1n;

export function offsetForTimestamp(
  timestamp: bigint,
  ctx: TimestampLookupContext,
): TimestampAndOffset | null {
  const { segments, epochCache, logStartOffset, upperBound } = ctx;
  switch (timestamp) {
    case ListOffsetsTimestamp.EARLIEST:
    case ListOffsetsTimestamp.EARLIEST_LOCAL: {
      const earliest = epochCache.earliestEntry();
      const leaderEpoch =
        earliest !== null && earliest.startOffset <= logStartOffset ? earliest.epoch : null;
      return { timestamp: NO_TIMESTAMP, offset: logStartOffset, leaderEpoch };
    }
    case ListOffsetsTimestamp.LATEST:
      return { timestamp: NO_TIMESTAMP, offset: upperBound, leaderEpoch: epochCache.latestEpoch };
    case ListOffsetsTimestamp.LATEST_TIERED:
      return { timestamp: NO_TIMESTAMP, offset: -1n, leaderEpoch: -1 };
    case ListOffsetsTimestamp.MAX_TIMESTAMP: {
      // Newest header maximum first (the earliest segment among equals, as Kafka picks); a
      // segment's answer can only fall short of its header maximum in a cleaned segment.
      const order = segments
        .map((s, i) => ({ s, i }))
        .sort((a, b) =>
          a.s.maxTimestampSoFar === b.s.maxTimestampSoFar
            ? a.i - b.i
            : a.s.maxTimestampSoFar > b.s.maxTimestampSoFar
              ? -1
              : 1,
        );
      let found: TimestampAndOffset | null = null;
      for (const { s } of order) {
        if (found !== null && s.maxTimestampSoFar <= found.timestamp) break;
        const candidate = s.readMaxTimestampAndOffset();
        if (candidate !== null && (found === null || candidate.timestamp > found.timestamp)) {
          found = candidate;
        }
      }
      return found !== null && found.offset < upperBound && found.offset >= logStartOffset
        ? found
        : null;
    }
    default: {
      for (const segment of segments) {
        if (segment.size === 0 || segment.largestTimestamp < timestamp) continue;
        const found = segment.findOffsetByTimestamp(timestamp, logStartOffset);
        if (found !== null) return found.offset < upperBound ? found : null;
      }
      return null;
    }
  }
}
