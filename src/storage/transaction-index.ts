// TransactionIndex: a segment's aborted transactions (Kafka's TransactionIndex and AbortedTxn), so a
// read_committed Fetch can tell the consumer which producers' data in the range to drop.
//
// On disk (`<baseOffset>.txnindex`), Kafka's format: entries of 34 bytes, big-endian,
//
//   version           int16   0
//   producerId        int64
//   firstOffset       int64   the transaction's first offset (its first data batch)
//   lastOffset        int64   the offset of its ABORT marker
//   lastStableOffset  int64   the partition's LSO once the abort is applied: the first offset of
//                             the earliest transaction still open then (another producer's), else
//                             lastOffset + 1
//
// one per ABORT marker the segment holds, in marker order (lastOffset strictly increasing). The
// file is created only with its first entry, so most segments have none. The entries are kept in
// memory once read (an aborted transaction costs 34 bytes on disk and little more in memory), so a
// read_committed fetch never reads this file.
//
// A transaction's data may begin in an earlier segment than its marker: a search for the range
// [fetchOffset, upperBound) starts at the segment holding fetchOffset and goes on through later
// segments until an entry's lastStableOffset reaches upperBound (every transaction starting below
// upperBound was decided by then, so later segments have nothing more to add).
import { SamsaError } from '../errors/samsa-error.js';
import { indexCorrupt } from './storage-errors.js';
import { RefCountedFd, writeFully } from './ref-counted-fd.js';
import type { StorageFs } from './storage-fs.js';

export const ABORTED_TXN_SIZE = 34;
export const ABORTED_TXN_VERSION = 0;

/** One aborted transaction (Kafka's AbortedTxn). */
export interface AbortedTxn {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
  readonly lastStableOffset: bigint;
}

/** What a read_committed fetch reports per aborted transaction (Fetch's AbortedTransaction). */
export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

export function encodeAbortedTxn(txn: AbortedTxn): Buffer {
  const buf = Buffer.alloc(ABORTED_TXN_SIZE);
  buf.writeInt16BE(ABORTED_TXN_VERSION, 0);
  buf.writeBigInt64BE(txn.producerId, 2);
  buf.writeBigInt64BE(txn.firstOffset, 10);
  buf.writeBigInt64BE(txn.lastOffset, 18);
  buf.writeBigInt64BE(txn.lastStableOffset, 26);
  return buf;
}

function decodeAbortedTxn(buf: Buffer, at: number): AbortedTxn & { version: number } {
  return {
    version: buf.readInt16BE(at),
    producerId: buf.readBigInt64BE(at + 2),
    firstOffset: buf.readBigInt64BE(at + 10),
    lastOffset: buf.readBigInt64BE(at + 18),
    lastStableOffset: buf.readBigInt64BE(at + 26),
  };
}

export interface TxnIndexSearchResult {
  readonly abortedTransactions: AbortedTxn[];
  /** An entry's LSO reached the upper bound: later segments need not be searched. */
  readonly isComplete: boolean;
}

export class TransactionIndex {
  readonly baseOffset: bigint;
  readonly #fs: StorageFs;
  #path: string;
  /** Open once the file is written to (or found on disk and changed); null otherwise. */
  #file: RefCountedFd | null = null;
  /** The entries, read from the file on first use. */
  #entries: AbortedTxn[] | null = null;
  /** Bytes past the last whole entry found on disk (a torn write); nonzero fails sanityCheck. */
  #tornBytes = 0;
  #closed = false;

  constructor(fs: StorageFs, path: string, baseOffset: bigint) {
    this.#fs = fs;
    this.#path = path;
    this.baseOffset = baseOffset;
  }

  get path(): string {
    return this.#path;
  }

  /** The entries, oldest first. */
  get entries(): readonly AbortedTxn[] {
    return this.#load();
  }

