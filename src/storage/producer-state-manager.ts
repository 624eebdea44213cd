// ProducerStateManager: a partition's idempotent-producer state (Kafka's class of the same name).
// For each producer id it keeps a ProducerStateEntry (epoch, last write time, last five batches);
// appends are checked against it (producer-append-info.ts) and retries of a cached batch are found
// here. mapEndOffset is the log offset the state describes (everything below it is applied).
//
// Transactions: every producer with an open transaction (currentTxnFirstOffset) is also listed in
// ongoingTxns, ordered by first offset; a marker completes it (completeTxn), moving it to
// unreplicatedTxns until the high watermark passes the marker. The first offset of the earliest of
// both is the first unstable offset, which bounds the last stable offset (UnifiedLog). On a single
// node the high watermark passes every marker at once; replication will make the wait real.
// Ongoing transactions survive restarts through the snapshots (currentTxnFirstOffset per producer).
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
import {
  ProducerAppendInfo,
  type CompletedTxn,
  type EndTxnMarker,
  type ProducerBatch,
} from './producer-append-info.js';
import { decodeProducerSnapshot, encodeProducerSnapshot } from './producer-snapshot-file.js';
import { ProducerStateEntry, lastSequenceOf, type BatchMetadata } from './producer-state-entry.js';
import { writeFully } from './ref-counted-fd.js';
import type { StorageFs } from './storage-fs.js';

/** Kafka's producer.id.expiration.ms default: one day. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;

/** An open (or completed, awaiting the high watermark) transaction (Kafka's TxnMetadata). */
export interface TxnMetadata {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
  /** The marker's offset once completed. */
  readonly lastOffset: bigint | null;
}

/** Inserts `txn` into `list`, kept sorted by first offset. */
function insertByFirstOffset(list: TxnMetadata[], txn: TxnMetadata): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.firstOffset > txn.firstOffset) i--;
  list.splice(i, 0, txn);
}

/** A batch of an append, as analyzeAppend reads it (log-validator.ts's ValidatedBatch). */
export interface AppendedProducerBatch extends ProducerBatch {
  readonly isControl: boolean;
  /** A control batch's marker; null for data and for an empty control batch. */
  readonly endTxnMarker: EndTxnMarker | null;
}

/** What an append does to its producers (Kafka's analyzeAndValidateProducerState result). */
export interface ProducerAppendAnalysis {
  readonly updates: ReadonlyMap<bigint, ProducerAppendInfo>;
  readonly completedTxns: readonly CompletedTxn[];
}

/** What an append without idempotent batches (most of them) changes: nothing (never mutated). */
const NO_PRODUCER_UPDATES: ProducerAppendAnalysis = Object.freeze({
  updates: new Map<bigint, ProducerAppendInfo>(),
  completedTxns: Object.freeze([]),
});

export interface ProducerStateManagerOptions {
  readonly fs: StorageFs;
  readonly dir: string;
  readonly topicPartition: TopicPartition;
  /** producer.id.expiration.ms; DEFAULT_PRODUCER_ID_EXPIRATION_MS when absent. */
  readonly producerIdExpirationMs?: number;
  readonly logger?: { warn(message: string): void };
  /**
   * Never delete snapshot files (a short-lived state built during recovery, as Kafka's loader
   * builds one per recovered segment: the files are the partition's own state's to manage).
   */
  readonly keepSnapshotFiles?: boolean;
}

export class ProducerStateManager {
  readonly topicPartition: TopicPartition;
  readonly #fs: StorageFs;
  readonly #logger: { warn(message: string): void } | undefined;
  readonly #producers = new Map<bigint, ProducerStateEntry>();
  readonly #keepSnapshotFiles: boolean;
  /** Open transactions, by first offset. */
  #ongoingTxns: TxnMetadata[] = [];
  /** Completed transactions whose marker the high watermark has not passed, by first offset. */
  #unreplicatedTxns: TxnMetadata[] = [];
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
    this.#keepSnapshotFiles = options.keepSnapshotFiles ?? false;
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

  /** Open transactions, oldest first. */
  get ongoingTxns(): readonly TxnMetadata[] {
    return this.#ongoingTxns;
  }

  /**
   * Kafka's firstUnstableOffset: the first offset of the earliest transaction that is open, or
   * completed by a marker the high watermark has not passed; null when there is none.
   */
  get firstUnstableOffset(): bigint | null {
    const undecided = this.#ongoingTxns[0]?.firstOffset;
    const unreplicated = this.#unreplicatedTxns[0]?.firstOffset;
    if (undecided === undefined) return unreplicated ?? null;
    if (unreplicated === undefined) return undecided;
    return undecided < unreplicated ? undecided : unreplicated;
  }

  hasOngoingTransaction(producerId: bigint): boolean {
    return (this.#producers.get(producerId)?.currentTxnFirstOffset ?? null) !== null;
  }

  /** Forgets completed transactions whose marker lies below the new high watermark. */
  onHighWatermarkUpdated(highWatermark: bigint): void {
    this.#removeUnreplicatedTransactions(highWatermark);
  }

  /** Forgets completed transactions whose marker the log start offset has passed. */
  onLogStartOffsetIncremented(logStartOffset: bigint): void {
    this.#removeUnreplicatedTransactions(logStartOffset);
  }

  #removeUnreplicatedTransactions(offset: bigint): void {
    if (this.#unreplicatedTxns.length === 0) return;
    this.#unreplicatedTxns = this.#unreplicatedTxns.filter(
      (t) => t.lastOffset === null || t.lastOffset >= offset,
    );
  }

