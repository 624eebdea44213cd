// A Samsa broker: config, metadata, storage and the socket server, started and stopped as one.
// Start order: config is loaded by the caller; metadata and logs are opened (recovering the logs);
// then the listeners open. Stop order is the reverse: stop accepting, finish in-flight requests,
// then flush and close the logs.
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import { groupConfigOverrides, type BrokerConfig, type Endpoint } from '../config/index.js';
import { DynamicBrokerConfig } from '../cluster/dynamic-broker-config.js';
import { ProducerIdManager } from '../cluster/producer-id-manager.js';
import { ReplicaManager, topicLogConfig } from '../cluster/replica-manager.js';
import { TopicManager } from '../cluster/topic-manager.js';
import {
  GROUP_METADATA_TOPIC_NAME,
  GroupCoordinator,
} from '../coordinator/group/group-coordinator.js';
import { groupCoordinatorConfig } from '../coordinator/group/coordinator-config.js';
import {
  TRANSACTION_STATE_TOPIC_NAME,
  TransactionCoordinator,
} from '../coordinator/transaction/transaction-coordinator.js';
import { transactionCoordinatorConfig } from '../coordinator/transaction/transaction-coordinator-config.js';
import { KafkaError } from '../errors/kafka-error.js';
import { buildEndTransactionMarkerBatch, ControlRecordType } from '../protocol/records/index.js';
import type { TopicsView } from '../coordinator/group/index.js';
import type { PartitionLag } from '../coordinator/group/group-lag.js';
import { LocalMetadataStore } from '../metadata/local-metadata-store.js';
import type { BrokerMetadata } from '../metadata/metadata-store.js';
import { Authorizer } from '../security/authorizer.js';
import { ScramCredentials } from '../security/scram-credentials.js';
import { DEFAULT_LOG_CONFIG, LogManager } from '../storage/index.js';
import type { BrokerServices } from './broker-services.js';
import { HandlerRegistry } from './handler-registry.js';
import { HANDLERS } from './handlers/index.js';
import { RequestDispatcher } from './request-dispatcher.js';
import { SocketServer, type BoundListener } from './socket-server.js';

/** How often retention, flush.ms and checkpoints are checked (each has its own interval). */
const TICK_MS = 1000;

export interface BrokerOptions {
  config: BrokerConfig;
  logger?: Logger;
  /** How long shutdown waits for in-flight requests before closing connections. */
  shutdownGraceMs?: number;
}

/** The advertised endpoint with a port of 0 or an empty host filled from what was bound. */
function advertise(
  endpoint: Endpoint,
  bound: readonly BoundListener[],
): { host: string; port: number } {
  const listener = bound.find((b) => b.name === endpoint.listenerName);
  const port = endpoint.port === 0 && listener !== undefined ? listener.boundPort : endpoint.port;
  const host =
    endpoint.host === '' || endpoint.host === '0.0.0.0' || endpoint.host === '::'
      ? hostname()
      : endpoint.host;
  return { host, port };
}

/** The group coordinator's read-only view of the topics, straight from the metadata store. */
function topicsView(metadata: LocalMetadataStore): TopicsView {
  return {
    byName: (name) => {
      const t = metadata.topic(name);
      return t === undefined ? undefined : { topicId: t.topicId, partitions: t.partitions };
    },
    byId: (id) => {
      const t = metadata.topicById(id);
      return t === undefined ? undefined : { name: t.name, partitions: t.partitions };
    },
    names: () => metadata.topics().map((t) => t.name),
  };
}

