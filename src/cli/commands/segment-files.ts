// Read-only access to a partition's segment files for samsa dump-log: the tool may run against a
// live broker's directory or files owned by someone else, so nothing here opens a file for
// writing (the storage layer's readers do, being the broker's). Batches are read with one
// positioned read for the header and one for the body; record parsing, decompression and CRC
// checks are the protocol layer's RecordBatch.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  BATCH_LENGTH_OFFSET,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MIN_BATCH_LENGTH,
  RecordBatch,
} from '../../protocol/records/index.js';

export class ReadOnlyFile {
  readonly path: string;
  readonly #fd: number;
  readonly size: number;

  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, 'r');
    this.size = fstatSync(this.#fd).size;
  }

  /** Up to `length` bytes at `position` (fewer at the end of the file). */
  read(position: number, length: number): Buffer {
    const want = Math.max(0, Math.min(length, this.size - position));
    const buf = Buffer.allocUnsafe(want);
    let filled = 0;
    while (filled < want) {
      const n = readSync(this.#fd, buf, filled, want - filled, position + filled);
      if (n === 0) break;
      filled += n;
    }
    return buf.subarray(0, filled);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

export interface LogBatch {
  position: number;
  batch: RecordBatch;
}

/**
 * The batches of a .log file from `start` up to `limit` bytes, stopping at the first bytes that
 * are not a whole magic-2 batch; `validBytes` is where that happened.
 */
export function* logBatches(
  file: ReadOnlyFile,
  start = 0,
  limit = Number.MAX_SAFE_INTEGER,
): Generator<LogBatch, number, undefined> {
  const end = Math.min(file.size, start + limit);
  let position = start;
  while (position + LOG_OVERHEAD <= end) {
    const head = file.read(position, MAGIC_OFFSET + 1);
    if (head.length < MAGIC_OFFSET + 1) break;
    const batchLength = head.readInt32BE(BATCH_LENGTH_OFFSET);
    const size = LOG_OVERHEAD + batchLength;
    if (batchLength < MIN_BATCH_LENGTH || head.readInt8(MAGIC_OFFSET) !== CURRENT_MAGIC) break;
    if (position + size > end) break;
    yield { position, batch: new RecordBatch(file.read(position, size)) };
    position += size;
  }
  return position;
}

/** The segment's base offset from its file name: 00000000000000000042.log → 42. */
export function baseOffsetOf(path: string): bigint | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const stem = name.slice(0, name.indexOf('.'));
  return /^\d+$/.test(stem) ? BigInt(stem) : null;
}
