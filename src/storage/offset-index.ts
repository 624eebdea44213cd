// OffsetIndex: the sparse map from offsets to positions in a segment's .log file.
//
// On disk (`<baseOffset>.index`): 8-byte big-endian entries, relative offset (int32, offset minus
// the segment's base offset) then file position (int32), both strictly increasing. As in Kafka,
// an entry is written for a batch once more than index.interval.bytes were appended since the
// previous entry, and maps that batch's *last* offset to the batch's *start* position: any offset
// ≥ the entry's lies at or after that position, so a lookup takes the floor entry and scans
// forward at most about index.interval.bytes of batch headers.
import { AbstractIndex, type IndexOpenOptions } from './abstract-index.js';
import { indexCorrupt } from './storage-errors.js';
import type { StorageFs } from './storage-fs.js';

export interface OffsetPosition {
  readonly offset: bigint;
  readonly position: number;
}

const ENTRY_SIZE = 8;
const INT32_MAX = 0x7fffffff;

export class OffsetIndex extends AbstractIndex {
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

  #relativeAt(i: number): bigint {
    return BigInt(this.entry(i).readInt32BE(0));
  }

  entryAt(i: number): OffsetPosition {
    const e = this.entry(i);
    return { offset: this.baseOffset + BigInt(e.readInt32BE(0)), position: e.readInt32BE(4) };
  }

  /** The last entry, or (baseOffset, 0) when empty. */
  lastEntry(): OffsetPosition {
    return this.entries === 0
      ? { offset: this.baseOffset, position: 0 }
      : this.entryAt(this.entries - 1);
  }

  /**
   * The entry with the largest offset ≤ target: the position to start scanning from for target.
   * (baseOffset, 0) when the target precedes every entry.
   */
  lookup(targetOffset: bigint): OffsetPosition {
    const i = this.largestLowerBound(targetOffset - this.baseOffset, (j) => this.#relativeAt(j));
    return i === -1 ? { offset: this.baseOffset, position: 0 } : this.entryAt(i);
  }

  /** lookup() without blocking the event loop on an index that is not in memory. */
  async lookupAsync(targetOffset: bigint): Promise<OffsetPosition> {
    if (this.inMemory) return this.lookup(targetOffset);
    const key = (e: Buffer): bigint => BigInt(e.readInt32BE(0));
    const i = await this.largestLowerBoundAsync(targetOffset - this.baseOffset, key);
    if (i === -1) return { offset: this.baseOffset, position: 0 };
    const e = await this.entryAsync(i);
    return { offset: this.baseOffset + BigInt(e.readInt32BE(0)), position: e.readInt32BE(4) };
  }

  /**
   * Appends an entry; returns false (and writes nothing) when the index is full, which the log
   * avoids by rolling first. Offsets and positions must increase.
   */
  append(offset: bigint, position: number): boolean {
    if (this.isFull) return false;
    const relative = offset - this.baseOffset;
    if (relative < 0n || relative > BigInt(INT32_MAX)) {
      throw indexCorrupt(this.path, `offset ${offset} is not relative to base ${this.baseOffset}`);
    }
    if (this.entries > 0) {
      const last = this.entryAt(this.entries - 1);
      if (offset <= last.offset || position <= last.position) {
        throw indexCorrupt(
          this.path,
          `entry (${offset}, ${position}) does not follow (${last.offset}, ${last.position})`,
        );
      }
    }
    this.#entryBuf.writeInt32BE(Number(relative), 0);
    this.#entryBuf.writeInt32BE(position, 4);
    this.appendEntry(this.#entryBuf);
    return true;
  }

  /** Removes every entry with offset ≥ `offset`. */
  truncateTo(offset: bigint): void {
    const i = this.largestLowerBound(offset - this.baseOffset - 1n, (j) => this.#relativeAt(j));
    this.truncateToEntries(i + 1);
  }

  /**
   * Throws SAMSA_ERR_INDEX_CORRUPT unless the file holds whole entries with strictly increasing
   * offsets and positions, every position inside a log of `logSize` bytes.
   */
  sanityCheck(logSize: number): void {
    if (this.tornBytes !== 0) {
      throw indexCorrupt(this.path, `size is not a multiple of ${ENTRY_SIZE} bytes`);
    }
    const all = this.allEntries();
    let lastRelative = -1;
    let lastPosition = -1;
    for (let at = 0; at < all.length; at += ENTRY_SIZE) {
      const relative = all.readInt32BE(at);
      const position = all.readInt32BE(at + 4);
      if (relative <= lastRelative || position <= lastPosition || position >= logSize) {
        throw indexCorrupt(
          this.path,
          `entry ${at / ENTRY_SIZE} (${relative}, ${position}) is out of order or past the log`,
        );
      }
      lastRelative = relative;
      lastPosition = position;
    }
  }
}
