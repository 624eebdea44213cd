// What the log cleaner knows of transactions while it walks a log in offset order (Kafka's
// CleanedTransactionMetadata). The cleaner never reads past the last stable offset, so every
// transaction it meets is decided, and the aborted ones are known in advance from the transaction
// indexes (addAbortedTransactions, per segment, before its batches are read):
//   - a transactional data batch of an aborted transaction may be discarded whatever its keys
//     (onBatchRead returns true); the offset map ignores its records;
//   - an ABORT marker is kept, with its index entry copied to the cleaned segment's transaction
//     index, while batches of its transaction were seen in this pass; once none are left (the
//     previous pass removed them) it may be discarded (onControlBatchRead returns true);
//   - a COMMIT marker may be discarded once no batch of its transaction was seen in this pass (the
//     cleaner removed them all: their keys were overwritten later);
//   - an empty control batch (emptied before) may be discarded.
// "May be discarded" for a marker means after delete.retention.ms, as for tombstones: the cleaner
// first sets the batch's delete horizon and drops it in a pass after that (cleaner-filter.ts), so
// a consumer already past the transaction's data still sees its marker. A batch the cleaner keeps
// empty (a producer's last one, or the last of a cleaned segment, which Samsa keeps so the swap
// knows where the segment ends) still counts as seen, so its marker stays too, as Kafka keeps the
// marker of a producer's retained last batch.
import {
  ControlRecordType,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  readControlRecordKey,
  type RecordBatch,
} from '../protocol/records/index.js';
import type { AbortedTxn, TransactionIndex } from './transaction-index.js';

interface AbortedTransactionMetadata {
  readonly txn: AbortedTxn;
  /** The last offset of the last batch of the transaction read in this pass, or null. */
  lastObservedBatchOffset: bigint | null;
}

export class CleanedTransactionMetadata {
  readonly #ongoingCommittedTxns = new Set<bigint>();
  readonly #ongoingAbortedTxns = new Map<bigint, AbortedTransactionMetadata>();
  /** Aborted transactions not yet reached, by first offset; consumed from `#next`. */
  #aborted: AbortedTxn[] = [];
  #next = 0;
  /** `producerId:firstOffset` of every aborted transaction added, so none is added twice. */
  readonly #added = new Set<string>();
  /** Where the ABORT markers that stay get their entries (the cleaned segment's index). */
  cleanedIndex: TransactionIndex | null = null;

  /** Adds the aborted transactions found for the segment about to be read (duplicates ignored). */
  addAbortedTransactions(txns: readonly AbortedTxn[]): void {
    let added = false;
    for (const txn of txns) {
      const key = `${txn.producerId}:${txn.firstOffset}`;
      if (this.#added.has(key)) continue;
      this.#added.add(key);
      this.#aborted.push(txn);
      added = true;
    }
    if (!added) return;
    const rest = this.#aborted.slice(this.#next);
    rest.sort((a, b) =>
      a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0,
    );
    this.#aborted = rest;
    this.#next = 0;
  }

  #consumeAbortedTxnsUpTo(offset: bigint): void {
    for (;;) {
      const txn = this.#aborted[this.#next];
      if (txn === undefined || txn.firstOffset > offset) return;
      this.#next++;
      if (!this.#ongoingAbortedTxns.has(txn.producerId)) {
        this.#ongoingAbortedTxns.set(txn.producerId, { txn, lastObservedBatchOffset: null });
      }
    }
  }

  /** A control batch read in offset order; true when it may be discarded (see the header). */
  onControlBatchRead(batch: RecordBatch): boolean {
    this.#consumeAbortedTxnsUpTo(batch.lastOffset);
    let type: number | null = null;
    for (const record of batch.records({ maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES })) {
      type = readControlRecordKey(record.key).type;
      break;
    }
    if (type === null) return true; // emptied by an earlier cleaning
    const producerId = batch.producerId;
    if (type === ControlRecordType.ABORT) {
      const aborted = this.#ongoingAbortedTxns.get(producerId);
      this.#ongoingAbortedTxns.delete(producerId);
      if (aborted !== undefined && aborted.lastObservedBatchOffset !== null) {
        this.cleanedIndex?.append(aborted.txn);
        return false;
      }
      return true;
    }
    if (type === ControlRecordType.COMMIT) return !this.#ongoingCommittedTxns.delete(producerId);
    return false;
  }

  /** A data batch read in offset order; true when it belongs to an aborted transaction. */
  onBatchRead(batch: RecordBatch): boolean {
    this.#consumeAbortedTxnsUpTo(batch.lastOffset);
    if (!batch.isTransactional) return false;
    const aborted = this.#ongoingAbortedTxns.get(batch.producerId);
    if (aborted === undefined) {
      this.#ongoingCommittedTxns.add(batch.producerId);
      return false;
    }
    aborted.lastObservedBatchOffset = batch.lastOffset;
    return true;
  }
}
