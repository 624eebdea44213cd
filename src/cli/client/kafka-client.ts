// KafkaClient: the CLI's view of a cluster, over BrokerConnections.
//
// connect() tries the bootstrap addresses in order until one answers, negotiates versions with it
// and reads the cluster's metadata (brokers, controller, cluster id). After that a request goes to
// whichever broker it must: any broker (the bootstrap connection), a node id, the controller, a
// partition's leader, or a group's or transactional id's coordinator, each connection opened on
// first use and reused. Works with any Kafka broker: every request is sent at the version both
// sides speak.
import type { ApiDefinition } from '../../protocol/api.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  MetadataResponse,
  MetadataResponseTopic,
} from '../../protocol/generated/api/metadata.js';
import { formatAddress, parseBootstrap, type BrokerAddress } from './address.js';
import { BrokerConnection, type ConnectionOptions, type SendOptions } from './connection.js';
import { ClientError, isStaleRoutingError, kafkaErrorFor } from './errors.js';

export interface ClientOptions extends ConnectionOptions {
  /** "host:port[,host:port…]", tried in order. */
  bootstrap: string;
  /** How long retried calls (coordinator lookup, leader moves) keep trying; default 30 s. */
  retryTimeoutMs?: number;
}

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** Where a request goes: any broker, a node id, or the controller. */
export type BrokerTarget = 'any' | 'controller' | number;

export type CoordinatorType = 'group' | 'transaction';

export interface RequestOptions extends SendOptions {
  broker?: BrokerTarget;
}

