// One transactional id's state in the transaction coordinator: Kafka's TransactionMetadata, and
// TransactionState with its byte ids (the TransactionStatus field of `__transaction_state`).
//
// Kafka's state machine (TransactionMetadata.scala, validPreviousStates):
//
//   Empty, CompleteCommit, CompleteAbort
//     ──InitProducerId──▶ Empty              (epoch bump, or a new producer id)
//     ──AddPartitions/AddOffsets──▶ Ongoing  (the transaction starts)
//     ──expiration──▶ Dead                   (a tombstone)
//   Ongoing
//     ──AddPartitions/AddOffsets──▶ Ongoing
//     ──EndTxn commit──▶ PrepareCommit ──markers written──▶ CompleteCommit
//     ──EndTxn abort──▶ PrepareAbort ──markers written──▶ CompleteAbort
//     ──InitProducerId or timeout──▶ PrepareEpochFence ──▶ PrepareAbort (epoch bumped)
//
// Kafka holds Dead and PrepareEpochFence only as pending states while a record is written; this
// coordinator updates its state when it hands the record to the log (as Kafka's newer
// CoordinatorRuntime does for groups), so neither is ever the state of a live transactional id.
// Their names and ids are kept because ListTransactions accepts them as filters and the log
// format reserves them.

/** Kafka's TransactionState names, which DescribeTransactions and ListTransactions carry. */
export type TransactionStateName =
  | 'Empty'
  | 'Ongoing'
  | 'PrepareCommit'
  | 'PrepareAbort'
  | 'CompleteCommit'
  | 'CompleteAbort'
  | 'Dead'
  | 'PrepareEpochFence';

/** TransactionState.id: the byte written as TransactionLogValue.TransactionStatus. */
export const TRANSACTION_STATE_IDS: Readonly<Record<TransactionStateName, number>> = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
};

const STATES_BY_ID = new Map<number, TransactionStateName>(
  Object.entries(TRANSACTION_STATE_IDS).map(([name, id]) => [id, name as TransactionStateName]),
);

/** The state with this TransactionStatus byte, or undefined for an id Kafka does not define. */
export function transactionStateFromId(id: number): TransactionStateName | undefined {
  return STATES_BY_ID.get(id);
}

export function isTransactionStateName(name: string): name is TransactionStateName {
  return Object.hasOwn(TRANSACTION_STATE_IDS, name);
}

/** RecordBatch.NO_PRODUCER_ID and NO_PRODUCER_EPOCH. */
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;

/**
 * Kafka never hands out Short.MaxValue, so the coordinator can always fence a producer by bumping
 * its epoch once more; from Short.MaxValue - 1 on, InitProducerId moves to a new producer id.
 */
export function isEpochExhausted(producerEpoch: number): boolean {
  return producerEpoch >= 32767 - 1;
}

export interface TransactionMetadata {
  readonly transactionalId: string;
  producerId: bigint;
  /**
   * The producer id before the last InitProducerId, for KIP-360 retries across a producer id
   * rotation. In memory only: TransactionLogValue v0, the version Kafka writes without the
   * transaction.version feature, has no field for it, so a replayed transaction has -1.
   */
  previousProducerId: bigint;
  producerEpoch: number;
  /**
   * The epoch before the last bump when the producer asked for it (KIP-360): a retried
   * InitProducerId carrying it gets the current epoch back instead of PRODUCER_FENCED. In memory
   * only, as in Kafka.
   */
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  state: TransactionStateName;
  /** The transaction's partitions, topic → partition indexes, in the order they were added. */
  partitions: Map<string, Set<number>>;
  /** When the first partition was added; -1 while Empty after InitProducerId. */
  txnStartTimestamp: number;
  /** When the last record for this transactional id was written: expiration counts from here. */
  txnLastUpdateTimestamp: number;
}

/** A partition list as the protocol carries it: topics with their partition indexes. */
export interface TopicPartitions {
  name: string;
  partitionIndexes: number[];
}

export function partitionList(
  partitions: ReadonlyMap<string, ReadonlySet<number>>,
): TopicPartitions[] {
  return [...partitions].map(([name, set]) => ({ name, partitionIndexes: [...set] }));
}

export function partitionCount(partitions: ReadonlyMap<string, ReadonlySet<number>>): number {
  let n = 0;
  for (const set of partitions.values()) n += set.size;
  return n;
}

/** Whether every partition of `added` is already in `partitions`. */
export function containsAll(
  partitions: ReadonlyMap<string, ReadonlySet<number>>,
  added: ReadonlyMap<string, ReadonlySet<number>>,
): boolean {
  for (const [topic, set] of added) {
    const have = partitions.get(topic);
    for (const p of set) if (have?.has(p) !== true) return false;
  }
  return true;
}

export function addAll(
  partitions: Map<string, Set<number>>,
  added: ReadonlyMap<string, ReadonlySet<number>>,
): void {
  for (const [topic, set] of added) {
    let have = partitions.get(topic);
    if (have === undefined) partitions.set(topic, (have = new Set()));
    for (const p of set) have.add(p);
  }
}

/**
 * The transaction markers one completed transaction needs, in the shape of WriteTxnMarkers'
 * WritableTxnMarker plus the transactional id: a COMMIT or ABORT control batch with this
 * producer id, epoch and coordinator epoch on every listed partition.
 */
export interface TransactionMarkers {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  /** The leader epoch of the `__transaction_state` partition, which partitions use to reject
   * markers from a coordinator that has since been replaced. */
  coordinatorEpoch: number;
  /** true writes COMMIT markers, false ABORT markers (WriteTxnMarkers' TransactionResult). */
  transactionResult: boolean;
  topics: TopicPartitions[];
}

/**
 * Kafka's prepareIncrementProducerEpoch: the epoch InitProducerId hands out, or undefined for
 * PRODUCER_FENCED. Without an expected epoch the epoch is bumped; with the current one it is
 * bumped and the old one remembered; with the remembered one (a retry of a bump whose answer
 * was lost) it is returned unchanged.
 */
export function nextEpoch(
  txn: TransactionMetadata,
  expectedEpoch: number | undefined,
): { epoch: number; lastEpoch: number } | undefined {
  if (expectedEpoch === undefined) return { epoch: txn.producerEpoch + 1, lastEpoch: -1 };
  // Kafka throws an IllegalStateException when the epoch is exhausted here (a producer presenting
  // a stale epoch); such a producer is fenced, or served as a retry, instead.
  const bumpable = !isEpochExhausted(txn.producerEpoch);
  if (
    bumpable &&
    (txn.producerEpoch === NO_PRODUCER_EPOCH || expectedEpoch === txn.producerEpoch)
  ) {
    return { epoch: txn.producerEpoch + 1, lastEpoch: txn.producerEpoch };
  }
  if (expectedEpoch === txn.lastProducerEpoch) {
    return { epoch: txn.producerEpoch, lastEpoch: txn.lastProducerEpoch };
  }
  return undefined;
}

/** The markers a transaction in PrepareCommit or PrepareAbort needs. */
export function markersOf(txn: TransactionMetadata, coordinatorEpoch: number): TransactionMarkers {
  return {
    transactionalId: txn.transactionalId,
    producerId: txn.producerId,
    producerEpoch: txn.producerEpoch,
    coordinatorEpoch,
    transactionResult: txn.state === 'PrepareCommit',
    topics: partitionList(txn.partitions),
  };
}