  #load(): AbortedTxn[] {
    if (this.#entries !== null) return this.#entries;
    const data = this.#fs.readFileSync(this.#path);
    const entries: AbortedTxn[] = [];
    if (data !== null) {
      const whole = data.length - (data.length % ABORTED_TXN_SIZE);
      for (let at = 0; at < whole; at += ABORTED_TXN_SIZE) {
        const { version, ...txn } = decodeAbortedTxn(data, at);
        if (version !== ABORTED_TXN_VERSION) {
          throw indexCorrupt(this.#path, `entry ${at / ABORTED_TXN_SIZE} has version ${version}`);
        }
        entries.push(txn);
      }
      this.#tornBytes = data.length - whole;
    }
    this.#entries = entries;
    return entries;
  }

  /** The descriptor to write with, opening (creating) the file on first use. */
  #fd(): number {
    if (this.#file === null) {
      if (this.#closed) {
        throw new SamsaError('SAMSA_ERR_LOG_CLOSED', `File ${this.#path} is closed`);
      }
      const exists = this.#fs.statSync(this.#path) !== null;
      this.#file = new RefCountedFd(this.#fs, this.#path, exists ? 'r+' : 'w+');
    }
    return this.#file.fd;
  }

  /** Appends an entry; its lastOffset must be above every entry's (Kafka's rule). */
  append(txn: AbortedTxn): void {
    const entries = this.#load();
    const last = entries.at(-1);
    if (last !== undefined && txn.lastOffset <= last.lastOffset) {
      throw new RangeError(
        `The last offset of appended transactions must increase, but ${txn.lastOffset} is not above ${last.lastOffset} in ${this.#path}`,
      );
    }
    writeFully(this.#fs, this.#fd(), encodeAbortedTxn(txn), entries.length * ABORTED_TXN_SIZE);
    entries.push(txn);
  }

  /**
   * Kafka's collectAbortedTxns: the entries overlapping [fetchOffset, upperBound) (lastOffset ≥
   * fetchOffset and firstOffset < upperBound), and whether the search is complete.
   */
  collectAbortedTxns(fetchOffset: bigint, upperBound: bigint): TxnIndexSearchResult {
    const abortedTransactions: AbortedTxn[] = [];
    for (const txn of this.#load()) {
      if (txn.lastOffset >= fetchOffset && txn.firstOffset < upperBound) {
        abortedTransactions.push(txn);
      }
      if (txn.lastStableOffset >= upperBound) return { abortedTransactions, isComplete: true };
    }
    return { abortedTransactions, isComplete: false };
  }

  /** Removes every entry whose marker is at or after `offset`. */
  truncateTo(offset: bigint): void {
    const entries = this.#load();
    const keep = entries.findIndex((t) => t.lastOffset >= offset);
    if (keep === -1 && this.#tornBytes === 0) return;
    const count = keep === -1 ? entries.length : keep;
    this.#truncateFile(count * ABORTED_TXN_SIZE);
    entries.length = count;
  }

  /** Empties the index (before recovery rebuilds it). */
  reset(): void {
    this.#entries = [];
    this.#truncateFile(0);
  }

  #truncateFile(size: number): void {
    this.#tornBytes = 0;
    if (this.#file === null && this.#fs.statSync(this.#path) === null) return;
    this.#fs.ftruncateSync(this.#fd(), size);
  }

  /**
   * Throws SAMSA_ERR_INDEX_CORRUPT unless the file holds whole version-0 entries in marker order,
   * none before the segment's base offset.
   */
  sanityCheck(): void {
    const entries = this.#load();
    if (this.#tornBytes !== 0) {
      throw indexCorrupt(this.#path, `size is not a multiple of ${ABORTED_TXN_SIZE} bytes`);
    }
    let last = -1n;
    for (const [i, txn] of entries.entries()) {
      if (txn.lastOffset < this.baseOffset || txn.lastOffset <= last) {
        throw indexCorrupt(
          this.#path,
          `entry ${i} (last offset ${txn.lastOffset}) is out of order or before base ${this.baseOffset}`,
        );
      }
      last = txn.lastOffset;
    }
  }

  async flush(): Promise<void> {
    if (this.#file === null) return;
    await this.#file.use((fd) => this.#fs.fsync(fd));
  }

  /** Renames the file when it exists; the path is recorded either way (as Kafka does). */
  renameTo(path: string): void {
    if (this.#file !== null || this.#fs.statSync(this.#path) !== null) {
      this.#fs.renameSync(this.#path, path);
    }
    this.#path = path;
    if (this.#file !== null) this.#file.path = path;
  }

  close(): void {
    this.#closed = true;
    this.#file?.close();
  }

  deleteFile(): void {
    this.close();
    this.#fs.unlinkSync(this.#path);
  }
}
