// FileRecords: a segment's .log file — record batches back to back, byte for byte as they were
// validated (and as fetches return them). There is no other framing: each batch's own baseOffset
// and batchLength fields delimit it, exactly as in Kafka, so Kafka's tools can read the files.
//
// Appends go through writeSync at the tracked end of file (see storage-fs.ts for why); fetch
// reads are asynchronous; startup recovery and the short header scans that locate an offset use
// synchronous positioned reads in windows (a few KiB that were just written or indexed, so almost
// always in the page cache).
import {
  BATCH_LENGTH_OFFSET,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA_OFFSET,
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  MIN_BATCH_LENGTH,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORDS_OFFSET,
} from '../protocol/records/index.js';
import { RefCountedFd, readFully, readFullySync, writeFully } from './ref-counted-fd.js';
import type { StorageFs } from './storage-fs.js';

/** What a batch's header says, and where it sits. */
export interface BatchHeader {
  readonly position: number;
  /** The whole batch: batchLength plus the 12 bytes before it. */
  readonly size: number;
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly maxTimestamp: bigint;
  readonly partitionLeaderEpoch: number;
}

export interface FileBatch extends BatchHeader {
  /** The whole batch (a view into a read window), when the scan asked for bodies. */
  readonly body: Buffer | null;
  /** Producer fields of the header (producer state is rebuilt from these, no body needed). */
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly attributes: number;
}

/** Why a scan stopped: the end, a batch cut short, or bytes that are not a batch. */
export type ScanStop = 'end' | 'torn' | 'invalid';

/** Reads the header of the batch at `at` in `buf` (which must hold RECORDS_OFFSET bytes). */
export function readBatchHeader(buf: Buffer, at: number, position: number): BatchHeader {
  const baseOffset = buf.readBigInt64BE(at);
  return {
    position,
    size: LOG_OVERHEAD + buf.readInt32BE(at + BATCH_LENGTH_OFFSET),
    baseOffset,
    lastOffset: baseOffset + BigInt(buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)),
    maxTimestamp: buf.readBigInt64BE(at + MAX_TIMESTAMP_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(at + PARTITION_LEADER_EPOCH_OFFSET),
  };
}

const DEFAULT_WINDOW = 64 * 1024;

export class FileRecords {
  readonly #fs: StorageFs;
  readonly #file: RefCountedFd;
  #size: number;

  private constructor(fs: StorageFs, file: RefCountedFd, size: number) {
    this.#fs = fs;
    this.#file = file;
    this.#size = size;
  }

  /** A new empty file; fails if one exists, since a segment's offsets can only be written once. */
  static create(fs: StorageFs, path: string): FileRecords {
    return new FileRecords(fs, new RefCountedFd(fs, path, 'wx+'), 0);
  }

  static open(fs: StorageFs, path: string): FileRecords {
    const file = new RefCountedFd(fs, path, 'r+');
    return new FileRecords(fs, file, fs.fstatSync(file.fd).size);
  }

  get path(): string {
    return this.#file.path;
  }

  get size(): number {
    return this.#size;
  }

  get lastModifiedMs(): number {
    return this.#fs.fstatSync(this.#file.fd).mtimeMs;
  }