  /**
   * Kafka's lastStableOffset(completedTxn), the LSO an aborted transaction's index entry records:
   * the first offset of the earliest other open transaction, else the marker's offset + 1.
   */
  lastStableOffset(completed: CompletedTxn): bigint {
    const next = this.#ongoingTxns.find((t) => t.producerId !== completed.producerId);
    return next?.firstOffset ?? completed.lastOffset + 1n;
  }

  /** Marks a transaction completed (after its marker and index entry were written). */
  completeTxn(completed: CompletedTxn): void {
    const i = this.#ongoingTxns.findIndex((t) => t.firstOffset === completed.firstOffset);
    if (i === -1) {
      throw new RangeError(
        `Cannot complete the transaction of producer ${completed.producerId} at ${completed.firstOffset}: it was not started`,
      );
    }
    const [txn] = this.#ongoingTxns.splice(i, 1);
    insertByFirstOffset(this.#unreplicatedTxns, { ...txn!, lastOffset: completed.lastOffset });
  }

  #loadProducerEntry(entry: ProducerStateEntry): void {
    this.#producers.set(entry.producerId, entry);
    const first = entry.currentTxnFirstOffset;
    if (first !== null) {
      insertByFirstOffset(this.#ongoingTxns, {
        producerId: entry.producerId,
        firstOffset: first,
        lastOffset: null,
      });
    }
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

  /**
   * Kafka's analyzeAndValidateProducerState: for each batch with a producer id, either the cached
   * batch a client's retry duplicates (returned at once; nothing is written), or the validated
   * updates to commit (update()) once the append is written, with the transactions its markers
   * complete (to index, then completeTxn()). Changes nothing itself. Throws
   * INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_TXN_STATE or
   * TRANSACTION_COORDINATOR_FENCED (producer-append-info.ts).
   */
  analyzeAppend(
    batches: readonly AppendedProducerBatch[],
    origin: AppendOrigin,
  ): ProducerAppendAnalysis | BatchMetadata {
    let updates: Map<bigint, ProducerAppendInfo> | null = null;
    let completedTxns: CompletedTxn[] | null = null;
    for (const batch of batches) {
      if (batch.producerId < 0n) continue;
      // An empty control batch (only the cleaner writes those) changes nothing, as in Kafka.
      if (batch.isControl && batch.endTxnMarker === null) continue;
      if (origin === 'client') {
        const duplicate = this.findDuplicateBatch(batch);
        if (duplicate !== null) return duplicate;
      }
      updates ??= new Map();
      let info = updates.get(batch.producerId);
      if (info === undefined) {
        info = this.prepareUpdate(batch.producerId, origin);
        updates.set(batch.producerId, info);
      }
      if (batch.endTxnMarker === null) {
        info.append(batch);
        continue;
      }
      const completed = info.appendEndTxnMarker(
        batch.endTxnMarker,
        batch.producerEpoch,
        batch.baseOffset,
        batch.maxTimestamp,
      );
      if (completed !== null) (completedTxns ??= []).push(completed);
    }
    if (updates === null) return NO_PRODUCER_UPDATES;
    return { updates, completedTxns: completedTxns ?? NO_PRODUCER_UPDATES.completedTxns };
  }

  /** Commits what an append (now written) did to its producer. */
  update(info: ProducerAppendInfo): void {
    const next = info.toEntry();
    const current = this.#producers.get(info.producerId);
    if (current === undefined) {
      this.#producers.set(info.producerId, next);
    } else {
      current.maybeUpdateProducerEpoch(next.producerEpoch);
      for (const b of next.batches) current.addBatch(next.producerEpoch, b);
      current.coordinatorEpoch = next.coordinatorEpoch;
      current.currentTxnFirstOffset = next.currentTxnFirstOffset;
      current.lastTimestamp = next.lastTimestamp;
    }
    for (const firstOffset of info.startedTransactions) {
      insertByFirstOffset(this.#ongoingTxns, {
        producerId: info.producerId,
        firstOffset,
        lastOffset: null,
      });
    }
  }

  /**
   * Applies a batch read back from the log, unchecked (recovery). For a control batch, `marker` is
   * its end-transaction marker (null when it has none: nothing to apply); returns the transaction
   * the marker completed, for the caller to index and then completeTxn().
   */
  replay(batch: ProducerBatch, marker?: EndTxnMarker | null): CompletedTxn | null {
    if (marker === null) return null;
    const info = this.prepareUpdate(batch.producerId, 'replay');
    let completed: CompletedTxn | null = null;
    if (marker === undefined) info.append(batch);
    else {
      completed = info.appendEndTxnMarker(
        marker,
        batch.producerEpoch,
        batch.baseOffset,
        batch.maxTimestamp,
      );
    }
    this.update(info);
    return completed;
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
    if (!this.#keepSnapshotFiles) this.#fs.unlinkSync(this.#path(offset));
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
    if (logEndOffset === this.#mapEndOffset) {
      this.#removeUnreplicatedTransactions(firstRetainedOffset);
      return;
    }
    this.#producers.clear();
    this.#ongoingTxns = [];
    // The log end is at or below the high watermark here, as Kafka assumes.
    this.#unreplicatedTxns = [];
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
        if (!this.#isExpired(entry, now)) this.#loadProducerEntry(entry);
      }
      this.#lastSnapOffset = offset;
      this.#mapEndOffset = offset;
      return;
    }
  }

  /** Forgets every producer and snapshot; the state then describes `offset` (an empty log). */
  truncateFullyAndStartAt(offset: bigint): void {
    this.#producers.clear();
    this.#ongoingTxns = [];
    this.#unreplicatedTxns = [];
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
