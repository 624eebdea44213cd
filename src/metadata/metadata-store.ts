// The cluster's metadata as the broker sees it: cluster id, brokers, topics with their ids,
// partition counts and config overrides, and the ACLs. Single-node mode keeps it in a local file
// (LocalMetadataStore); cluster mode will keep it in etcd behind the same interface.
import type { AclBinding } from './acl-binding.js';
import type { ScramCredential } from './scram-credential.js';

export interface TopicMetadata {
  readonly name: string;
  /** Kafka's topic id: 16 random bytes as 22-character base64url text. */
  readonly topicId: string;
  readonly partitions: number;
  /** Topic-level config overrides (key → value as given), e.g. { "cleanup.policy": "compact" }. */
  readonly configs: Readonly<Record<string, string>>;
  readonly internal: boolean;
}

/** A topic's config overrides as the config layer takes them. */
export function topicOverrides(topic: TopicMetadata | undefined): ReadonlyMap<string, string> {
  return new Map(Object.entries(topic?.configs ?? {}));
}

export interface BrokerMetadata {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

export interface NewTopic {
  name: string;
  partitions: number;
  configs: Record<string, string>;
  internal?: boolean;
}

export interface MetadataStore {
  readonly clusterId: string;
  topics(): readonly TopicMetadata[];
  topic(name: string): TopicMetadata | undefined;
  topicById(topicId: string): TopicMetadata | undefined;
  /** Creates a topic; throws KafkaError TOPIC_ALREADY_EXISTS when the name is taken. */
  createTopic(topic: NewTopic): Promise<TopicMetadata>;
  /** Deletes a topic; throws KafkaError UNKNOWN_TOPIC_OR_PARTITION when absent. */
  deleteTopic(name: string): Promise<TopicMetadata>;
  setPartitionCount(name: string, partitions: number): Promise<TopicMetadata>;
  setTopicConfigs(name: string, configs: Record<string, string>): Promise<TopicMetadata>;
  /**
   * Calls `listener` after a topic is created or deleted or gains partitions (what the group
   * coordinator's subscriptions depend on). Returns a function that removes the listener.
   */
  onTopicsChanged(listener: () => void): () => void;
  /**
   * Reserves the next `size` producer ids and returns the first. The reservation is durable
   * before it returns, so an id is never handed out twice, across restarts (Kafka's controller
   * hands brokers blocks the same way, AllocateProducerIds). Ids not used before a restart are
   * skipped, as in Kafka.
   */
  allocateProducerIdBlock(size: number): Promise<bigint>;
  /** Dynamic broker configs of a BROKER resource: "" for the cluster default, else a broker id. */
  brokerConfigs(resource: string): Readonly<Record<string, string>>;
  setBrokerConfigs(resource: string, configs: Record<string, string>): Promise<void>;
  /** A consumer group's config overrides (GROUP config resources); {} when none. */
  groupConfigs(groupId: string): Readonly<Record<string, string>>;
  /** Replaces a group's config overrides, durably ({} removes them). */
  setGroupConfigs(groupId: string, configs: Record<string, string>): Promise<void>;
  /** Every user's SCRAM credentials (one per user and mechanism). */
  scramCredentials(): readonly ScramCredential[];
  /**
   * Applies a batch of credential changes at once, durably: `remove` (user, mechanism) pairs, then
   * `upsert` credentials (replacing the same user and mechanism).
   */
  alterScramCredentials(
    remove: readonly { user: string; mechanism: number }[],
    upsert: readonly ScramCredential[],
  ): Promise<void>;
  /** Every ACL, in the order they were created. */
  acls(): readonly AclBinding[];
  /** Adds the ACLs not stored yet (an ACL that exists already is left as it is), durably. */
  addAcls(acls: readonly AclBinding[]): Promise<void>;
  /** Removes these ACLs (by identity, see aclKey), durably. */
  removeAcls(acls: readonly AclBinding[]): Promise<void>;
}