const COORDINATOR_KEY_TYPE: Record<CoordinatorType, number> = { group: 0, transaction: 1 };
const RETRY_BACKOFF_MS = 100;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class KafkaClient {
  readonly bootstrap: readonly BrokerAddress[];
  readonly #options: ClientOptions;
  readonly #retryTimeoutMs: number;
  /** Open connections by "host:port". */
  readonly #connections = new Map<string, Promise<BrokerConnection>>();
  #bootstrapConnection: BrokerConnection;
  #brokers = new Map<number, BrokerNode>();
  #controllerId = -1;
  #clusterId: string | null = null;
  readonly #coordinators = new Map<string, number>();

  private constructor(options: ClientOptions, bootstrap: BrokerAddress[], conn: BrokerConnection) {
    this.#options = options;
    this.#retryTimeoutMs = options.retryTimeoutMs ?? 30_000;
    this.bootstrap = bootstrap;
    this.#bootstrapConnection = conn;
    this.#connections.set(conn.label, Promise.resolve(conn));
  }

  /** Connects to the first bootstrap address that answers and reads the cluster's metadata. */
  static async connect(options: ClientOptions): Promise<KafkaClient> {
    const addresses = parseBootstrap(options.bootstrap);
    const failures: string[] = [];
    for (const address of addresses) {
      try {
        const conn = await BrokerConnection.open(address, options);
        const client = new KafkaClient(options, addresses, conn);
        try {
          await client.metadata([]);
        } catch (err) {
          client.close();
          throw err;
        }
        return client;
      } catch (err) {
        if (!(err instanceof ClientError) || err.code !== 'SAMSA_ERR_BROKER_UNREACHABLE') {
          throw err;
        }
        failures.push(err.message.replace(/^Cannot connect to /, ''));
      }
    }
    throw new ClientError(
      'SAMSA_ERR_BROKER_UNREACHABLE',
      addresses.length === 1
        ? `Cannot connect to the broker at ${failures[0]}`
        : `Cannot connect to any bootstrap broker (${failures.join('; ')})`,
    );
  }

  get clusterId(): string | null {
    return this.#clusterId;
  }

  /** The controller's node id from the last metadata (-1 when the cluster named none). */
  get controllerId(): number {
    return this.#controllerId;
  }

  /** Brokers from the last metadata, by node id. */
  get brokers(): ReadonlyMap<number, BrokerNode> {
    return this.#brokers;
  }

  /** The connection the client bootstrapped through. */
  get bootstrapConnection(): BrokerConnection {
    return this.#bootstrapConnection;
  }

  /**
   * Metadata for `topics` (null: every topic; []: none, brokers only), refreshing the broker list.
   * Topics are auto-created only when `allowAutoTopicCreation` is set (a producer's lookup) and
   * the broker's auto.create.topics.enable allows it.
   */
  async metadata(
    topics: readonly string[] | null,
    options: { broker?: BrokerTarget; allowAutoTopicCreation?: boolean } = {},
  ): Promise<MetadataResponse> {
    const conn = await this.connection(options.broker ?? 'any');
    const version = conn.versionFor(Apis.Metadata);
    const response = await conn.send(
      Apis.Metadata,
      {
        // v0 reads an empty list as "all topics"; no broker the CLI supports lacks v1.
        topics: topics === null ? null : topics.map((name) => ({ name, topicId: ZERO_UUID })),
        allowAutoTopicCreation: options.allowAutoTopicCreation === true,
      },
      { version },
    );
    this.#brokers = new Map(
      response.brokers.map((b) => [
        b.nodeId,
        { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack },
      ]),
    );
    this.#controllerId = response.controllerId;
    this.#clusterId = response.clusterId;
    return response;
  }

  /** Metadata of one topic; UNKNOWN_TOPIC_OR_PARTITION (and other topic errors) thrown. */
  async topicMetadata(topic: string): Promise<MetadataResponseTopic> {
    const response = await this.metadata([topic]);
    const found = response.topics.find((t) => t.name === topic);
    if (found === undefined) throw kafkaErrorFor(3, `Topic '${topic}' does not exist`);
    if (found.errorCode !== 0) {
      throw kafkaErrorFor(
        found.errorCode,
        found.errorCode === 3 ? `Topic '${topic}' does not exist` : null,
      );
    }
    return found;
  }

  /** A connection to `target`, opened on first use. */
  async connection(target: BrokerTarget = 'any'): Promise<BrokerConnection> {
    if (target === 'any') {
      if (this.#bootstrapConnection.closed) {
        this.#bootstrapConnection = await this.#open(this.#bootstrapConnection.address);
      }
      return this.#bootstrapConnection;
    }
    const nodeId = target === 'controller' ? this.#controllerId : target;
    if (nodeId < 0) return this.connection('any');
    let node = this.#brokers.get(nodeId);
    if (node === undefined) {
      await this.metadata([]);
      node = this.#brokers.get(nodeId);
    }
    if (node === undefined) {
      throw new ClientError(
        'SAMSA_ERR_NO_BROKER',
        `The cluster metadata has no broker with id ${nodeId}`,
      );
    }
    return this.#open({ host: node.host, port: node.port });
  }

  async #open(address: BrokerAddress): Promise<BrokerConnection> {
    const key = formatAddress(address);
    const existing = this.#connections.get(key);
    if (existing !== undefined) {
      const conn = await existing.catch(() => null);
      if (conn !== null && !conn.closed) return conn;
    }
    const opening = BrokerConnection.open(address, this.#options);
    this.#connections.set(key, opening);
    opening.catch(() => this.#connections.delete(key));
    return opening;
  }

  /** Sends one request to `options.broker` (default: any broker) at the negotiated version. */
  async request<Req, Res>(
    api: ApiDefinition<Req, Res>,
    body: Partial<Req>,
    options: RequestOptions = {},
  ): Promise<Res> {
    const conn = await this.connection(options.broker ?? 'any');
    return conn.send(api, body, options);
  }

  /** The negotiated version of `api` with `target`, or null when that broker lacks it. */
  async versionFor(api: ApiDefinition, target: BrokerTarget = 'any'): Promise<number | null> {
    return (await this.connection(target)).negotiatedVersion(api);
  }

  /** The node id coordinating a group or transactional id (FindCoordinator, cached). */
  async findCoordinator(type: CoordinatorType, key: string): Promise<number> {
    const cacheKey = `${type}:${key}`;
    const cached = this.#coordinators.get(cacheKey);
    if (cached !== undefined) return cached;
    const nodeId = await this.#retrying(`find the coordinator of ${type} '${key}'`, async () => {
      const conn = await this.connection('any');
      const version = conn.versionFor(Apis.FindCoordinator);
      const keyType = COORDINATOR_KEY_TYPE[type];
      const response = await conn.send(
        Apis.FindCoordinator,
        version >= 4 ? { keyType, coordinatorKeys: [key] } : { key, keyType },
        { version },
      );
      const c = version >= 4 ? response.coordinators[0] : response;
      if (c === undefined) {
        throw new ClientError(
          'SAMSA_ERR_BAD_RESPONSE',
          `FindCoordinator from ${conn.label} named no coordinator for ${type} '${key}'`,
        );
      }
      if (c.errorCode !== 0) throw kafkaErrorFor(c.errorCode, c.errorMessage);
      if (!this.#brokers.has(c.nodeId)) {
        this.#brokers.set(c.nodeId, { nodeId: c.nodeId, host: c.host, port: c.port, rack: null });
      }
      return c.nodeId;
    });
    this.#coordinators.set(cacheKey, nodeId);
    return nodeId;
  }

  /**
   * Runs `fn` against the coordinator of a group or transactional id. When `fn` throws a stale
   * routing error (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS — use
   * throwIfError on the response's error code), the coordinator is looked up again and `fn`
   * retried, until the client's retry timeout.
   */
  async withCoordinator<T>(
    type: CoordinatorType,
    key: string,
    fn: (conn: BrokerConnection) => Promise<T>,
  ): Promise<T> {
    return this.#retrying(`reach the coordinator of ${type} '${key}'`, async () => {
      const nodeId = await this.findCoordinator(type, key);
      try {
        return await fn(await this.connection(nodeId));
      } catch (err) {
        if (isStaleRoutingError(err)) this.#coordinators.delete(`${type}:${key}`);
        throw err;
      }
    });
  }

  /**
   * Leaders of the given topics' partitions: topic → partition → leader node id (-1 when the
   * partition has none). Topic errors (unknown topic) are thrown.
   */
  async leaders(topics: readonly string[]): Promise<Map<string, Map<number, number>>> {
    const response = await this.metadata(topics);
    const out = new Map<string, Map<number, number>>();
    for (const t of response.topics) {
      if (t.errorCode !== 0) {
        throw kafkaErrorFor(
          t.errorCode,
          t.errorCode === 3 ? `Topic '${t.name}' does not exist` : null,
        );
      }
      out.set(t.name ?? '', new Map(t.partitions.map((p) => [p.partitionIndex, p.leaderId])));
    }
    return out;
  }

  /** Retries `fn` while it throws a stale routing error, backing off, until the retry timeout. */
  async #retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#retryTimeoutMs;
    for (let backoff = RETRY_BACKOFF_MS; ; backoff = Math.min(backoff * 2, 1000)) {
      try {
        return await fn();
      } catch (err) {
        if (!isStaleRoutingError(err) || Date.now() + backoff > deadline) {
          if (isStaleRoutingError(err)) {
            throw new ClientError(
              'SAMSA_ERR_REQUEST_TIMEOUT',
              `Could not ${what} within ${this.#retryTimeoutMs} ms: ${(err as Error).message}`,
              { cause: err },
            );
          }
          throw err;
        }
        await sleep(backoff);
      }
    }
  }

  /** Closes every connection. */
  close(): void {
    for (const opening of this.#connections.values()) {
      opening.then(
        (c) => c.close(),
        () => undefined,
      );
    }
    this.#bootstrapConnection.close();
    this.#connections.clear();
  }
}

/** Kafka's zero uuid (a topic id that is not set), as the codecs spell uuids. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
