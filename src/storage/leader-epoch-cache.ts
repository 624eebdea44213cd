// LeaderEpochFileCache: for each leader epoch, the first offset written in it. It answers
// OffsetForLeaderEpoch (where did epoch N end?) so a diverged replica knows where to truncate,
// and gives ListOffsets its leader epochs.
//
// On disk (`<partition dir>/leader-epoch-checkpoint`, checkpoint-file.ts format): lines of
// `epoch startOffset`, epochs and offsets both strictly increasing. The file is rewritten
// (tmp + fsync + rename) on every change; changes are rare (a new leader epoch, truncation,
// the log start offset moving past a whole epoch), and an entry must be durable before the
// data it describes is flushed. After a crash, the loader re-derives entries for the recovered
// tail from the batches' partitionLeaderEpoch, and rebuilds the whole cache from batch headers
// when the file is missing or corrupt.
import { join } from 'node:path';
import {
  formatCheckpoint,
  parseCheckpointOffset,
  readCheckpoint,
  writeCheckpointSync,
} from './checkpoint-file.js';
import { LEADER_EPOCH_CHECKPOINT_FILE } from './file-names.js';
import type { EpochEndOffset } from './partition-log.js';
import type { StorageFs } from './storage-fs.js';

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: bigint;
}

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1n;

export class LeaderEpochFileCache {
  readonly #fs: StorageFs;
  #path: string;
  #entries: EpochEntry[];
  #writesSuspended = 0;
  #dirty = false;

  constructor(fs: StorageFs, dir: string, entries: readonly EpochEntry[] = []) {
    this.#fs = fs;
    this.#path = join(dir, LEADER_EPOCH_CHECKPOINT_FILE);
    this.#entries = [...entries];
  }

  /**
   * The entries in `dir`'s checkpoint; null when the file is missing or malformed (the caller
   * then rebuilds from the log).
   */
  static read(fs: StorageFs, dir: string): EpochEntry[] | null {
    try {
      const lines = readCheckpoint(fs, join(dir, LEADER_EPOCH_CHECKPOINT_FILE), 2);
      if (lines === null) return null;
      const entries = lines.map(([epoch, offset]) => {
        if (!/^\d{1,10}$/.test(epoch!)) throw new RangeError(`bad epoch ${epoch}`);
        return { epoch: Number(epoch), startOffset: parseCheckpointOffset('', offset!) };
      });
      for (let i = 1; i < entries.length; i++) {
        const [a, b] = [entries[i - 1]!, entries[i]!];
        if (b.epoch <= a.epoch || b.startOffset <= a.startOffset) return null;
      }
      return entries;
    } catch {
      return null;
    }
  }

  get entries(): readonly EpochEntry[] {
    return this.#entries;
  }

  get latestEpoch(): number | null {
    return this.#entries.at(-1)?.epoch ?? null;
  }

  earliestEntry(): EpochEntry | null {
    return this.#entries[0] ?? null;
  }

  /** Points the cache at a renamed partition directory. */
  set dir(dir: string) {
    this.#path = join(dir, LEADER_EPOCH_CHECKPOINT_FILE);
  }

  /** Runs `fn` writing the file at most once, at the end (used by rebuilds). */
  batchUpdate(fn: () => void): void {
    this.#writesSuspended++;
    try {
      fn();
    } finally {
      this.#writesSuspended--;
    }
    if (this.#writesSuspended === 0 && this.#dirty) this.#write();
  }

  /** Records that `epoch` starts at `startOffset`, dropping entries that would break the order. */
  assign(epoch: number, startOffset: bigint): void {
    if (epoch < 0 || startOffset < 0n) return;
    const latest = this.#entries.at(-1);
    if (latest !== undefined && latest.epoch === epoch && latest.startOffset <= startOffset) return;
    while (this.#entries.length > 0) {
      const last = this.#entries.at(-1)!;
      if (last.epoch < epoch && last.startOffset < startOffset) break;
      this.#entries.pop();
    }
    this.#entries.push({ epoch, startOffset });
    this.#changed();
  }

  /** Removes the entries starting at or after `endOffset` (the log was truncated there). */
  truncateFromEnd(endOffset: bigint): void {
    const before = this.#entries.length;
    while (this.#entries.length > 0 && this.#entries.at(-1)!.startOffset >= endOffset) {
      this.#entries.pop();
    }
    if (this.#entries.length !== before) this.#changed();
  }

  /**
   * The log now starts at `startOffset`: entries starting at or before it collapse into one,
   * the latest of them, moved to start there.
   */
  truncateFromStart(startOffset: bigint): void {
    let removed = 0;
    while (removed < this.#entries.length && this.#entries[removed]!.startOffset <= startOffset) {
      removed++;
    }
    if (removed === 0) return;
    const kept = this.#entries[removed - 1]!;
    if (removed === 1 && kept.startOffset === startOffset) return;
    this.#entries = [{ epoch: kept.epoch, startOffset }, ...this.#entries.slice(removed)];
    this.#changed();
  }

  clear(): void {
    if (this.#entries.length === 0) return;
    this.#entries = [];
    this.#changed();
  }

  /** Kafka's endOffsetFor: (epoch, end offset) for OffsetForLeaderEpoch. */
  endOffsetFor(requestedEpoch: number, logEndOffset: bigint): EpochEndOffset {
    const undefinedResult = { leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requestedEpoch === UNDEFINED_EPOCH) return undefinedResult;
    if (this.latestEpoch === requestedEpoch) {
      return { leaderEpoch: requestedEpoch, endOffset: logEndOffset };
    }
    const higher = this.#entries.find((e) => e.epoch > requestedEpoch);
    if (higher === undefined) return undefinedResult;
    const floor = this.#entries.findLast((e) => e.epoch <= requestedEpoch);
    return { leaderEpoch: floor?.epoch ?? requestedEpoch, endOffset: higher.startOffset };
  }

  /** The epoch the batch at `offset` was written in, when known. */
  epochForOffset(offset: bigint): number | null {
    return this.#entries.findLast((e) => e.startOffset <= offset)?.epoch ?? null;
  }

  #changed(): void {
    this.#dirty = true;
    if (this.#writesSuspended === 0) this.#write();
  }

  #write(): void {
    const lines = this.#entries.map((e) => `${e.epoch} ${e.startOffset}`);
    writeCheckpointSync(this.#fs, this.#path, formatCheckpoint(lines));
    this.#dirty = false;
  }

  /** Writes the file now (after a rebuild, or to create it for a new partition). */
  writeNow(): void {
    this.#write();
  }
}
