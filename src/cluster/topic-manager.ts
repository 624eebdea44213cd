// Topic lifecycle on a single node, the controller's job in Kafka: create (with the broker's
// defaults for partitions and replication factor), delete, add partitions, change configs. It
// validates as Kafka's controller does, records the change in the MetadataStore, and has the
// partitions' logs created or removed. Errors are KafkaErrors with Kafka's codes and messages.
import { KafkaError } from '../errors/kafka-error.js';
import {
  incrementalAlterTopicConfigs,
  alterTopicConfigs,
  validateCreateTopicConfigs,
  type AlterableConfig,
  type BrokerConfig,
  type ConfigEntry,
} from '../config/index.js';
import {
  topicOverrides,
  type MetadataStore,
  type TopicMetadata,
} from '../metadata/metadata-store.js';
import type { BrokerConfigView } from './dynamic-broker-config.js';
import { validateTopicName } from '../metadata/topic-name.js';

/** Creates and removes the logs of a topic's partitions; the storage layer implements it. */
export interface LogProvisioner {
  createPartitionLogs(topic: TopicMetadata, partitions: readonly number[]): Promise<void>;
  deletePartitionLogs(topic: TopicMetadata): Promise<void>;
  /** The topic's config overrides changed: logs pick up the new LogConfig. */
  topicConfigChanged(topic: TopicMetadata): void;
}

export interface CreateTopicRequest {
  name: string;
  /** -1: num.partitions. */
  numPartitions: number;
  /** -1: default.replication.factor. */
  replicationFactor: number;
  /** Manual assignment: partition → replica broker ids. */
  assignments: readonly { partitionIndex: number; brokerIds: readonly number[] }[];
  configs: readonly { name: string; value: string | null }[];
}

/** A topic as created (or, with validateOnly, as it would be), with its replication factor. */
export interface CreatedTopic extends TopicMetadata {
  readonly replicationFactor: number;
}

/** Broker count of a single-node cluster; cluster mode will ask the registry. */
const LIVE_BROKERS = 1;
/** Every partition of a single-node cluster has one replica. */
const TOPIC_REPLICATION_FACTOR = 1;
/** KRaft's metadata log: Kafka refuses to create it as a regular topic. */
const CLUSTER_METADATA_TOPIC = '__cluster_metadata';
/** Kafka's internal topics (Topic.isInternal): the coordinators' state, marked internal. */
const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state']);

export class TopicManager {
  readonly #metadata: MetadataStore;
  readonly #logs: LogProvisioner;
  readonly #configView: BrokerConfigView;

  constructor(metadata: MetadataStore, logs: LogProvisioner, config: BrokerConfigView) {
    this.#metadata = metadata;
    this.#logs = logs;
    this.#configView = config;
  }

