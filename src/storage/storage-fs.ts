// The file-system calls storage makes, behind one interface so tests can inject failures (a
// failing fsync, a full disk) and so every I/O path is visible in one place.
//
// Why synchronous calls for writes: an append is one pwrite into the page cache (microseconds),
// done in the same JavaScript turn that assigns the offsets, so offsets, file bytes and in-memory
// state can never disagree and no lock is needed. Once writeSync returns, the bytes belong to the
// kernel and survive `kill -9` of the broker. fsync, which can take tens of milliseconds, and large
// reads, which may go to disk, are asynchronous and run on libuv's thread pool.
import * as fs from 'node:fs';

export interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
  readonly isDirectory: boolean;
}

export interface StorageFs {
  /** Flags as node:fs takes them: 'r+' (existing file), 'wx+' (new file), 'r'. */
  openSync(path: string, flags: string): number;
  closeSync(fd: number): void;
  /** Writes `length` bytes of `buffer` from `offset` at file `position`; returns bytes written. */
  writeSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  /** Reads into `buffer`; returns bytes read (0 at end of file). */
  readSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  read(
    fd: number,
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<number>;
  fsync(fd: number): Promise<void>;
  /** Only for tiny, rare writes (the leader epoch checkpoint). */
  fsyncSync(fd: number): void;
  ftruncateSync(fd: number, length: number): void;
  fstatSync(fd: number): FileStat;
  /** null when nothing exists at `path`. */
  statSync(path: string): FileStat | null;
  readFileSync(path: string): Buffer | null;
  writeFileSync(path: string, data: Buffer | string): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  mkdirSync(path: string): void;
  readdirSync(path: string): string[];
  rm(path: string): Promise<void>;
  /** Makes a directory's entries (creates, renames, deletes) durable. */
  fsyncDir(path: string): Promise<void>;
}

function toStat(s: fs.Stats): FileStat {
  return { size: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return err instanceof Error && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

/** node:fs, used by the broker. */
export const NODE_STORAGE_FS: StorageFs = Object.freeze({
  openSync: (path: string, flags: string) => fs.openSync(path, flags),
  closeSync: (fd: number) => fs.closeSync(fd),
  writeSync: (fd: number, buffer: Buffer, offset: number, length: number, position: number) =>
    fs.writeSync(fd, buffer, offset, length, position),
  readSync: (fd: number, buffer: Buffer, offset: number, length: number, position: number) =>
    fs.readSync(fd, buffer, offset, length, position),
  read: (fd: number, buffer: Buffer, offset: number, length: number, position: number) =>
    new Promise<number>((resolve, reject) => {
      fs.read(fd, buffer, offset, length, position, (err, bytesRead) => {
        if (err) reject(err);
        else resolve(bytesRead);
      });
    }),
  fsync: (fd: number) =>
    new Promise<void>((resolve, reject) => {
      fs.fsync(fd, (err) => (err ? reject(err) : resolve()));
    }),
  fsyncSync: (fd: number) => fs.fsyncSync(fd),
  ftruncateSync: (fd: number, length: number) => fs.ftruncateSync(fd, length),
  fstatSync: (fd: number) => toStat(fs.fstatSync(fd)),
  statSync: (path: string) => {
    const s = fs.statSync(path, { throwIfNoEntry: false });
    return s === undefined ? null : toStat(s);
  },
  readFileSync: (path: string) => {
    try {
      return fs.readFileSync(path);
    } catch (err) {
      if (isCode(err, 'ENOENT')) return null;
      throw err;
    }
  },
  writeFileSync: (path: string, data: Buffer | string) => fs.writeFileSync(path, data),
  renameSync: (from: string, to: string) => fs.renameSync(from, to),
  unlinkSync: (path: string) => {
    try {
      fs.unlinkSync(path);
    } catch (err) {
      if (!isCode(err, 'ENOENT')) throw err;
    }
  },
  mkdirSync: (path: string) => {
    fs.mkdirSync(path, { recursive: true });
  },
  readdirSync: (path: string) => fs.readdirSync(path),
  rm: (path: string) => fs.promises.rm(path, { recursive: true, force: true }),
  fsyncDir: async (path: string) => {
    // Directories cannot be opened for fsync on every platform (Windows); Kafka ignores that too.
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (err) {
      if (isCode(err, 'EISDIR', 'EPERM', 'EACCES')) return;
      throw err;
    }
    try {
      await new Promise<void>((resolve, reject) => {
        fs.fsync(fd, (err) => (err && !isCode(err, 'EINVAL', 'EBADF') ? reject(err) : resolve()));
      });
    } finally {
      fs.closeSync(fd);
    }
  },
});
