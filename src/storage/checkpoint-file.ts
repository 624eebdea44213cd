// Kafka's checkpoint file format, shared by the recovery-point, log-start-offset and
// leader-epoch checkpoints:
//
//   0                 version
//   2                 number of entries
//   orders 0 1042     one entry per line, fields separated by one space
//   orders 1 977
//
// Offset checkpoints (one per log dir) hold `topic partition offset`; the leader epoch checkpoint
// (one per partition) holds `epoch startOffset`. A file is replaced atomically: written to
// `<name>.tmp`, fsynced, renamed over the old one, then the directory is fsynced, so a crash
// leaves the old or the new file, never a mix.
import { dirname } from 'node:path';
import { SamsaError } from '../errors/samsa-error.js';
import { TMP_FILE_SUFFIX, type TopicPartition } from './file-names.js';
import { writeFully } from './ref-counted-fd.js';
import type { StorageFs } from './storage-fs.js';

export const CHECKPOINT_VERSION = 0;

export function formatCheckpoint(entries: readonly string[]): Buffer {
  return Buffer.from(
    `${CHECKPOINT_VERSION}\n${entries.length}\n${entries.map((e) => `${e}\n`).join('')}`,
  );
}

function corrupt(path: string, detail: string): SamsaError {
  return new SamsaError('SAMSA_ERR_CHECKPOINT_CORRUPT', `Checkpoint file ${path} ${detail}`);
}

/**
 * The entries of a checkpoint file, each split into its space-separated fields; null when the
 * file does not exist. Throws SAMSA_ERR_CHECKPOINT_CORRUPT on any deviation from the format.
 */
export function readCheckpoint(fs: StorageFs, path: string, fieldCount: number): string[][] | null {
  const data = fs.readFileSync(path);
  if (data === null) return null;
  const lines = data.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines[0] !== String(CHECKPOINT_VERSION)) {
    throw corrupt(path, `has version line "${lines[0] ?? ''}", expected ${CHECKPOINT_VERSION}`);
  }
  const count = Number(lines[1]);
  if (!/^\d+$/.test(lines[1] ?? '') || count !== lines.length - 2) {
    throw corrupt(path, `declares ${lines[1] ?? 'no'} entries but holds ${lines.length - 2}`);
  }
  return lines.slice(2).map((line) => {
    const fields = line.split(' ');
    if (fields.length !== fieldCount || fields.some((f) => f === '')) {
      throw corrupt(path, `has a malformed line "${line}"`);
    }
    return fields;
  });
}

function parseOffset(path: string, text: string): bigint {
  if (!/^-?\d{1,19}$/.test(text)) throw corrupt(path, `has a malformed offset "${text}"`);
  return BigInt(text);
}

/** Parses `topic partition offset` lines into a map keyed by `<topic>-<partition>`. */
export function readOffsetCheckpoint(
  fs: StorageFs,
  path: string,
): Map<string, { tp: TopicPartition; offset: bigint }> | null {
  const entries = readCheckpoint(fs, path, 3);
  if (entries === null) return null;
  const out = new Map<string, { tp: TopicPartition; offset: bigint }>();
  for (const [topic, partitionText, offsetText] of entries) {
    const partition = Number(partitionText);
    if (!/^\d+$/.test(partitionText!) || !Number.isSafeInteger(partition)) {
      throw corrupt(path, `has a malformed partition "${partitionText}"`);
    }
    const tp = { topic: topic!, partition };
    out.set(`${tp.topic}-${tp.partition}`, { tp, offset: parseOffset(path, offsetText!) });
  }
  return out;
}

export function formatOffsetCheckpoint(
  offsets: Iterable<{ tp: TopicPartition; offset: bigint }>,
): Buffer {
  return formatCheckpoint(
    [...offsets].map(({ tp, offset }) => `${tp.topic} ${tp.partition} ${offset}`),
  );
}

export { parseOffset as parseCheckpointOffset };

/** Writes tmp, fsyncs it, renames it into place; synchronous (for tiny, rare files). */
export function writeCheckpointSync(fs: StorageFs, path: string, content: Buffer): void {
  const tmp = path + TMP_FILE_SUFFIX;
  const fd = fs.openSync(tmp, 'w');
  try {
    writeFully(fs, fd, content, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path);
}

/**
 * The asynchronous writeCheckpointSync, also fsyncing the directory. Callers serialize writes of
 * one file (they share the tmp name).
 */
export async function writeCheckpoint(fs: StorageFs, path: string, content: Buffer): Promise<void> {
  const tmp = path + TMP_FILE_SUFFIX;
  const fd = fs.openSync(tmp, 'w');
  try {
    writeFully(fs, fd, content, 0);
    await fs.fsync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path);
  await fs.fsyncDir(dirname(path));
}
