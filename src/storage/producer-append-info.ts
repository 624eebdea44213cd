// ProducerAppendInfo: checks one producer's batches in an append against what the partition knows
// of it, and builds the updated entry that ProducerStateManager.update() commits once the bytes
// are written (Kafka's class of the same name). The rules, as Kafka 3.x/4.x applies them to
// produce requests (AppendOrigin.CLIENT):
//
//   epoch below the known epoch              INVALID_PRODUCER_EPOCH (since Kafka 2.7, KIP-588; it
//                                            was PRODUCER_FENCED before), for every origin
//   epoch above the known epoch              the sequence must start over at 0, else
//                                            OUT_OF_ORDER_SEQUENCE_NUMBER (the KIP-360 bump)
//   same epoch                               the first sequence must follow the last one (with
//                                            int32 wrap-around), else OUT_OF_ORDER_SEQUENCE_NUMBER
//   producer id unknown here (no epoch)      any sequence is accepted: since Kafka 2.5 (KIP-360)
//                                            the broker no longer answers UNKNOWN_PRODUCER_ID,
//                                            as state may have been lost to retention or expiry
//
// Sequences are only checked for client appends; the broker's own coordinator appends are checked
// for the epoch alone, and replaying the log on recovery checks nothing. Duplicates (a retry of one
// of the last five batches) are found before this runs and never reach it.
//
// Transactions (Kafka's appendDataBatch and appendEndTxnMarker):
//   a transactional data batch with no open transaction  opens one at its base offset (the
//                                                          producer's currentTxnFirstOffset)
//   a transactional batch while one is open               joins it
//   a non-transactional batch while one is open           INVALID_TXN_STATE
//   a COMMIT or ABORT marker (control batch)              epoch below the known one:
//                                                          INVALID_PRODUCER_EPOCH; coordinator epoch
//                                                          below the last marker's:
//                                                          TRANSACTION_COORDINATOR_FENCED; otherwise
//                                                          it takes the producer's epoch (a higher
//                                                          one forgets the cached batches), records
//                                                          the coordinator epoch and closes the open
//                                                          transaction, if any (a CompletedTxn; a
//                                                          marker with none open is still written
//                                                          and completes nothing)
// Replay (recovery) applies all of this unchecked.
import { KafkaError } from '../errors/kafka-error.js';
import {
  ControlRecordType,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  readControlRecordKey,
  readEndTransactionMarker,
  type RecordBatch,
} from '../protocol/records/index.js';
import { topicPartitionName, type TopicPartition } from './file-names.js';
import type { AppendOrigin } from './partition-log.js';
import {
  NO_PRODUCER_EPOCH,
  NO_SEQUENCE,
  ProducerStateEntry,
  inSequence,
  lastSequenceOf,
} from './producer-state-entry.js';

/** The producer fields of a batch header and the offsets the batch got (or had). */
export interface ProducerBatch {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly maxTimestamp: bigint;
  readonly isTransactional: boolean;
}

/** A COMMIT or ABORT marker's content (Kafka's EndTransactionMarker). */
export interface EndTxnMarker {
  readonly type: ControlRecordType;
  readonly coordinatorEpoch: number;
}

/** A transaction a marker ended (Kafka's CompletedTxn). */
export interface CompletedTxn {
  readonly producerId: bigint;
  /** The transaction's first offset. */
  readonly firstOffset: bigint;
  /** The marker's offset. */
  readonly lastOffset: bigint;
  readonly isAborted: boolean;
}

/**
 * The end-transaction marker a control batch carries; null for an empty control batch (the
 * cleaner emptied it) or a control record of another type (KRaft's).
 */
export function endTxnMarkerOf(batch: RecordBatch): EndTxnMarker | null {
  for (const record of batch.records({ maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES })) {
    const { type } = readControlRecordKey(record.key);
    if (type !== ControlRecordType.ABORT && type !== ControlRecordType.COMMIT) return null;
    return { type, coordinatorEpoch: readEndTransactionMarker(record.value).coordinatorEpoch };
  }
  return null;
}

export class ProducerAppendInfo {
  readonly producerId: bigint;
  readonly #tp: TopicPartition;
  readonly #current: ProducerStateEntry;
  readonly #updated: ProducerStateEntry;
  readonly #origin: AppendOrigin | 'replay';
  /** First offsets of the transactions this append opens. */
  readonly startedTransactions: bigint[] = [];

