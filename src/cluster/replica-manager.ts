// The partitions this broker leads and their logs. On a single node every partition of every
// topic is led here with one replica; the replica manager maps a topic-partition to its log,
// creates and removes logs as topics come and go (it is the TopicManager's LogProvisioner), and
// hands each log its LogConfig resolved from the topic's overrides and the broker's defaults.
// Cluster mode will add followers, the ISR and the high watermark over replicas here.
import { KafkaError } from '../errors/kafka-error.js';
import { logConfigFor, type BrokerConfig } from '../config/index.js';
import {
  topicOverrides,
  type MetadataStore,
  type TopicMetadata,
} from '../metadata/metadata-store.js';
import type { LogConfig, LogManager, PartitionLog, UnifiedLog } from '../storage/index.js';
import type { BrokerConfigView } from './dynamic-broker-config.js';
import type { LogProvisioner } from './topic-manager.js';

/** A topic's LogConfig: its overrides over the broker's log.* defaults. */
export function topicLogConfig(topic: TopicMetadata, broker: BrokerConfig): LogConfig {
  return logConfigFor(topicOverrides(topic), broker);
}

export class ReplicaManager implements LogProvisioner {
  readonly #logs: LogManager;
  readonly #metadata: MetadataStore;
  readonly #config: BrokerConfigView;
  /** Every partition's leader epoch: fixed on a single node, where leadership never moves. */
  readonly leaderEpoch = 0;

  constructor(logs: LogManager, metadata: MetadataStore, config: BrokerConfigView) {
    this.#logs = logs;
    this.#metadata = metadata;
    this.#config = config;
  }

  logConfig(topic: TopicMetadata): LogConfig {
    return topicLogConfig(topic, this.#config.current);
  }

  /** The log of a partition led here; UNKNOWN_TOPIC_OR_PARTITION when there is none. */
  partition(topic: string, partition: number): PartitionLog {
    const meta = this.#metadata.topic(topic);
    if (meta === undefined || partition < 0 || partition >= meta.partitions) {
      throw new KafkaError(
        'UNKNOWN_TOPIC_OR_PARTITION',
        `This server does not host this topic-partition: ${topic}-${partition}`,
      );
    }
    return (
      this.#logs.getLog({ topic, partition }) ??
      this.#logs.getOrCreateLog({ topic, partition }, this.logConfig(meta))
    );
  }

  /** Every partition log this broker holds. */
  logs(): readonly UnifiedLog[] {
    return this.#logs.logs;
  }

  /** Checks a client's view of the leader epoch, as Kafka does (-1 skips the check). */
  checkLeaderEpoch(requested: number): void {
    if (requested === -1 || requested === this.leaderEpoch) return;
    if (requested > this.leaderEpoch) throw new KafkaError('UNKNOWN_LEADER_EPOCH');
    throw new KafkaError('FENCED_LEADER_EPOCH');
  }

  /** Opens a log for every partition in the metadata that has none yet (first start, or crash). */
  ensureLogs(): void {
    for (const topic of this.#metadata.topics()) {
      const config = this.logConfig(topic);
      for (let partition = 0; partition < topic.partitions; partition++) {
        this.#logs.getOrCreateLog({ topic: topic.name, partition }, config);
      }
    }
  }

  async createPartitionLogs(topic: TopicMetadata, partitions: readonly number[]): Promise<void> {
    const config = this.logConfig(topic);
    for (const partition of partitions)
      this.#logs.getOrCreateLog({ topic: topic.name, partition }, config);
  }

  async deletePartitionLogs(topic: TopicMetadata): Promise<void> {
    for (let partition = 0; partition < topic.partitions; partition++) {
      await this.#logs.deleteLog({ topic: topic.name, partition });
    }
  }

  /** The broker's log.* defaults changed: every topic's LogConfig is resolved again. */
  brokerConfigChanged(): void {
    for (const topic of this.#metadata.topics()) this.topicConfigChanged(topic);
  }

  topicConfigChanged(topic: TopicMetadata): void {
    this.#logs.updateTopicConfig(topic.name, this.logConfig(topic));
  }

  /** Logs left on disk for topics the metadata no longer has (deleted while the broker was down). */
  async removeOrphanLogs(): Promise<void> {
    for (const log of this.#logs.logs) {
      const { topic, partition } = log.topicPartition;
      const meta = this.#metadata.topic(topic);
      if (meta === undefined || partition >= meta.partitions)
        await this.#logs.deleteLog(log.topicPartition);
    }
  }
}
