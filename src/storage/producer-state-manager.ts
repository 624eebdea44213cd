// ProducerStateManager: a partition's idempotent-producer state (Kafka's class of the same name).
// For each producer id it keeps a ProducerStateEntry (epoch, last write time, last five batches);
// appends are checked against it (producer-append-info.ts) and retries of a cached batch are found
// here. mapEndOffset is the log offset the state describes (everything below it is applied).
//
// Persistence: snapshots (producer-snapshot-file.ts) named by the offset they describe.
//  - A snapshot is taken when a segment rolls (at the new segment's base offset), when retention
//    rolls an empty active segment, after recovery replayed batches, and on clean shutdown (at the
//    log end offset). Roll-time snapshots are written (tmp + rename) without fsync on the append
//    path and fsynced in the background with the rolled segment, as Kafka does; the shutdown one is
//    fsynced before the log reports closed.
//  - Loading takes the newest readable snapshot at or below the log end offset and replays batch
//    headers after it (rebuildProducerState in producer-state-rebuild.ts). Corrupt snapshots are
//    deleted and the next older one tried.
//  - Snapshots follow their segments: those at offsets no segment starts at are stray and deleted
//    on load, except the newest one above the last segment's base (the shutdown snapshot); those
//    below the first retained segment go with retention; those past a truncation point go with
//    truncation.
// Like Kafka since 2.5 (KIP-360), producers are NOT forgotten when retention or DeleteRecords moves
// the log start: only producer.id.expiration.ms of inactivity removes them (removeExpiredProducers,
// on the LogManager's tick, and when a snapshot is loaded).
import { join } from 'node:path';
import { isSamsaError } from '../errors/samsa-error.js';
import {
  PRODUCER_SNAPSHOT_FILE_SUFFIX,
  TMP_FILE_SUFFIX,
  offsetFileStem,
  parseProducerSnapshotFileName,
  type TopicPartition,
} from './file-names.js';
import type { AppendOrigin } from './partition-log.js';
import { ProducerAppendInfo, type ProducerBatch } from './producer-append-info.js';
import { decodeProducerSnapshot, encodeProducerSnapshot } from './producer-snapshot-file.js';
import { ProducerStateEntry, lastSequenceOf, type BatchMetadata } from './producer-state-entry.js';
import { writeFully } from './ref-counted-fd.js';
import type { StorageFs } from './storage-fs.js';

/** Kafka's producer.id.expiration.ms default: one day. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;

export interface ProducerStateManagerOptions {
  readonly fs: StorageFs;
  readonly dir: string;
  readonly topicPartition: TopicPartition;
  /** producer.id.expiration.ms; DEFAULT_PRODUCER_ID_EXPIRATION_MS when absent. */
  readonly producerIdExpirationMs?: number;
  readonly logger?: { warn(message: string): void };
}

export class ProducerStateManager {
  readonly topicPartition: TopicPartition;
  readonly #fs: StorageFs;
  readonly #logger: { warn(message: string): void } | undefined;
  readonly #producers = new Map<bigint, ProducerStateEntry>();
  #dir: string;
  /** Offsets of the snapshot files on disk, ascending. */
  #snapshots: bigint[];
  /** -1 until loaded, so the first truncateAndReload always reads the snapshots. */
  #mapEndOffset = -1n;
  #lastSnapOffset = 0n;
  producerIdExpirationMs: number;

  constructor(options: ProducerStateManagerOptions) {
    this.topicPartition = options.topicPartition;
    this.#fs = options.fs;
    this.#dir = options.dir;
    this.#logger = options.logger;
    this.producerIdExpirationMs =
      options.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    this.#snapshots = this.#listSnapshots();
  }

  /** Producer id → state; read-only for callers (DescribeProducers, tests). */
  get producers(): ReadonlyMap<bigint, ProducerStateEntry> {
    return this.#producers;
  }

  get mapEndOffset(): bigint {
    return this.#mapEndOffset;
  }

  updateMapEndOffset(offset: bigint): void {
    this.#mapEndOffset = offset;
  }

  /** Offsets of the snapshot files on disk, ascending. */
  get snapshotOffsets(): readonly bigint[] {
    return this.#snapshots;
  }

  lastEntry(producerId: bigint): ProducerStateEntry | undefined {
    return this.#producers.get(producerId);
  }

  /** The cached batch that `batch` retries (same producer, epoch and sequence range), or null. */
  findDuplicateBatch(batch: ProducerBatch): BatchMetadata | null {
    const entry = this.#producers.get(batch.producerId);
    if (entry === undefined) return null;
    const lastSeq = lastSequenceOf(batch.baseSequence, Number(batch.lastOffset - batch.baseOffset));
    return entry.findDuplicateBatch(batch.producerEpoch, batch.baseSequence, lastSeq);
  }

  prepareUpdate(producerId: bigint, origin: AppendOrigin | 'replay'): ProducerAppendInfo {
    const current = this.#producers.get(producerId) ?? new ProducerStateEntry(producerId);
    return new ProducerAppendInfo(this.topicPartition, current, origin);
  }

  /** Commits what an append (now written) did to its producer. */
  update(info: ProducerAppendInfo): void {
    const next = info.toEntry();
    const current = this.#producers.get(info.producerId);
    if (current === undefined) {
      this.#producers.set(info.producerId, next);
      return;
    }
    current.maybeUpdateProducerEpoch(next.producerEpoch);
    for (const b of next.batches) current.addBatch(next.producerEpoch, b);
    current.coordinatorEpoch = next.coordinatorEpoch;
    current.currentTxnFirstOffset = next.currentTxnFirstOffset;
    current.lastTimestamp = next.lastTimestamp;
  }

