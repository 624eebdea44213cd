// TailCache: the newest bytes of a partition in memory, so consumers that keep up (the common
// case) are served without a file read. It mirrors the log exactly from its first cached batch to
// the log end offset: appends are copied in, in order, and any truncation clears it. Reads follow
// the same rules as segment reads (whole batches, one segment per read, byte budget, offset
// bound), so a cached read returns the same bytes a disk read would.
//
// Memory: bytes are copied into blocks that start small (an idle partition costs a few KiB) and
// double up to a quarter of the budget; the oldest blocks are dropped once the blocks together
// pass the budget. Blocks are never reused, so a Buffer handed to a fetch stays valid.
const MIN_BLOCK = 16 * 1024;
const EMPTY = Buffer.alloc(0);

interface Block {
  readonly buf: Buffer;
  used: number;
  readonly batches: CachedBatch[];
}

interface CachedBatch {
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly segmentBase: bigint;
  readonly block: Block;
  readonly start: number;
  readonly size: number;
}

export interface CacheableBatch {
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly size: number;
}

export class TailCache {
  readonly maxBytes: number;
  #blocks: Block[] = [];
  #capacity = 0;
  #nextBlockSize = MIN_BLOCK;

  /** `maxBytes` 0 disables the cache. */
  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** Bytes of batches held. */
  get cachedBytes(): number {
    return this.#blocks.reduce((n, b) => n + b.used, 0);
  }

  /** The first offset a read can be served from, or null when empty. */
  get firstOffset(): bigint | null {
    return this.#blocks[0]?.batches[0]?.baseOffset ?? null;
  }

  clear(): void {
    this.#blocks = [];
    this.#capacity = 0;
  }

  /** Copies in `bytes` (the batches just written, back to back, to segment `segmentBase`). */
  append(bytes: Buffer, batches: readonly CacheableBatch[], segmentBase: bigint): void {
    if (this.maxBytes === 0) return;
    if (bytes.length > this.maxBytes / 2) {
      // Too big to hold with anything else; restart after it so the cache stays gap-free.
      this.clear();
      return;
    }
    let block = this.#blocks.at(-1);
    if (block === undefined || block.buf.length - block.used < bytes.length) {
      const size = Math.max(Math.min(this.#nextBlockSize, this.maxBytes), bytes.length);
      this.#nextBlockSize = Math.min(
        this.#nextBlockSize * 2,
        Math.max(MIN_BLOCK, this.maxBytes / 4),
      );
      block = { buf: Buffer.allocUnsafe(size), used: 0, batches: [] };
      this.#blocks.push(block);
      this.#capacity += size;
      while (this.#capacity > this.maxBytes && this.#blocks.length > 1) {
        this.#capacity -= this.#blocks.shift()!.buf.length;
      }
    }
    bytes.copy(block.buf, block.used);
    let start = block.used;
    for (const b of batches) {
      block.batches.push({ ...b, segmentBase, block, start });
      start += b.size;
    }
    block.used += bytes.length;
  }

  /** The cached batch holding `offset` (lastOffset ≥ offset), as [block, batch] indexes. */
  #find(offset: bigint): [number, number] | null {
    for (let bi = this.#blocks.length - 1; bi >= 0; bi--) {
      const batches = this.#blocks[bi]!.batches;
      if (batches.length === 0 || batches[0]!.baseOffset > offset) continue;
      let lo = 0;
      let hi = batches.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (batches[mid]!.lastOffset >= offset) hi = mid;
        else lo = mid + 1;
      }
      if (batches[lo]!.lastOffset >= offset) return [bi, lo];
      const next = this.#blocks[bi + 1]?.batches[0];
      return next === undefined ? null : [bi + 1, 0];
    }
    return null;
  }

  /**
   * Whole batches from the one holding `fetchOffset`, as LogSegment.read chooses them; an empty
   * buffer when the offset is the log end; null when the cache does not reach back to it.
   */
  read(
    fetchOffset: bigint,
    maxBytes: number,
    maxOffset: bigint,
    minOneBatch: boolean,
  ): Buffer | null {
    const first = this.firstOffset;
    if (first === null || fetchOffset < first) return null;
    const found = this.#find(fetchOffset);
    if (found === null) return EMPTY;
    let [bi, i] = found;
    const head = this.#blocks[bi]!.batches[i]!;
    if (head.lastOffset >= maxOffset || (head.size > maxBytes && !minOneBatch)) return EMPTY;
    const pieces: Buffer[] = [];
    let total = 0;
    let runStart = head.start;
    let runEnd = head.start;
    for (;;) {
      const block = this.#blocks[bi];
      const b = block?.batches[i];
      const take =
        b !== undefined &&
        b.segmentBase === head.segmentBase &&
        b.lastOffset < maxOffset &&
        (total === 0 || total + b.size <= maxBytes);
      if (!take) break;
      total += b.size;
      runEnd = b.start + b.size;
      i++;
      if (i === block!.batches.length) {
        pieces.push(block!.buf.subarray(runStart, runEnd));
        bi++;
        i = 0;
        runStart = runEnd = 0;
      }
    }
    if (runEnd > runStart) pieces.push(this.#blocks[bi]!.buf.subarray(runStart, runEnd));
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, total);
  }
}
