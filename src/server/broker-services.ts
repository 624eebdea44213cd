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
import type { Authorizer } from '../security/authorizer.js';
import type { ScramCredentials } from '../security/scram-credentials.js';
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
  /** Checks ACLs; null when no authorizer is configured (everything is allowed). */
  readonly authorizer: Authorizer | null;
  /** Users' SCRAM credentials (DescribeUserScramCredentials, AlterUserScramCredentials). */
  readonly scramCredentials: ScramCredentials;
  /** The brokers clients should connect to (this one, at its advertised address). */
  brokers(): readonly BrokerMetadata[];
  /** Leader epoch of every partition: constant on a single node until leadership can move. */
  readonly leaderEpoch: number;
  /** The broker's logger; handlers log unexpected errors here (console when absent). */
  readonly log?: { error(details: object, message: string): void };
}