  /** Applies a batch read back from the log, unchecked (recovery). */
  replay(batch: ProducerBatch): void {
    const info = this.prepareUpdate(batch.producerId, 'replay');
    info.append(batch);
    this.update(info);
  }

  #isExpired(entry: ProducerStateEntry, now: number): boolean {
    return (
      entry.currentTxnFirstOffset === null &&
      now - Number(entry.lastTimestamp) >= this.producerIdExpirationMs
    );
  }

  /** Forgets producers idle for producer.id.expiration.ms; returns how many. */
  removeExpiredProducers(now: number): number {
    let removed = 0;
    for (const [id, entry] of this.#producers) {
      if (this.#isExpired(entry, now)) {
        this.#producers.delete(id);
        removed++;
      }
    }
    return removed;
  }

  #path(offset: bigint): string {
    return join(this.#dir, offsetFileStem(offset) + PRODUCER_SNAPSHOT_FILE_SUFFIX);
  }

  #listSnapshots(): bigint[] {
    const offsets: bigint[] = [];
    for (const name of this.#fs.readdirSync(this.#dir)) {
      const offset = parseProducerSnapshotFileName(name);
      if (offset !== null) offsets.push(offset);
    }
    return offsets.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  #deleteSnapshot(offset: bigint): void {
    this.#fs.unlinkSync(this.#path(offset));
    this.#snapshots = this.#snapshots.filter((o) => o !== offset);
  }

  /**
   * Deletes snapshots at offsets no segment starts at, keeping only the newest such one when it
   * lies above every segment's base offset (Kafka's removeStraySnapshots).
   */
  removeStraySnapshots(segmentBaseOffsets: readonly bigint[]): void {
    const bases = new Set(segmentBaseOffsets);
    const maxBase = segmentBaseOffsets.reduce<bigint | null>(
      (max, o) => (max === null || o > max ? o : max),
      null,
    );
    const stray = this.#snapshots.filter((o) => !bases.has(o));
    const keep = stray.at(-1);
    for (const offset of stray) {
      if (offset !== keep || (maxBase !== null && offset < maxBase)) this.#deleteSnapshot(offset);
    }
  }

  /**
   * Drops snapshots outside [firstRetainedOffset, logEndOffset] and, unless the state already
   * describes logEndOffset, reloads it from the newest remaining snapshot (or starts empty at
   * firstRetainedOffset). The caller then replays the log from mapEndOffset.
   */
  truncateAndReload(firstRetainedOffset: bigint, logEndOffset: bigint, now: number): void {
    for (const offset of this.#snapshots) {
      if (offset > logEndOffset || offset < firstRetainedOffset) this.#deleteSnapshot(offset);
    }
    if (logEndOffset === this.#mapEndOffset) return;
    this.#producers.clear();
    for (;;) {
      const offset = this.#snapshots.at(-1);
      if (offset === undefined) {
        this.#lastSnapOffset = firstRetainedOffset;
        this.#mapEndOffset = firstRetainedOffset;
        return;
      }
      const path = this.#path(offset);
      const data = this.#fs.readFileSync(path);
      if (data === null) {
        this.#snapshots = this.#snapshots.filter((o) => o !== offset);
        continue;
      }
      let entries: ProducerStateEntry[];
      try {
        entries = decodeProducerSnapshot(data, path);
      } catch (err) {
        if (!isSamsaError(err, 'SAMSA_ERR_PRODUCER_SNAPSHOT_CORRUPT')) throw err;
        this.#logger?.warn(`${err.message}; deleting it`);
        this.#deleteSnapshot(offset);
        continue;
      }
      for (const entry of entries) {
        if (!this.#isExpired(entry, now)) this.#producers.set(entry.producerId, entry);
      }
      this.#lastSnapOffset = offset;
      this.#mapEndOffset = offset;
      return;
    }
  }

  /** Forgets every producer and snapshot; the state then describes `offset` (an empty log). */
  truncateFullyAndStartAt(offset: bigint): void {
    this.#producers.clear();
    for (const o of this.#snapshots) this.#deleteSnapshot(o);
    this.#lastSnapOffset = 0n;
    this.#mapEndOffset = offset;
  }

  /**
   * Writes a snapshot at mapEndOffset unless one already describes it; not fsynced (see
   * flushSnapshot). Returns the snapshot's offset, or null when none was written.
   */
  takeSnapshot(): bigint | null {
    const offset = this.#mapEndOffset;
    if (offset <= this.#lastSnapOffset) return null;
    const path = this.#path(offset);
    const tmp = path + TMP_FILE_SUFFIX;
    const fd = this.#fs.openSync(tmp, 'w');
    try {
      writeFully(this.#fs, fd, encodeProducerSnapshot(this.#producers.values()), 0);
    } finally {
      this.#fs.closeSync(fd);
    }
    this.#fs.renameSync(tmp, path);
    if (!this.#snapshots.includes(offset)) {
      this.#snapshots = [...this.#snapshots, offset].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
    this.#lastSnapOffset = offset;
    return offset;
  }

  /** fsyncs the snapshot at `offset` and the directory; nothing when it was deleted meanwhile. */
  async flushSnapshot(offset: bigint): Promise<void> {
    if (!this.#snapshots.includes(offset)) return;
    let fd: number;
    try {
      fd = this.#fs.openSync(this.#path(offset), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      await this.#fs.fsync(fd);
    } finally {
      this.#fs.closeSync(fd);
    }
    await this.#fs.fsyncDir(this.#dir);
  }

  /** Deletes the snapshots below `offset` (their segments are gone). */
  deleteSnapshotsBefore(offset: bigint): void {
    for (const o of this.#snapshots) if (o < offset) this.#deleteSnapshot(o);
  }

  /** Records that the partition directory was renamed. */
  renameDir(dir: string): void {
    this.#dir = dir;
  }
}
