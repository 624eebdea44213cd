// What a partition remembers about one producer id (Kafka's ProducerStateEntry and BatchMetadata):
// its current epoch, the time of its last write, and the metadata of its last five batches —
// enough to recognise a retried batch (same epoch, same first and last sequence) and answer it
// with the offsets it got the first time. Five is Kafka's NUM_BATCHES_TO_RETAIN and the largest
// max.in.flight.requests.per.connection an idempotent producer may use.
//
// Sequences are int32 and wrap from 2147483647 to 0, as Kafka's DefaultRecordBatch computes them.

export const NUM_BATCHES_TO_RETAIN = 5;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
const INT32_MAX = 0x7fffffff;

/** The sequence `increment` after `sequence`, wrapping past int32 max to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

/** The sequence `decrement` before `sequence`, wrapping below 0 to int32 max. */
export function decrementSequence(sequence: number, decrement: number): number {
  if (sequence < decrement) return INT32_MAX - (decrement - sequence) + 1;
  return sequence - decrement;
}

/** Whether `next` directly follows `last` (Kafka's ProducerAppendInfo.inSequence). */
export function inSequence(last: number, next: number): boolean {
  return next === last + 1 || (next === 0 && last === INT32_MAX);
}

/** A batch's last sequence: base + lastOffsetDelta with wrap-around; -1 without a sequence. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence === NO_SEQUENCE
    ? NO_SEQUENCE
    : incrementSequence(baseSequence, lastOffsetDelta);
}

/** One appended batch of a producer, as Kafka's BatchMetadata keeps it. */
export interface BatchMetadata {
  readonly lastSeq: number;
  readonly lastOffset: bigint;
  /** lastOffset - firstOffset (the batch's lastOffsetDelta). */
  readonly offsetDelta: number;
  /** The batch's max timestamp as stored (the LogAppendTime on LogAppendTime topics). */
  readonly timestamp: bigint;
}

export function firstSeqOf(batch: BatchMetadata): number {
  return decrementSequence(batch.lastSeq, batch.offsetDelta);
}

export function firstOffsetOf(batch: BatchMetadata): bigint {
  return batch.lastOffset - BigInt(batch.offsetDelta);
}

export class ProducerStateEntry {
  readonly producerId: bigint;
  producerEpoch: number;
  /** The transaction coordinator's epoch from the last marker (-1 until transactions exist). */
  coordinatorEpoch: number;
  /** Max timestamp of the last write; producer.id.expiration.ms counts from it. */
  lastTimestamp: bigint;
  /** First offset of the producer's open transaction, or null (always null until transactions). */
  currentTxnFirstOffset: bigint | null;
  /** At most NUM_BATCHES_TO_RETAIN, oldest first. */
  readonly batches: BatchMetadata[];

  constructor(
    producerId: bigint,
    init: {
      producerEpoch?: number;
      coordinatorEpoch?: number;
      lastTimestamp?: bigint;
      currentTxnFirstOffset?: bigint | null;
      batches?: readonly BatchMetadata[];
    } = {},
  ) {
    this.producerId = producerId;
    this.producerEpoch = init.producerEpoch ?? NO_PRODUCER_EPOCH;
    this.coordinatorEpoch = init.coordinatorEpoch ?? -1;
    this.lastTimestamp = init.lastTimestamp ?? -1n;
    this.currentTxnFirstOffset = init.currentTxnFirstOffset ?? null;
    this.batches = [...(init.batches ?? [])].slice(-NUM_BATCHES_TO_RETAIN);
  }

  get isEmpty(): boolean {
    return this.batches.length === 0;
  }

  get lastSeq(): number {
    return this.batches.at(-1)?.lastSeq ?? NO_SEQUENCE;
  }

  get lastDataOffset(): bigint {
    return this.batches.at(-1)?.lastOffset ?? -1n;
  }

  /** A new epoch forgets the old epoch's batches (their sequences start over). */
  maybeUpdateProducerEpoch(epoch: number): void {
    if (this.producerEpoch === epoch) return;
    this.batches.length = 0;
    this.producerEpoch = epoch;
  }

  addBatch(epoch: number, batch: BatchMetadata): void {
    this.maybeUpdateProducerEpoch(epoch);
    if (this.batches.length === NUM_BATCHES_TO_RETAIN) this.batches.shift();
    this.batches.push(batch);
    this.lastTimestamp = batch.timestamp;
  }

  /** The cached batch a retry of [firstSeq, lastSeq] in `epoch` duplicates, or null. */
  findDuplicateBatch(epoch: number, firstSeq: number, lastSeq: number): BatchMetadata | null {
    if (epoch !== this.producerEpoch) return null;
    for (const b of this.batches) {
      if (b.lastSeq === lastSeq && firstSeqOf(b) === firstSeq) return b;
    }
    return null;
  }

  clone(): ProducerStateEntry {
    return new ProducerStateEntry(this.producerId, this);
  }
}
