// The domain services request handlers call. Handlers translate wire messages to and from these
// and hold no rules of their own.
import type { BrokerConfig } from '../config/index.js';
import type { DynamicBrokerConfig } from '../cluster/dynamic-broker-config.js';
import type { ProducerIdManager } from '../cluster/producer-id-manager.js';
import type { ReplicaManager } from '../cluster/replica-manager.js';
import type { TopicManager } from '../cluster/topic-manager.js';
import type { BrokerMetadata, MetadataStore } from '../metadata/metadata-store.js';
import type { ApiVersionsServices } from './handlers/18-api-versions.js';
import type { GroupCoordinator } from '../coordinator/group/group-coordinator.js';
import type { TransactionCoordinator } from '../coordinator/transaction/transaction-coordinator.js';

export interface BrokerServices extends ApiVersionsServices {
  /** The effective broker config: static layers plus the dynamic ones, as of now. */
  readonly config: BrokerConfig;
  /** Sets dynamic broker configs (AlterConfigs on BROKER resources). */
  readonly dynamicConfig: DynamicBrokerConfig;
  readonly metadata: MetadataStore;
  readonly topics: TopicManager;
  /** The partitions led here and their logs. */
  readonly replicas: ReplicaManager;
  /** Producer ids for InitProducerId. */
  readonly producerIds: Pick<ProducerIdManager, 'generateProducerId'>;
  /** Consumer groups: their shards in __consumer_offsets, by group id. */
  readonly groups: GroupCoordinator;
  /** Transactions: their shards in __transaction_state, by transactional id. */
  readonly transactions: TransactionCoordinator;
  /** The brokers clients should connect to (this one, at its advertised address). */
  brokers(): readonly BrokerMetadata[];
  /** Leader epoch of every partition: constant on a single node until leadership can move. */
  readonly leaderEpoch: number;
  /** The broker's logger; handlers log unexpected errors here (console when absent). */
  readonly log?: { error(details: object, message: string): void };
}

/** Kafka's "authorized operations not requested" sentinel (Integer.MIN_VALUE). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/**
 * Without an authorizer every operation is allowed. Bit i is set for AclOperation code i:
 * READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11.
 */
export const ALL_TOPIC_OPERATIONS = [3, 4, 5, 6, 7, 8, 10, 11].reduce(
  (bits, op) => bits | (1 << op),
  0,
);
/** READ 3, DELETE 6, DESCRIBE 8: what Kafka's authorizer checks on a GROUP resource. */
export const ALL_GROUP_OPERATIONS = [3, 6, 8].reduce((bits, op) => bits | (1 << op), 0);
/** CREATE 5, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12, CREATE_TOKENS 13, DESCRIBE_TOKENS 14. */
export const ALL_CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12, 13, 14].reduce(
  (bits, op) => bits | (1 << op),
  0,
);
