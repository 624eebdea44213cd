// What OffsetIndex and TimeIndex share: a file of fixed-size big-endian entries, sorted by a key,
// searched by binary search.
//
// Kafka memory-maps a file preallocated to segment.index.bytes and trims it when the segment is
// rolled. Node has no mmap, so Samsa simply appends: the file is always exactly `entries *
// entrySize` bytes (a torn last entry after a crash fails the sanity check and the index is
// rebuilt), and segment.index.bytes is the cap at which the index counts as full and the segment
// rolls. The active segment keeps a copy of its index in memory (lookups by tailing readers are
// free); older segments answer lookups with one positioned read per probe, as an mmap would fault
// in pages, so memory stays small however much data the log holds.
import { RefCountedFd, readFullySync, writeFully } from './ref-counted-fd.js';
import type { StorageFs } from './storage-fs.js';

export interface IndexOpenOptions {
  /** Start a new empty file, replacing any file at the path. */
  readonly create: boolean;
  /** Keep a copy of the entries in memory (the active segment). */
  readonly inMemory: boolean;
}

export abstract class AbstractIndex {
  readonly baseOffset: bigint;
  readonly entrySize: number;
  readonly maxEntries: number;
  protected readonly fs: StorageFs;
  readonly #file: RefCountedFd;
  #entries: number;
  /** Bytes past the last whole entry (a torn write); nonzero fails the sanity check. */
  #tornBytes: number;
  /** Whether the file did not exist when opened (it must then be rebuilt). */
  readonly wasMissing: boolean;
  #mem: Buffer | null = null;
  readonly #scratch: Buffer;

  protected constructor(
    fs: StorageFs,
    path: string,
    baseOffset: bigint,
    maxIndexSize: number,
    entrySize: number,
    options: IndexOpenOptions,
  ) {
    this.fs = fs;
    this.baseOffset = baseOffset;
    this.entrySize = entrySize;
    this.maxEntries = Math.max(0, Math.floor(maxIndexSize / entrySize));
    this.#scratch = Buffer.alloc(entrySize);
    const existing = options.create ? null : fs.statSync(path);
    this.wasMissing = !options.create && existing === null;
    this.#file = new RefCountedFd(fs, path, existing === null ? 'w+' : 'r+');
    const size = existing?.size ?? 0;
    this.#entries = Math.floor(size / entrySize);
    this.#tornBytes = size % entrySize;
    if (options.inMemory) this.loadIntoMemory();
  }

  get path(): string {
    return this.#file.path;
  }

  get isClosed(): boolean {
    return this.#file.isClosed;
  }

  get entries(): number {
    return this.#entries;
  }

  get isFull(): boolean {
    return this.#entries >= this.maxEntries;
  }

  get sizeInBytes(): number {
    return this.#entries * this.entrySize;
  }

  protected get tornBytes(): number {
    return this.#tornBytes;
  }

  /** Entry `i` (0 ≤ i < entries). The view is only valid until the next call. */
  protected entry(i: number): Buffer {
    const at = i * this.entrySize;
    if (this.#mem !== null) return this.#mem.subarray(at, at + this.entrySize);
    const n = this.fs.readSync(this.#file.fd, this.#scratch, 0, this.entrySize, at);
    if (n !== this.entrySize) this.#scratch.fill(0, n);
    return this.#scratch;
  }

  /** Entry `i` read without blocking the event loop (a fresh buffer; safe to keep). */
  protected async entryAsync(i: number): Promise<Buffer> {
    if (this.#mem !== null) return Buffer.from(this.entry(i));
    const buf = Buffer.alloc(this.entrySize);
    const at = i * this.entrySize;
    await this.#file.use((fd) => this.fs.read(fd, buf, 0, this.entrySize, at));
    return buf;
  }

  get inMemory(): boolean {
    return this.#mem !== null;
  }

  /** All entries at once, for sanity checks. */
  protected allEntries(): Buffer {
    if (this.#mem !== null) return this.#mem.subarray(0, this.sizeInBytes);
    return readFullySync(this.fs, this.#file.fd, 0, this.sizeInBytes);
  }

  protected appendEntry(entry: Buffer): void {
    const at = this.sizeInBytes;
    writeFully(this.fs, this.#file.fd, entry, at);
    if (this.#mem !== null) {
      if (this.#mem.length < at + entry.length) {
        const grown = Buffer.allocUnsafe(Math.max(1024, this.#mem.length * 2));
        this.#mem.copy(grown, 0, 0, at);
        this.#mem = grown;
      }
      entry.copy(this.#mem, at);
    }
    this.#entries++;
  }

  /** Keeps the first `n` entries. */
  truncateToEntries(n: number): void {
    if (n >= this.#entries && this.#tornBytes === 0) return;
    const keep = Math.min(n, this.#entries);
    this.fs.ftruncateSync(this.#file.fd, keep * this.entrySize);
    this.#entries = keep;
    this.#tornBytes = 0;
  }

  /** Empties the index (before a rebuild). */
  reset(): void {
    this.fs.ftruncateSync(this.#file.fd, 0);
    this.#entries = 0;
    this.#tornBytes = 0;
  }

  loadIntoMemory(): void {
    if (this.#mem !== null) return;
    const data = readFullySync(this.fs, this.#file.fd, 0, this.sizeInBytes);
    this.#mem = Buffer.allocUnsafe(Math.max(1024, data.length * 2));
    data.copy(this.#mem);
  }

  /** Drops the in-memory copy when the segment stops being the active one. */
  releaseMemory(): void {
    this.#mem = null;
  }

  /**
   * The largest i with key(i) ≤ target, or -1 when every key is larger (or there are none).
   * Keys must be non-decreasing in i.
   */
  protected largestLowerBound(target: bigint, key: (i: number) => bigint): number {
    let lo = 0;
    let hi = this.#entries - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (key(mid) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** largestLowerBound for an index on disk, one asynchronous positioned read per probe. */
  protected async largestLowerBoundAsync(
    target: bigint,
    key: (entry: Buffer) => bigint,
  ): Promise<number> {
    let lo = 0;
    let hi = this.#entries - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (key(await this.entryAsync(mid)) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  flush(): Promise<void> {
    return this.#file.use((fd) => this.fs.fsync(fd));
  }

  renameTo(path: string): void {
    this.fs.renameSync(this.#file.path, path);
    this.#file.path = path;
  }

  close(): void {
    this.#file.close();
  }

  /** Closes and removes the file. */
  deleteFile(): void {
    this.#file.close();
    this.fs.unlinkSync(this.#file.path);
  }
}