  /** Appends `buf` whole; returns the position it starts at. */
  append(buf: Buffer): number {
    const position = this.#size;
    try {
      writeFully(this.#fs, this.#file.fd, buf, position);
    } catch (err) {
      // Whatever part was written is past #size and will be overwritten or truncated.
      this.#size = position;
      throw err;
    }
    this.#size = position + buf.length;
    return position;
  }

  readSync(position: number, length: number): Buffer {
    return readFullySync(this.#fs, this.#file.fd, position, length);
  }

  read(position: number, length: number): Promise<Buffer> {
    return this.#file.use((fd) => readFully(this.#fs, fd, position, length));
  }

  truncateTo(size: number): void {
    if (size > this.#size) throw new RangeError(`Cannot truncate ${this.path} up to ${size}`);
    this.#fs.ftruncateSync(this.#file.fd, size);
    this.#size = size;
  }

  flush(): Promise<void> {
    return this.#file.use((fd) => this.#fs.fsync(fd));
  }

  renameTo(path: string): void {
    this.#fs.renameSync(this.#file.path, path);
    this.#file.path = path;
  }

  close(): void {
    this.#file.close();
  }

  deleteFile(): void {
    this.#file.close();
    this.#fs.unlinkSync(this.#file.path);
  }

  /** Iterates the batches from `position` (a batch boundary) to `end`. */
  batches(
    position: number,
    options: { withBody: boolean; end?: number; windowBytes?: number },
  ): FileBatchIterator {
    return new FileBatchIterator(
      this,
      position,
      options.end ?? this.#size,
      options.withBody,
      options.windowBytes ?? DEFAULT_WINDOW,
    );
  }
}

/**
 * Walks batches through a sliding read window. Structural checks only (length, magic, fits in
 * the file); CRC and offset order are the caller's to check.
 */
export class FileBatchIterator {
  readonly #file: FileRecords;
  readonly #end: number;
  readonly #withBody: boolean;
  readonly #windowBytes: number;
  #position: number;
  #window: Buffer = Buffer.alloc(0);
  #windowStart = 0;
  stop: ScanStop | null = null;

  constructor(
    file: FileRecords,
    position: number,
    end: number,
    withBody: boolean,
    windowBytes: number,
  ) {
    this.#file = file;
    this.#position = position;
    this.#end = end;
    this.#withBody = withBody;
    this.#windowBytes = windowBytes;
  }

  /** Where the next batch would start: after the last one returned. */
  get position(): number {
    return this.#position;
  }

  /** The window holding [position, position + length), reading when needed. */
  #view(position: number, length: number): Buffer {
    const offset = position - this.#windowStart;
    if (offset < 0 || offset + length > this.#window.length) {
      const want = Math.min(Math.max(length, this.#windowBytes), this.#end - position);
      this.#window = this.#file.readSync(position, want);
      this.#windowStart = position;
      return this.#window.subarray(0, length);
    }
    return this.#window.subarray(offset, offset + length);
  }

  next(): FileBatch | null {
    if (this.stop !== null) return null;
    const position = this.#position;
    const remaining = this.#end - position;
    if (remaining <= 0) return this.#halt('end');
    if (remaining < RECORDS_OFFSET) return this.#halt('torn');
    const head = this.#view(position, RECORDS_OFFSET);
    if (head.length < RECORDS_OFFSET) return this.#halt('torn');
    const batchLength = head.readInt32BE(BATCH_LENGTH_OFFSET);
    if (batchLength < MIN_BATCH_LENGTH || head.readInt8(MAGIC_OFFSET) !== CURRENT_MAGIC) {
      return this.#halt('invalid');
    }
    const header = readBatchHeader(head, 0, position);
    if (header.size > remaining) return this.#halt('torn');
    const producerId = head.readBigInt64BE(PRODUCER_ID_OFFSET);
    const producerEpoch = head.readInt16BE(PRODUCER_EPOCH_OFFSET);
    const baseSequence = head.readInt32BE(BASE_SEQUENCE_OFFSET);
    const attributes = head.readInt16BE(ATTRIBUTES_OFFSET);
    let body: Buffer | null = null;
    if (this.#withBody) {
      body = this.#view(position, header.size);
      if (body.length < header.size) return this.#halt('torn');
    }
    this.#position = position + header.size;
    return { ...header, body, producerId, producerEpoch, baseSequence, attributes };
  }

  #halt(reason: ScanStop): null {
    this.stop = reason;
    return null;
  }
}

/**
 * The longest prefix of `buf` (which starts on a batch boundary) made of whole batches whose last
 * offset is below `maxOffset`: what a fetch may return.
 */
export function wholeBatchesBelow(buf: Buffer, maxOffset: bigint): Buffer {
  let at = 0;
  while (at + RECORDS_OFFSET <= buf.length) {
    const size = LOG_OVERHEAD + buf.readInt32BE(at + BATCH_LENGTH_OFFSET);
    if (size < RECORDS_OFFSET || at + size > buf.length) break;
    const lastOffset =
      buf.readBigInt64BE(at) + BigInt(buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET));
    if (lastOffset >= maxOffset) break;
    at += size;
  }
  return at === buf.length ? buf : buf.subarray(0, at);
}

/** The last offset of the last whole batch in `buf` (batches back to back); -1 when none. */
export function lastOffsetOfBatches(buf: Buffer): bigint {
  let last = -1n;
  let at = 0;
  while (at + RECORDS_OFFSET <= buf.length) {
    const size = LOG_OVERHEAD + buf.readInt32BE(at + BATCH_LENGTH_OFFSET);
    if (size < RECORDS_OFFSET || at + size > buf.length) break;
    last = buf.readBigInt64BE(at) + BigInt(buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET));
    at += size;
  }
  return last;
}
