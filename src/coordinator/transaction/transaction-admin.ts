// DescribeTransactions (v0) and ListTransactions (v0-1) over one shard's transactional ids:
// Kafka's TransactionCoordinator.handleDescribeTransactions and
// TransactionStateManager.listTransactionStates. Pure functions of the state and the time.
//
// NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS and authorization are the service's and the
// handler's: a transactional id is described by the shard of its partition, and ListTransactions
// concatenates every loaded shard's `transactionStates` (their `unknownStateFilters` are equal).

import { ErrorCodes } from '../../errors/generated/error-codes.js';
import {
  defaultDescribeTransactionsResponseTransactionState,
  type DescribeTransactionsResponseTransactionState,
} from '../../protocol/generated/api/describe-transactions.js';
import type {
  ListTransactionsRequest,
  ListTransactionsResponse,
} from '../../protocol/generated/api/list-transactions.js';
import {
  isTransactionStateName,
  type TransactionMetadata,
  type TransactionStateName,
} from './transaction-metadata.js';

const E = ErrorCodes;

export function describeTransaction(
  transactions: ReadonlyMap<string, TransactionMetadata>,
  transactionalId: string,
): DescribeTransactionsResponseTransactionState {
  const state = defaultDescribeTransactionsResponseTransactionState();
  state.transactionalId = transactionalId;
  if (transactionalId === '') return { ...state, errorCode: E.INVALID_REQUEST.code };
  const txn = transactions.get(transactionalId);
  if (txn === undefined) return { ...state, errorCode: E.TRANSACTIONAL_ID_NOT_FOUND.code };
  return {
    ...state,
    errorCode: E.NONE.code,
    transactionState: txn.state,
    transactionTimeoutMs: txn.txnTimeoutMs,
    transactionStartTimeMs: BigInt(txn.txnStartTimestamp),
    producerId: txn.producerId,
    producerEpoch: txn.producerEpoch,
    topics: [...txn.partitions].map(([topic, set]) => ({ topic, partitions: [...set] })),
  };
}

/**
 * The transactions matching every given filter: one of the states (names Kafka does not know are
 * echoed in `unknownStateFilters`, and then match nothing), one of the producer ids, and (v1)
 * running longer than `durationFilter` ms — measured from the start time, so Empty ids (start -1)
 * pass it, as in Kafka.
 */
export function listTransactions(
  transactions: ReadonlyMap<string, TransactionMetadata>,
  request: ListTransactionsRequest,
  now: number,
): ListTransactionsResponse {
  const stateFilters = new Set(request.stateFilters);
  const states = new Set<TransactionStateName>();
  const unknownStateFilters: string[] = [];
  for (const name of stateFilters) {
    if (isTransactionStateName(name)) states.add(name);
    else unknownStateFilters.push(name);
  }
  const producerIds = new Set(request.producerIdFilters);
  const duration = request.durationFilter;
  const transactionStates = [...transactions.values()]
    .filter(
      (txn) =>
        (stateFilters.size === 0 || states.has(txn.state)) &&
        (producerIds.size === 0 || producerIds.has(txn.producerId)) &&
        (duration < 0n || BigInt(now - txn.txnStartTimestamp) > duration),
    )
    .map((txn) => ({
      transactionalId: txn.transactionalId,
      producerId: txn.producerId,
      transactionState: txn.state,
    }));
  return { throttleTimeMs: 0, errorCode: E.NONE.code, unknownStateFilters, transactionStates };
}
