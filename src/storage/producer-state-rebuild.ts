// Rebuilds a partition's producer state for a log that ends at logEndOffset (Kafka's
// rebuildProducerState): the newest usable snapshot is loaded, then every batch after it is
// replayed from its header alone — producer id, epoch, base sequence, offsets and max timestamp
// sit in the 61-byte batch header, so nothing is decompressed and record bodies are never read.
// Used when a log is opened (after crash recovery has settled the segments) and after truncateTo.
// Snapshots older than the first segment are not used: the batches between them and the first
// segment are gone, so replay could not bring them up to date.
import { CONTROL_FLAG_MASK } from '../protocol/records/index.js';
import type { LogSegment } from './log-segment.js';
import type { ProducerStateManager } from './producer-state-manager.js';

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
        if (b.lastOffset < from || b.producerId < 0n) continue;
        // Control batches (transaction markers) will update the producer's transaction state
        // once transactions exist; until then no client can write one.
        if ((b.attributes & CONTROL_FLAG_MASK) !== 0) continue;
        state.replay(b);
      }
    }
  }
  state.updateMapEndOffset(logEndOffset);
}
