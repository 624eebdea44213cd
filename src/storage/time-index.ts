// TimeIndex: the sparse map from timestamps to offsets in a segment.
//
// On disk (`<baseOffset>.timeindex`): 12-byte big-endian entries, timestamp (int64) then relative
// offset (int32). Timestamps strictly increase and offsets never decrease: an entry is written
// next to each offset-index entry, holding the largest batch maxTimestamp seen so far and the
// last offset of the batch that carried it, but only when that timestamp grew. When a segment
// stops being active a final entry records its largest timestamp, so a reopened segment knows it
// from the last entry (retention.ms and offset-for-timestamp use it).
import { AbstractIndex, type IndexOpenOptions } from './abstract-index.js';
import { indexCorrupt } from './storage-errors.js';
import type { StorageFs } from './storage-fs.js';

export interface TimestampOffset {
  readonly timestamp: bigint;
  readonly offset: bigint;
}

const ENTRY_SIZE = 12;
/** Kafka's RecordBatch.NO_TIMESTAMP. */
export const NO_TIMESTAMP = -1n;

export class TimeIndex extends AbstractIndex {
  readonly #entryBuf = Buffer.alloc(ENTRY_SIZE);

  constructor(
    fs: StorageFs,
    path: string,
    baseOffset: bigint,
    maxIndexSize: number,
    options: IndexOpenOptions,
  ) {
    super(fs, path, baseOffset, maxIndexSize, ENTRY_SIZE, options);
  }

  #timestampAt(i: number): bigint {
    return this.entry(i).readBigInt64BE(0);
  }

  entryAt(i: number): TimestampOffset {
    const e = this.entry(i);
    return { timestamp: e.readBigInt64BE(0), offset: this.baseOffset + BigInt(e.readInt32BE(8)) };
  }

  /** The last entry, or (NO_TIMESTAMP, baseOffset) when empty. */
  lastEntry(): TimestampOffset {
    return this.entries === 0
      ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset }
      : this.entryAt(this.entries - 1);
  }

  /**
   * Kafka's lookup: the entry with the largest timestamp ≤ target, from whose offset a scan for
   * the first record at or after `target` can start; (NO_TIMESTAMP, baseOffset) when none.
   */
  lookup(targetTimestamp: bigint): TimestampOffset {
    const i = this.largestLowerBound(targetTimestamp, (j) => this.#timestampAt(j));
    return i === -1 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entryAt(i);
  }

  /** The first entry whose timestamp is ≥ target, or null when every entry is older. */
  firstEntryAtOrAfter(targetTimestamp: bigint): TimestampOffset | null {
    const i = this.largestLowerBound(targetTimestamp - 1n, (j) => this.#timestampAt(j)) + 1;
    return i < this.entries ? this.entryAt(i) : null;
  }

  /**
   * Appends (timestamp, offset) when the timestamp is larger than the last entry's. Returns
   * whether it wrote. A full index refuses unless `skipFullCheck` (the final entry on roll).
   */
  maybeAppend(timestamp: bigint, offset: bigint, skipFullCheck = false): boolean {
    if (!skipFullCheck && this.isFull) return false;
    const last = this.lastEntry();
    if (this.entries > 0 && offset < last.offset) {
      throw indexCorrupt(this.path, `offset ${offset} precedes the last entry's ${last.offset}`);
    }
    if (this.entries > 0 && timestamp <= last.timestamp) return false;
    this.#entryBuf.writeBigInt64BE(timestamp, 0);
    this.#entryBuf.writeInt32BE(Number(offset - this.baseOffset), 8);
    this.appendEntry(this.#entryBuf);
    return true;
  }

  /** Removes every entry whose offset is ≥ `offset` (offsets are non-decreasing). */
  truncateTo(offset: bigint): void {
    let keep = this.entries;
    while (keep > 0 && this.entryAt(keep - 1).offset >= offset) keep--;
    this.truncateToEntries(keep);
  }

  /** Throws SAMSA_ERR_INDEX_CORRUPT unless timestamps increase and offsets never decrease. */
  sanityCheck(): void {
    if (this.tornBytes !== 0) {
      throw indexCorrupt(this.path, `size is not a multiple of ${ENTRY_SIZE} bytes`);
    }
    const all = this.allEntries();
    let lastTimestamp: bigint | null = null;
    let lastRelative = 0;
    for (let at = 0; at < all.length; at += ENTRY_SIZE) {
      const timestamp = all.readBigInt64BE(at);
      const relative = all.readInt32BE(at + 8);
      if (
        relative < lastRelative ||
        (lastTimestamp !== null && timestamp <= lastTimestamp) ||
        timestamp < NO_TIMESTAMP
      ) {
        throw indexCorrupt(this.path, `entry ${at / ENTRY_SIZE} is out of order`);
      }
      lastTimestamp = timestamp;
      lastRelative = relative;
    }
  }
}
