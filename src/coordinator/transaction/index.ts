// The transaction coordinator: one TransactionCoordinatorShard per `__transaction_state`
// partition (KIP-98 transactions, KIP-360 producer recovery).
export {
  TransactionCoordinatorShard,
  type CoordinatorResultWithMarkers,
  type InitProducerIdResult,
  type TransactionCoordinatorShardOptions,
  type TransactionRequestContext,
} from './transaction-coordinator-shard.js';
export {
  DEFAULT_TRANSACTION_COORDINATOR_CONFIG,
  transactionCoordinatorConfig,
  type TransactionCoordinatorConfig,
} from './transaction-coordinator-config.js';
export {
  isEpochExhausted,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  TRANSACTION_STATE_IDS,
  transactionStateFromId,
  type TopicPartitions,
  type TransactionMarkers,
  type TransactionMetadata,
  type TransactionStateName,
} from './transaction-metadata.js';
export {
  decodeTransactionRecord,
  transactionRecord,
  transactionTombstone,
  TRANSACTION_LOG_KEY_VERSION,
  TRANSACTION_LOG_VALUE_VERSION,
  type DecodedTransactionRecord,
} from './transaction-log.js';
export { addPartitionsErrorResult } from './add-partitions-result.js';
export { partitionFor as partitionForTransactionalId } from '../partition-for.js';

export const TRANSACTION_STATE_TOPIC_NAME = '__transaction_state';