  constructor(tp: TopicPartition, current: ProducerStateEntry, origin: AppendOrigin | 'replay') {
    this.producerId = current.producerId;
    this.#tp = tp;
    this.#current = current;
    this.#origin = origin;
    // As Kafka: the updated entry starts from the current epoch with none of its batches.
    this.#updated = new ProducerStateEntry(current.producerId, {
      producerEpoch: current.producerEpoch,
      coordinatorEpoch: current.coordinatorEpoch,
      lastTimestamp: current.lastTimestamp,
      currentTxnFirstOffset: current.currentTxnFirstOffset,
    });
  }

  /** Validates a data batch (per the module header) and records it in the updated entry. */
  append(batch: ProducerBatch): void {
    const epoch = batch.producerEpoch;
    if (this.#origin !== 'replay') {
      this.#checkProducerEpoch(epoch, batch.baseOffset);
      if (this.#origin === 'client')
        this.#checkSequence(epoch, batch.baseSequence, batch.baseOffset);
    }
    const offsetDelta = Number(batch.lastOffset - batch.baseOffset);
    const updated = this.#updated;
    updated.addBatch(epoch, {
      lastSeq: lastSequenceOf(batch.baseSequence, offsetDelta),
      lastOffset: batch.lastOffset,
      offsetDelta,
      timestamp: batch.maxTimestamp,
    });
    if (updated.currentTxnFirstOffset !== null && !batch.isTransactional) {
      // Kafka throws on replay too; a log holding this cannot come from this broker, and refusing
      // to open the partition would help nobody: the open transaction simply stays open.
      if (this.#origin === 'replay') return;
      throw new KafkaError(
        'INVALID_TXN_STATE',
        `Expected transactional write from producer ${this.producerId} at offset ${batch.baseOffset} in partition ${topicPartitionName(this.#tp)}`,
      );
    }
    if (updated.currentTxnFirstOffset === null && batch.isTransactional) {
      updated.currentTxnFirstOffset = batch.baseOffset;
      this.startedTransactions.push(batch.baseOffset);
    }
  }

  /**
   * Applies a COMMIT or ABORT marker at `offset` (see the module header); returns the transaction
   * it completes, or null when the producer had none open.
   */
  appendEndTxnMarker(
    marker: EndTxnMarker,
    epoch: number,
    offset: bigint,
    timestamp: bigint,
  ): CompletedTxn | null {
    const updated = this.#updated;
    if (this.#origin !== 'replay') {
      this.#checkProducerEpoch(epoch, offset);
      if (updated.coordinatorEpoch > marker.coordinatorEpoch) {
        throw new KafkaError(
          'TRANSACTION_COORDINATOR_FENCED',
          `Invalid coordinator epoch for producerId ${this.producerId} at offset ${offset} in partition ${topicPartitionName(this.#tp)}: ${marker.coordinatorEpoch} (zombie), ${updated.coordinatorEpoch} (current)`,
        );
      }
    }
    const first = updated.currentTxnFirstOffset;
    const completed =
      first === null
        ? null
        : {
            producerId: this.producerId,
            firstOffset: first,
            lastOffset: offset,
            isAborted: marker.type === ControlRecordType.ABORT,
          };
    updated.maybeUpdateProducerEpoch(epoch);
    updated.coordinatorEpoch = marker.coordinatorEpoch;
    updated.currentTxnFirstOffset = null;
    updated.lastTimestamp = timestamp;
    return completed;
  }

  #checkProducerEpoch(epoch: number, offset: bigint): void {
    const current = this.#updated.producerEpoch;
    if (epoch < current) {
      throw new KafkaError(
        'INVALID_PRODUCER_EPOCH',
        `Epoch of producer ${this.producerId} at offset ${offset} in ${topicPartitionName(this.#tp)} is ${epoch}, which is smaller than the last seen epoch ${current}`,
      );
    }
  }

  #checkSequence(epoch: number, firstSeq: number, offset: bigint): void {
    const where = topicPartitionName(this.#tp);
    const updated = this.#updated;
    if (epoch !== updated.producerEpoch) {
      if (firstSeq !== 0 && updated.producerEpoch !== NO_PRODUCER_EPOCH) {
        throw new KafkaError(
          'OUT_OF_ORDER_SEQUENCE_NUMBER',
          `Invalid sequence number for new epoch of producer ${this.producerId} at offset ${offset} in partition ${where}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${updated.producerEpoch} (current producer epoch)`,
        );
      }
      return;
    }
    const current = this.#current;
    const lastSeq = !updated.isEmpty
      ? updated.lastSeq
      : epoch === current.producerEpoch
        ? current.lastSeq
        : NO_SEQUENCE;
    // No epoch known (all of the producer's state is gone): any sequence is accepted.
    if (current.producerEpoch !== NO_PRODUCER_EPOCH && !inSequence(lastSeq, firstSeq)) {
      throw new KafkaError(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `Out of order sequence number for producer ${this.producerId} at offset ${offset} in partition ${where}: ${firstSeq} (incoming seq. number), ${lastSeq} (current end sequence number)`,
      );
    }
  }

  /** The entry as it will be once the append is written. */
  toEntry(): ProducerStateEntry {
    return this.#updated;
  }
}
