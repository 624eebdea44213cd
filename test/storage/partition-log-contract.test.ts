// Runs the PartitionLog contract against UnifiedLog on real files, in configurations that take
// different code paths: defaults (one segment, reads from the tail cache), tiny segments with an
// index entry per batch (reads cross segments and use the indexes), and no tail cache (every read
// goes to the segment files).
import { logConfig, type LogConfig } from '../../src/storage/log-config.js';
import type { PartitionLog } from '../../src/storage/partition-log.js';
import { UnifiedLog } from '../../src/storage/unified-log.js';
import { ManualClock, TP, tempDir } from './helpers.js';
import { partitionLogContract } from './partition-log-contract.js';

function harness(name: string, overrides: Partial<LogConfig>, tailCacheBytes?: number): void {
  const clock = new ManualClock();
  const dirs = new WeakMap<PartitionLog, string>();
  const open = (dir: string): UnifiedLog => {
    const log = UnifiedLog.open({
      dir,
      topicPartition: TP,
      config: logConfig(overrides),
      clock,
      ...(tailCacheBytes === undefined ? {} : { tailCacheBytes }),
    });
    dirs.set(log, dir);
    return log;
  };
  partitionLogContract({
    name,
    create: () => open(`${tempDir()}/orders-0`),
    reopen: async (log) => {
      await log.close();
      const dir = dirs.get(log)!;
      // The LogManager checkpoints the log start offset; a bare log is told it.
      const reopened = UnifiedLog.open({
        dir,
        topicPartition: TP,
        config: logConfig(overrides),
        clock,
        logStartOffset: log.logStartOffset,
        ...(tailCacheBytes === undefined ? {} : { tailCacheBytes }),
      });
      dirs.set(reopened, dir);
      return reopened;
    },
  });
}

harness('UnifiedLog, defaults', {});
harness('UnifiedLog, 200-byte segments, index entry per batch', {
  segmentBytes: 200,
  indexIntervalBytes: 0,
});
harness('UnifiedLog, tail cache off', { indexIntervalBytes: 100 }, 0);