  get #config(): BrokerConfig {
    return this.#configView.current;
  }

  /**
   * Validates a creation and returns what would be created; creates it unless validateOnly.
   * Checks in Kafka's controller order: name, existence, configs, then shape and placement.
   */
  async createTopic(request: CreateTopicRequest, validateOnly: boolean): Promise<CreatedTopic> {
    validateTopicName(request.name);
    if (request.name === CLUSTER_METADATA_TOPIC) {
      throw new KafkaError(
        'INVALID_REQUEST',
        `Creation of internal topic ${CLUSTER_METADATA_TOPIC} is prohibited.`,
      );
    }
    if (this.#metadata.topic(request.name) !== undefined) {
      throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${request.name}' already exists.`);
    }
    const configs = validateCreateTopicConfigs(request.configs, this.#config);
    const { partitions, replicationFactor } = this.#checkShape(request);
    if (replicationFactor > LIVE_BROKERS) {
      throw new KafkaError(
        'INVALID_REPLICATION_FACTOR',
        `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${LIVE_BROKERS} broker(s) are registered.`,
      );
    }
    const draft = {
      name: request.name,
      partitions,
      configs: Object.fromEntries(configs),
      internal: INTERNAL_TOPICS.has(request.name),
    };
    if (validateOnly) {
      return { ...draft, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', replicationFactor };
    }
    const topic = await this.#metadata.createTopic(draft);
    await this.#logs.createPartitionLogs(topic, range(0, partitions));
    return { ...topic, replicationFactor };
  }

  /** Creates a topic with the broker's defaults, for auto-creation by Metadata and Produce. */
  async autoCreateTopic(name: string): Promise<TopicMetadata> {
    return this.createTopic(
      { name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] },
      false,
    );
  }

  async deleteTopic(topic: TopicMetadata): Promise<void> {
    if (!this.#config.get('delete.topic.enable')) {
      throw new KafkaError('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.');
    }
    await this.#metadata.deleteTopic(topic.name);
    await this.#logs.deletePartitionLogs(topic);
  }

  /**
   * CreatePartitions: increase only, with KRaft's messages. `assignments` (optional) gives the
   * replicas of each new partition, one list per added partition.
   */
  async createPartitions(
    name: string,
    count: number,
    validateOnly: boolean,
    assignments: readonly (readonly number[])[] | null = null,
  ): Promise<TopicMetadata> {
    const topic = this.#require(name);
    if (count === topic.partitions) {
      throw new KafkaError(
        'INVALID_PARTITIONS',
        `Topic already has ${topic.partitions} partition(s).`,
      );
    }
    if (count < topic.partitions) {
      throw new KafkaError(
        'INVALID_PARTITIONS',
        `The topic ${name} currently has ${topic.partitions} partition(s); ${count} would not be an increase.`,
      );
    }
    const additional = count - topic.partitions;
    if (assignments !== null) {
      if (assignments.length !== additional) {
        throw new KafkaError(
          'INVALID_REPLICA_ASSIGNMENT',
          `Attempted to add ${additional} additional partition(s), but only ${assignments.length} assignment(s) were specified.`,
        );
      }
      for (const replicas of assignments) this.#checkNewPartitionReplicas(replicas);
    }
    if (validateOnly) return { ...topic, partitions: count };
    const updated = await this.#metadata.setPartitionCount(name, count);
    await this.#logs.createPartitionLogs(updated, range(topic.partitions, count));
    return updated;
  }

  /** Kafka's validateManualPartitionAssignment for a partition added to an existing topic. */
  #checkNewPartitionReplicas(replicas: readonly number[]): void {
    const invalid = (message: string): KafkaError =>
      new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment ${message}`);
    if (replicas.length === 0) throw invalid('includes an empty replica list.');
    const sorted = [...replicas].sort((a, b) => a - b);
    sorted.forEach((id, i) => {
      if (id !== this.#config.nodeId) {
        throw invalid(`includes broker ${id}, but no such broker is registered.`);
      }
      if (i > 0 && sorted[i - 1] === id) throw invalid(`includes the broker ${id} more than once.`);
    });
    if (sorted.length !== TOPIC_REPLICATION_FACTOR) {
      throw invalid(
        `includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${TOPIC_REPLICATION_FACTOR} replica(s).`,
      );
    }
  }

  /** Kafka validates the values first, then checks that the topic exists. */
  async incrementalAlterConfigs(
    name: string,
    ops: readonly AlterableConfig[],
    validateOnly: boolean,
  ): Promise<void> {
    const next = incrementalAlterTopicConfigs(name, this.#overrides(name), ops, this.#config);
    this.#require(name);
    if (!validateOnly) await this.#setConfigs(name, next);
  }

  /** Legacy AlterConfigs: the given set replaces every override. */
  async alterConfigs(
    name: string,
    configs: readonly ConfigEntry[],
    validateOnly: boolean,
  ): Promise<void> {
    const next = alterTopicConfigs(name, this.#overrides(name), configs, this.#config);
    this.#require(name);
    if (!validateOnly) await this.#setConfigs(name, next);
  }

  #overrides(name: string): ReadonlyMap<string, string> {
    return topicOverrides(this.#metadata.topic(name));
  }

  async #setConfigs(name: string, configs: ReadonlyMap<string, string>): Promise<void> {
    const updated = await this.#metadata.setTopicConfigs(name, Object.fromEntries(configs));
    this.#logs.topicConfigChanged(updated);
  }

  #require(name: string): TopicMetadata {
    const topic = this.#metadata.topic(name);
    if (topic === undefined) {
      throw new KafkaError(
        'UNKNOWN_TOPIC_OR_PARTITION',
        `This server does not host this topic-partition: ${name}`,
      );
    }
    return topic;
  }

  #checkShape(request: CreateTopicRequest): { partitions: number; replicationFactor: number } {
    if (request.assignments.length > 0) {
      if (request.numPartitions !== -1 || request.replicationFactor !== -1) {
        throw new KafkaError(
          'INVALID_REQUEST',
          'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
        );
      }
      const counts = new Set(request.assignments.map((a) => a.brokerIds.length));
      if (counts.size !== 1) {
        throw new KafkaError(
          'INVALID_REPLICA_ASSIGNMENT',
          'All partitions should have the same number of replicas',
        );
      }
      for (const a of request.assignments) {
        for (const id of a.brokerIds) {
          if (id !== this.#config.nodeId) {
            throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Broker ${id} is not a live broker`);
          }
        }
      }
      return { partitions: request.assignments.length, replicationFactor: [...counts][0]! };
    }
    const partitions =
      request.numPartitions === -1 ? this.#config.get('num.partitions') : request.numPartitions;
    const replicationFactor =
      request.replicationFactor === -1
        ? this.#config.get('default.replication.factor')
        : request.replicationFactor;
    if (partitions <= 0) {
      throw new KafkaError(
        'INVALID_PARTITIONS',
        'Number of partitions was set to an invalid non-positive value.',
      );
    }
    if (replicationFactor <= 0) {
      throw new KafkaError(
        'INVALID_REPLICATION_FACTOR',
        'Replication factor must be larger than 0, or -1 to use the default value.',
      );
    }
    return { partitions, replicationFactor };
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
