// Rebuilds a partition's producer state for a log that ends at logEndOffset (Kafka's
// rebuildProducerState): the newest usable snapshot is loaded, then every batch after it is
// replayed from its header alone — producer id, epoch, base sequence, offsets and max timestamp
// sit in the 61-byte batch header, so nothing is decompressed and record bodies are never read,
// except for control batches, whose one small record says whether a transaction committed or
// aborted. Replay opens and completes transactions as the appends did; the transaction indexes
// are left as they are (they hold what the markers wrote, or recovery rebuilt them).
// Used when a log is opened (after crash recovery has settled the segments) and after truncateTo.
// Snapshots older than the first segment are not used: the batches between them and the first
// segment are gone, so replay could not bring them up to date.
import {
  CONTROL_FLAG_MASK,
  RecordBatch,
  TRANSACTIONAL_FLAG_MASK,
} from '../protocol/records/index.js';
import type { FileBatch } from './file-records.js';
import type { LogSegment } from './log-segment.js';
import { endTxnMarkerOf, type CompletedTxn, type ProducerBatch } from './producer-append-info.js';
import type { ProducerStateManager } from './producer-state-manager.js';

/** A batch header as ProducerStateManager.replay takes it. */
export function producerBatchOf(b: FileBatch): ProducerBatch {
  return {
    producerId: b.producerId,
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    baseOffset: b.baseOffset,
    lastOffset: b.lastOffset,
    maxTimestamp: b.maxTimestamp,
    isTransactional: (b.attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
  };
}

/**
 * Replays one batch of `segment` (read with or without its body) into `state`; returns the
 * transaction a marker completed, not yet completed in the state (see ProducerStateManager.replay).
 */
export function replayBatch(
  state: ProducerStateManager,
  segment: LogSegment,
  b: FileBatch,
): CompletedTxn | null {
  if (b.producerId < 0n) return null;
  if ((b.attributes & CONTROL_FLAG_MASK) === 0) return state.replay(producerBatchOf(b));
  const body = b.body ?? segment.log.readSync(b.position, b.size);
  return state.replay(producerBatchOf(b), endTxnMarkerOf(new RecordBatch(body)));
}

export function rebuildProducerState(
  state: ProducerStateManager,
  segments: readonly LogSegment[],
  logEndOffset: bigint,
  now: number,
): void {
  const firstRetained = segments[0]?.baseOffset ?? logEndOffset;
  state.truncateAndReload(firstRetained, logEndOffset, now);
  const from = state.mapEndOffset;
  if (from < logEndOffset) {
    for (const segment of segments) {
      if (segment.nextOffset <= from) continue;
      if (segment.baseOffset >= logEndOffset) break;
      const start = from > segment.baseOffset ? segment.offsetIndex.lookup(from).position : 0;
      const it = segment.log.batches(start, { withBody: false });
      for (let b = it.next(); b !== null; b = it.next()) {
        if (b.baseOffset >= logEndOffset) break;
        if (b.lastOffset < from) continue;
        const completed = replayBatch(state, segment, b);
        if (completed !== null) state.completeTxn(completed);
      }
    }
  }
  state.updateMapEndOffset(logEndOffset);
}
