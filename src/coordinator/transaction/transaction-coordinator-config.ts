// The transaction coordinator's settings, Kafka's TransactionStateManagerConfig, from the broker
// config.
import type { BrokerConfig } from '../../config/index.js';

export interface TransactionCoordinatorConfig {
  /** transaction.max.timeout.ms: the largest transaction.timeout.ms a producer may ask for. */
  transactionMaxTimeoutMs: number;
  /** transactional.id.expiration.ms: how long an idle transactional id is kept. */
  transactionalIdExpirationMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  abortTimedOutTransactionsIntervalMs: number;
  /** transaction.remove.expired.transaction.cleanup.interval.ms */
  removeExpiredTransactionalIdsIntervalMs: number;
}

/** Kafka's defaults: 15 minutes, 7 days, 10 seconds, 1 hour. */
export const DEFAULT_TRANSACTION_COORDINATOR_CONFIG: TransactionCoordinatorConfig = {
  transactionMaxTimeoutMs: 900_000,
  transactionalIdExpirationMs: 604_800_000,
  abortTimedOutTransactionsIntervalMs: 10_000,
  removeExpiredTransactionalIdsIntervalMs: 3_600_000,
};

export function transactionCoordinatorConfig(config: BrokerConfig): TransactionCoordinatorConfig {
  return {
    transactionMaxTimeoutMs: config.get('transaction.max.timeout.ms'),
    transactionalIdExpirationMs: config.get('transactional.id.expiration.ms'),
    abortTimedOutTransactionsIntervalMs: config.get(
      'transaction.abort.timed.out.transaction.cleanup.interval.ms',
    ),
    removeExpiredTransactionalIdsIntervalMs: config.get(
      'transaction.remove.expired.transaction.cleanup.interval.ms',
    ),
  };
}
