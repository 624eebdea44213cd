// Replacing segments with the log cleaner's output, crash-safely, in Kafka's file protocol
// (LocalLog.replaceSegments and LogLoader in Kafka). One cleaned segment replaces a group of
// consecutive old segments; it is named after the first of them and ends exactly where the last
// one ended (the cleaner keeps each group's last batch, empty if need be), so its `.log` alone
// says which old segments it replaces: every one whose base offset lies in [its base, its end).
//
// On disk, in order (the suffixes follow the full name: `<base>.log.cleaned`):
//  1. The cleaner writes `<base>.{log,index,timeindex}.cleaned` (and `.txnindex.cleaned` when the
//     cleaned segment keeps aborted transactions) and fsyncs them.
//  2. They are renamed to `.swap`, `.log` last, and the directory is fsynced. This is the commit
//     point: from here on recovery finishes the swap instead of discarding it.
//  3. The old segments' files are renamed to `.deleted`; the directory is fsynced (synchronously:
//     the only blocking fsync on the cleaner's path), so no old segment can outlive step 4 under
//     the names of live segments, whatever order the file system persists renames in.
//  4. The `.swap` files take the live names; the `.deleted` files are unlinked; the directory is
//     fsynced in the background.
// Steps 3-4 run in one synchronous turn, so no append, read or retention pass sees them half done.
//
// Recovery (completeInterruptedSwaps, run by the loader before anything else):
//  - `*.cleaned` files are deleted: a swap that never reached its commit point is abandoned, and
//    the old segments are untouched;
//  - a `<base>.log.swap` is a committed swap: every live segment file with a base offset in
//    [base, end of the swap's batches) is deleted, then the `.swap` files are renamed into place;
//  - any other `.swap` file (an index whose `.log` already took its live name, or never got
//    there) is deleted, and the index is rebuilt from its `.log`;
//  - the segments of the swaps finished here are returned: the loader recovers them, which rebuilds
//    their transaction index (a `.txnindex` lost on the way cannot be told from none at all);
//  - `*.deleted` files are then removed by the loader's usual leftover sweep.
// Every step is idempotent, so a crash during recovery is recovered from the same way.
import { join } from 'node:path';
import {
  CLEANED_FILE_SUFFIX,
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  SWAP_FILE_SUFFIX,
  TIME_INDEX_FILE_SUFFIX,
  TXN_INDEX_FILE_SUFFIX,
  parseSegmentFileName,
  segmentFilePath,
} from './file-names.js';
import { FileRecords } from './file-records.js';
import type { StorageFs } from './storage-fs.js';

function isCode(err: unknown, ...codes: string[]): boolean {
  return err instanceof Error && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

/**
 * fsync of a directory without leaving the current turn (StorageFs only has the asynchronous
 * one). Platforms that cannot fsync a directory are skipped, as NODE_STORAGE_FS.fsyncDir does.
 */
export function fsyncDirSync(fs: StorageFs, dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch (err) {
    if (isCode(err, 'EISDIR', 'EPERM', 'EACCES')) return;
    throw err;
  }
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    if (!isCode(err, 'EINVAL', 'EBADF')) throw err;
  } finally {
    fs.closeSync(fd);
  }
}

/** The offset after the last batch of a `.log` file (its base offset when it holds none). */
function endOffsetOf(fs: StorageFs, path: string, baseOffset: bigint): bigint {
  const file = FileRecords.open(fs, path);
  try {
    let end = baseOffset;
    const it = file.batches(0, { withBody: false });
    for (let b = it.next(); b !== null; b = it.next()) end = b.lastOffset + 1n;
    return end;
  } finally {
    file.close();
  }
}

/**
 * Finishes or abandons the swaps a crash interrupted in `dir` (see the module header). Returns
 * the base offsets of the swaps it finished.
 */
export function completeInterruptedSwaps(
  fs: StorageFs,
  dir: string,
  warn: (message: string) => void,
): bigint[] {
  const names = fs.readdirSync(dir);
  for (const name of names) {
    if (name.endsWith(CLEANED_FILE_SUFFIX)) fs.unlinkSync(join(dir, name));
  }
  const swaps = names
    .filter((n) => n.endsWith(SWAP_FILE_SUFFIX))
    .map((n) => ({ name: n, parsed: parseSegmentFileName(n.slice(0, -SWAP_FILE_SUFFIX.length)) }));
  const finished: bigint[] = [];
  for (const { parsed } of swaps) {
    if (parsed?.suffix !== LOG_FILE_SUFFIX) continue;
    const base = parsed.baseOffset;
    const swapLog = segmentFilePath(dir, base, LOG_FILE_SUFFIX) + SWAP_FILE_SUFFIX;
    const end = endOffsetOf(fs, swapLog, base);
    if (end === base && fs.statSync(segmentFilePath(dir, base, LOG_FILE_SUFFIX)) !== null) {
      // Never written by the cleaner (a group always keeps its last batch): keep the live data.
      warn(`ignoring an empty swap file for segment ${base}`);
      continue;
    }
    for (const name of fs.readdirSync(dir)) {
      const live = parseSegmentFileName(name);
      if (live !== null && live.baseOffset >= base && live.baseOffset < end) {
        fs.unlinkSync(join(dir, name));
      }
    }
    const suffixes = [INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX];
    for (const suffix of [...suffixes, LOG_FILE_SUFFIX]) {
      const target = segmentFilePath(dir, base, suffix);
      if (fs.statSync(target + SWAP_FILE_SUFFIX) !== null)
        fs.renameSync(target + SWAP_FILE_SUFFIX, target);
    }
    warn(`finished an interrupted swap of cleaned segment ${base} (offsets ${base} to ${end})`);
    finished.push(base);
  }
  for (const { name } of swaps) {
    if (fs.statSync(join(dir, name)) !== null) fs.unlinkSync(join(dir, name));
  }
  return finished;
}
