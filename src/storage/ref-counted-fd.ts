// An open file descriptor shared by synchronous writers and asynchronous readers/fsyncs.
// Closing waits for in-flight asynchronous operations: closing a descriptor under a pending read
// would let the kernel hand the same number to another file and the read would return its bytes.
// (POSIX keeps an unlinked file readable through an open descriptor, so deleting a segment while
// a fetch reads it is safe once the close is deferred like this.)
import { SamsaError } from '../errors/samsa-error.js';
import type { StorageFs } from './storage-fs.js';

export class RefCountedFd {
  readonly #fs: StorageFs;
  readonly #fd: number;
  #path: string;
  #pending = 0;
  #closing = false;
  #closed = false;

  constructor(fs: StorageFs, path: string, flags: string) {
    this.#fs = fs;
    this.#path = path;
    this.#fd = fs.openSync(path, flags);
  }

  get path(): string {
    return this.#path;
  }

  /** Records a rename of the file; the descriptor itself is unaffected. */
  set path(path: string) {
    this.#path = path;
  }

  get isClosed(): boolean {
    return this.#closing;
  }

  /** The descriptor for a synchronous call; throws once close() was called. */
  get fd(): number {
    if (this.#closing) {
      throw new SamsaError('SAMSA_ERR_LOG_CLOSED', `File ${this.#path} is closed`);
    }
    return this.#fd;
  }

  /** Runs an asynchronous operation, holding the descriptor open until it settles. */
  async use<T>(op: (fd: number) => Promise<T>): Promise<T> {
    const fd = this.fd;
    this.#pending++;
    try {
      return await op(fd);
    } finally {
      this.#pending--;
      if (this.#closing && this.#pending === 0) this.#closeNow();
    }
  }

  /** Closes now, or as soon as the operations in flight settle. Idempotent. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    if (this.#pending === 0) this.#closeNow();
  }

  #closeNow(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#fs.closeSync(this.#fd);
  }
}

/** Writes all of `buf` at `position`, looping over short writes. */
export function writeFully(fs: StorageFs, fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) {
    done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
  }
}

/** Reads up to `length` bytes at `position`; fewer only at end of file. */
export function readFullySync(fs: StorageFs, fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** The asynchronous readFullySync. */
export async function readFully(
  fs: StorageFs,
  fd: number,
  position: number,
  length: number,
): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = await fs.read(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}
