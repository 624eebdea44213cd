// AddPartitionsToTxn's partition lists: the request's topics as a set (a topic or partition named
// twice counts once, in first-seen order), and per-partition results in the response's shape.
import type { AddPartitionsToTxnRequestAddPartitionsToTxnTopic } from '../../protocol/generated/api/add-partitions-to-txn.js';
import type {
  AddPartitionsToTxnRequestAddPartitionsToTxnTransaction,
  AddPartitionsToTxnResponseAddPartitionsToTxnResult,
  AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult,
} from '../../protocol/generated/api/add-partitions-to-txn.js';

/** Topic → partition indexes. */
export type PartitionSet = ReadonlyMap<string, ReadonlySet<number>>;

export function requestedPartitions(
  topics: readonly AddPartitionsToTxnRequestAddPartitionsToTxnTopic[],
): Map<string, Set<number>> {
  const requested = new Map<string, Set<number>>();
  for (const { name, partitions } of topics) {
    let set = requested.get(name);
    if (set === undefined) requested.set(name, (set = new Set()));
    for (const p of partitions) set.add(p);
  }
  return requested;
}

export function addPartitionsResult(
  partitions: PartitionSet,
  error: (topic: string, partition: number) => number,
): AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[] {
  return [...partitions].map(([name, set]) => ({
    name,
    resultsByPartition: [...set].map((partitionIndex) => ({
      partitionIndex,
      partitionErrorCode: error(name, partitionIndex),
    })),
  }));
}

/**
 * One error for every partition of a transaction (Kafka's errorResponseForTransaction): for the
 * service's own answers, such as NOT_COORDINATOR for a transaction of a batch it does not own.
 */
export function addPartitionsErrorResult(
  transaction: Pick<
    AddPartitionsToTxnRequestAddPartitionsToTxnTransaction,
    'transactionalId' | 'topics'
  >,
  errorCode: number,
): AddPartitionsToTxnResponseAddPartitionsToTxnResult {
  return {
    transactionalId: transaction.transactionalId,
    topicResults: addPartitionsResult(requestedPartitions(transaction.topics), () => errorCode),
  };
}
