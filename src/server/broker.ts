// A Samsa broker: config, metadata, storage and the socket server, started and stopped as one.
// Start order: config is loaded by the caller; metadata and logs are opened (recovering the logs);
// then the listeners open. Stop order is the reverse: stop accepting, finish in-flight requests,
// then flush and close the logs.
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import type { BrokerConfig, Endpoint } from '../config/index.js';
import { TopicManager, type LogProvisioner } from '../cluster/topic-manager.js';
import { LocalMetadataStore } from '../metadata/local-metadata-store.js';
import type { BrokerMetadata } from '../metadata/metadata-store.js';
import type { BrokerServices } from './broker-services.js';
import { HandlerRegistry } from './handler-registry.js';
import { HANDLERS } from './handlers/index.js';
import { RequestDispatcher } from './request-dispatcher.js';
import { SocketServer, type BoundListener } from './socket-server.js';

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

export class Broker {
  readonly config: BrokerConfig;
  readonly log: Logger;
  readonly #graceMs: number;
  #server: SocketServer<BrokerServices> | undefined;
  #bound: BoundListener[] = [];
  #metadata: LocalMetadataStore | undefined;

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
    const config = this.config;
    const metadata = LocalMetadataStore.open(config.logDirs, config.nodeId);
    this.#metadata = metadata;
    const provisioner: LogProvisioner = {
      createPartitionLogs: async () => undefined,
      deletePartitionLogs: async () => undefined,
      topicConfigChanged: () => undefined,
    };
    const registry = new HandlerRegistry<BrokerServices>(HANDLERS);
    const services: BrokerServices = {
      config,
      metadata,
      topics: new TopicManager(metadata, provisioner, config),
      leaderEpoch: 0,
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

  #brokers(): BrokerMetadata[] {
    const [endpoint] = this.config.advertisedListeners;
    if (endpoint === undefined) return [];
    const { host, port } = advertise(endpoint, this.#bound);
    return [{ nodeId: this.config.nodeId, host, port, rack: this.config.get('broker.rack') }];
  }

  async stop(): Promise<void> {
    await this.#server?.close(this.#graceMs);
    this.#server = undefined;
  }
}