/** The built-in authorizer when `authorizer.class.name` names it (start-up checks refuse others). */
function authorizerFor(config: BrokerConfig, metadata: LocalMetadataStore): Authorizer | null {
  if (config.get('authorizer.class.name') === '') return null;
  const superUsers = (config.get('super.users') ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return new Authorizer(metadata, {
    superUsers,
    allowEveryoneIfNoAclFound: config.get('allow.everyone.if.no.acl.found') ?? false,
  });
}

export class Broker {
  readonly config: BrokerConfig;
  readonly log: Logger;
  readonly #graceMs: number;
  #server: SocketServer<BrokerServices> | undefined;
  #bound: BoundListener[] = [];
  #metadata: LocalMetadataStore | undefined;
  #logs: LogManager | undefined;
  #ticker: NodeJS.Timeout | undefined;
  #groups: GroupCoordinator | undefined;
  #transactions: TransactionCoordinator | undefined;
  #replicas: ReplicaManager | undefined;

  constructor(options: BrokerOptions) {
    this.config = options.config;
    this.log = options.logger ?? pino({ name: 'samsa' });
    this.#graceMs = options.shutdownGraceMs ?? 30_000;
  }

  /** The listeners as bound (with real ports when 0 was configured). */
  get listeners(): readonly BoundListener[] {
    return this.#bound;
  }

  get clusterId(): string {
    if (this.#metadata === undefined) throw new Error('The broker is not started');
    return this.#metadata.clusterId;
  }

  async start(): Promise<void> {
    const metadata = LocalMetadataStore.open(this.config.logDirs, this.config.nodeId);
    this.#metadata = metadata;
    const dynamicConfig = new DynamicBrokerConfig(this.config, metadata);
    const config = dynamicConfig.current;
    const logs = await LogManager.open({
      logDirs: config.logDirs,
      configFor: (topic) => {
        const meta = metadata.topic(topic);
        return meta === undefined
          ? DEFAULT_LOG_CONFIG
          : topicLogConfig(meta, dynamicConfig.current);
      },
      retentionCheckIntervalMs: config.get('log.retention.check.interval.ms'),
      recoveryPointCheckpointIntervalMs: config.get('log.flush.offset.checkpoint.interval.ms'),
      logStartOffsetCheckpointIntervalMs: config.get(
        'log.flush.start.offset.checkpoint.interval.ms',
      ),
      producerIdExpirationMs: config.get('producer.id.expiration.ms'),
      logCleanerEnable: config.get('log.cleaner.enable'),
      logCleanerBackoffMs: config.get('log.cleaner.backoff.ms'),
      logCleanerDedupeBufferBytes: config.get('log.cleaner.dedupe.buffer.size'),
      logCleanerIoBufferBytes: config.get('log.cleaner.io.buffer.size'),
      logger: { warn: (message) => this.log.warn(message) },
    });
    this.#logs = logs;
    const replicas = new ReplicaManager(logs, metadata, dynamicConfig);
    this.#replicas = replicas;
    dynamicConfig.onChange(() => replicas.brokerConfigChanged());
    dynamicConfig.onChange((c) =>
      logs.setProducerIdExpirationMs(c.get('producer.id.expiration.ms')),
    );
    await replicas.removeOrphanLogs();
    replicas.ensureLogs();
    // Retention, flush.ms and checkpoints run on one scheduler tick; appends never set timers.
    this.#ticker = setInterval(() => {
      logs.tick().catch((err: unknown) => this.log.error({ err }, 'log maintenance failed'));
    }, TICK_MS);
    this.#ticker.unref();
    const topics = new TopicManager(metadata, replicas, dynamicConfig);
    const groups = new GroupCoordinator({
      host: {
        partitionCount: () => metadata.topic(GROUP_METADATA_TOPIC_NAME)?.partitions,
        create: async () => {
          const c = dynamicConfig.current;
          await topics.createTopic(
            {
              name: GROUP_METADATA_TOPIC_NAME,
              numPartitions: c.get('offsets.topic.num.partitions'),
              replicationFactor: c.get('offsets.topic.replication.factor'),
              assignments: [],
              // Kafka's GroupCoordinator.groupMetadataTopicConfigs.
              configs: [
                { name: 'cleanup.policy', value: 'compact' },
                { name: 'compression.type', value: 'producer' },
                { name: 'segment.bytes', value: String(c.get('offsets.topic.segment.bytes')) },
              ],
            },
            false,
          );
        },
        log: (partition) => replicas.partition(GROUP_METADATA_TOPIC_NAME, partition),
      },
      config: () => groupCoordinatorConfig(dynamicConfig.current),
      shardOptions: {
        topics: topicsView(metadata),
        groupConfig: (groupId) => groupConfigOverrides(metadata.groupConfigs(groupId)),
      },
      compressionCodec: () => dynamicConfig.current.get('offsets.topic.compression.codec'),
      leaderEpoch: replicas.leaderEpoch,
      logger: this.log,
    });
    await groups.start();
    const producerIds = new ProducerIdManager(metadata);
    const transactions = new TransactionCoordinator({
      host: {
        partitionCount: () => metadata.topic(TRANSACTION_STATE_TOPIC_NAME)?.partitions,
        create: async () => {
          const c = dynamicConfig.current;
          await topics.createTopic(
            {
              name: TRANSACTION_STATE_TOPIC_NAME,
              numPartitions: c.get('transaction.state.log.num.partitions'),
              replicationFactor: c.get('transaction.state.log.replication.factor'),
              assignments: [],
              // Kafka's TransactionLog topic configs.
              configs: [
                { name: 'cleanup.policy', value: 'compact' },
                { name: 'compression.type', value: 'uncompressed' },
                {
                  name: 'min.insync.replicas',
                  value: String(c.get('transaction.state.log.min.isr')),
                },
                {
                  name: 'segment.bytes',
                  value: String(c.get('transaction.state.log.segment.bytes')),
                },
              ],
            },
            false,
          );
        },
        log: (partition) => replicas.partition(TRANSACTION_STATE_TOPIC_NAME, partition),
      },
      config: () => transactionCoordinatorConfig(dynamicConfig.current),
      generateProducerId: () => producerIds.generateProducerId(),
      partitionExists: (topic, partition) => {
        const meta = metadata.topic(topic);
        return meta !== undefined && partition >= 0 && partition < meta.partitions;
      },
      groupPartition: async (groupId) => {
        await groups.ensureTopic();
        const partition = groups.partitionFor(groupId);
        if (partition === undefined) throw new KafkaError('COORDINATOR_NOT_AVAILABLE');
        return partition;
      },
      writeMarker: async (topic, partition, marker) => {
        if (topic === GROUP_METADATA_TOPIC_NAME) {
          await groups.writeTransactionMarker(partition, marker);
          return;
        }
        await replicas.partition(topic, partition).appendAsLeader(
          buildEndTransactionMarkerBatch({
            type: marker.commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
            producerId: marker.producerId,
            producerEpoch: marker.producerEpoch,
            coordinatorEpoch: marker.coordinatorEpoch,
            timestamp: BigInt(Date.now()),
          }),
          { leaderEpoch: replicas.leaderEpoch, origin: 'coordinator' },
        );
      },
      leaderEpoch: replicas.leaderEpoch,
      logger: this.log,
    });
    await transactions.start();
    this.#transactions = transactions;
    metadata.onTopicsChanged(() => groups.topicsChanged());
    this.#groups = groups;
    const registry = new HandlerRegistry<BrokerServices>(HANDLERS);
    const authorizer = authorizerFor(config, metadata);
    const services: BrokerServices = {
      get config() {
        return dynamicConfig.current;
      },
      dynamicConfig,
      metadata,
      topics,
      groups,
      replicas,
      producerIds,
      transactions,
      leaderEpoch: replicas.leaderEpoch,
      authorizer,
      scramCredentials: new ScramCredentials(metadata),
      log: this.log,
      advertisedApis: () => registry.advertised(),
      brokers: () => this.#brokers(),
    };
    const server = new SocketServer(
      new RequestDispatcher(registry, services),
      {
        maxFrameBytes: config.get('socket.request.max.bytes'),
        maxInFlightRequests: config.get('queued.max.requests'),
      },
      this.log,
    );
    this.#server = server;
    this.#bound = await server.listen(
      config.listeners.map((l) => ({ name: l.listenerName, host: l.host, port: l.port })),
    );
  }

  /**
   * A consumer group's lag per partition: committed offset against the high watermark (what
   * Kafka's tools call the log end offset), with each partition's owner.
   */
  groupLag(groupId: string): PartitionLag[] | undefined {
    const groups = this.#groups;
    const metadata = this.#metadata;
    const replicas = this.#replicas;
    if (groups === undefined || metadata === undefined || replicas === undefined) {
      throw new Error('The broker is not started');
    }
    return groups.lag(groupId, (topic, partition) => {
      const meta = metadata.topic(topic);
      if (meta === undefined || partition >= meta.partitions) return undefined;
      return replicas.partition(topic, partition).highWatermark;
    });
  }

  #brokers(): BrokerMetadata[] {
    const [endpoint] = this.config.advertisedListeners;
    if (endpoint === undefined) return [];
    const { host, port } = advertise(endpoint, this.#bound);
    return [{ nodeId: this.config.nodeId, host, port, rack: this.config.get('broker.rack') }];
  }

  async stop(): Promise<void> {
    await this.#server?.close(this.#graceMs);
    this.#server = undefined;
    clearInterval(this.#ticker);
    this.#groups?.stop();
    this.#transactions?.stop();
    this.#transactions = undefined;
    this.#groups = undefined;
    await this.#logs?.close();
    this.#logs = undefined;
  }
}
