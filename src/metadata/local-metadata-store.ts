// Single-node metadata, kept in one JSON file in the first log dir (`__samsa_metadata.json`) and
// rewritten whole on every change: write a temp file, fsync it, rename it over the old one, fsync
// the directory. A crash leaves either the old or the new file, never a mix. Changes are rare
// (topic create/delete/alter), so rewriting the whole file is cheap and keeps recovery trivial.
// It also holds where the next block of producer ids starts; a block (1000 ids) is reserved and
// written before any id in it is handed out, so ids stay unique across restarts.
//
// Each log dir also gets Kafka's `meta.properties` (version, cluster.id, node.id), so a data dir
// is recognisably a Samsa/Kafka one and is never silently shared between two clusters.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { KafkaError } from '../errors/kafka-error.js';
import { SamsaError } from '../errors/samsa-error.js';
import { aclKey, type AclBinding } from './acl-binding.js';
import type { ScramCredential } from './scram-credential.js';
import type { MetadataStore, NewTopic, TopicMetadata } from './metadata-store.js';
import { collisionKey, validateTopicName } from './topic-name.js';

const METADATA_FILE = '__samsa_metadata.json';
const META_PROPERTIES = 'meta.properties';

interface Snapshot {
  version: 1;
  clusterId: string;
  topics: TopicMetadata[];
  /** Dynamic broker configs by BROKER resource name ("" = cluster default); absent before used. */
  brokerConfigs?: Record<string, Record<string, string>>;
  /** The first producer id of the next block to reserve (decimal text); absent before any. */
  nextProducerIdBlock?: string;
  /** Group config overrides by group id; absent before the first. */
  groupConfigs?: Record<string, Record<string, string>>;
  /** ACLs in creation order; absent before the first. */
  acls?: AclBinding[];
  /** SCRAM credentials; absent before the first. */
  scramCredentials?: ScramCredential[];
}

export function newUuid(): string {
  // Kafka reserves the all-zero id and ids starting with '-' in text form are avoided by its CLI.
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA') return id;
  }
}

function writeAtomically(dir: string, name: string, content: string): void {
  const tmp = join(dir, `${name}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

function readMetaProperties(dir: string): Map<string, string> | null {
  const path = join(dir, META_PROPERTIES);
  if (!existsSync(path)) return null;
  const entries = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([^#!=\s]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) entries.set(m[1]!, m[2]!);
  }
  return entries;
}

export class LocalMetadataStore implements MetadataStore {
  readonly #topicListeners = new Set<() => void>();
  readonly clusterId: string;
  readonly #dir: string;
  #topics = new Map<string, TopicMetadata>();
  #brokerConfigs: Record<string, Record<string, string>>;
  #groupConfigs: Record<string, Record<string, string>>;
  #nextProducerIdBlock: bigint;
  /** By aclKey; a Map keeps creation order. */
  #acls = new Map<string, AclBinding>();
  #scramCredentials: ScramCredential[];

  private constructor(dir: string, snapshot: Snapshot) {
    this.#dir = dir;
    this.clusterId = snapshot.clusterId;
    for (const t of snapshot.topics) this.#topics.set(t.name, t);
    this.#brokerConfigs = snapshot.brokerConfigs ?? {};
    this.#groupConfigs = snapshot.groupConfigs ?? {};
    this.#nextProducerIdBlock = BigInt(snapshot.nextProducerIdBlock ?? '0');
    for (const acl of snapshot.acls ?? []) this.#acls.set(aclKey(acl), acl);
    this.#scramCredentials = snapshot.scramCredentials ?? [];
  }

  /**
   * Opens (or initialises) the metadata of the log dirs. Every dir must carry the same cluster id
   * and node id, or none yet; a mismatch means the dirs belong to another broker and is refused.
   */
  static open(logDirs: readonly string[], nodeId: number): LocalMetadataStore {
    const [first] = logDirs;
    if (first === undefined) throw new Error('At least one log dir is required');
    let clusterId: string | undefined;
    for (const dir of logDirs) {
      mkdirSync(dir, { recursive: true });
      const props = readMetaProperties(dir);
      if (props === null) continue;
      const id = props.get('cluster.id');
      const node = props.get('node.id');
      if (node !== undefined && Number(node) !== nodeId) {
        throw new Error(
          `Log dir ${dir} belongs to node.id ${node}, not ${nodeId} (see its meta.properties)`,
        );
      }
      if (id !== undefined && clusterId !== undefined && id !== clusterId) {
        throw new Error(`Log dir ${dir} belongs to cluster ${id}, not ${clusterId}`);
      }
      clusterId ??= id;
    }
    clusterId ??= newUuid();
    for (const dir of logDirs) {
      if (readMetaProperties(dir) === null) {
        writeAtomically(
          dir,
          META_PROPERTIES,
          `#Written by Samsa\nversion=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`,
        );
      }
    }
    const path = join(first, METADATA_FILE);
    const snapshot = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Snapshot) : null;
    if (snapshot !== null && snapshot.clusterId !== clusterId) {
      throw new Error(`${path} belongs to cluster ${snapshot.clusterId}, not ${clusterId}`);
    }
    return new LocalMetadataStore(first, snapshot ?? { version: 1, clusterId, topics: [] });
  }

  topics(): readonly TopicMetadata[] {
    return [...this.#topics.values()];
  }

  topic(name: string): TopicMetadata | undefined {
    return this.#topics.get(name);
  }

  topicById(topicId: string): TopicMetadata | undefined {
    for (const t of this.#topics.values()) if (t.topicId === topicId) return t;
    return undefined;
  }

  async createTopic(topic: NewTopic): Promise<TopicMetadata> {
    validateTopicName(topic.name);
    if (this.#topics.has(topic.name)) {
      throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${topic.name}' already exists.`);
    }
    const key = collisionKey(topic.name);
    for (const other of this.#topics.values()) {
      if (collisionKey(other.name) === key) {
        throw new KafkaError(
          'INVALID_TOPIC_EXCEPTION',
          `Topic '${topic.name}' collides with existing topic: ${other.name}`,
        );
      }
    }
    const created: TopicMetadata = {
      name: topic.name,
      topicId: newUuid(),
      partitions: topic.partitions,
      configs: { ...topic.configs },
      internal: topic.internal ?? false,
    };
    this.#topics.set(created.name, created);
    this.#persist();
    this.#topicsChanged();
    return created;
  }

  async deleteTopic(name: string): Promise<TopicMetadata> {
    const topic = this.#require(name);
    this.#topics.delete(name);
    this.#persist();
    this.#topicsChanged();
    return topic;
  }

  async setPartitionCount(name: string, partitions: number): Promise<TopicMetadata> {
    const topic = await this.#update(name, { partitions });
    this.#topicsChanged();
    return topic;
  }

  onTopicsChanged(listener: () => void): () => void {
    this.#topicListeners.add(listener);
    return () => this.#topicListeners.delete(listener);
  }

  #topicsChanged(): void {
    for (const listener of this.#topicListeners) listener();
  }

  async setTopicConfigs(name: string, configs: Record<string, string>): Promise<TopicMetadata> {
    return this.#update(name, { configs: { ...configs } });
  }

  brokerConfigs(resource: string): Readonly<Record<string, string>> {
    return this.#brokerConfigs[resource] ?? {};
  }

  async setBrokerConfigs(resource: string, configs: Record<string, string>): Promise<void> {
    this.#brokerConfigs = { ...this.#brokerConfigs, [resource]: { ...configs } };
    this.#persist();
  }

  async allocateProducerIdBlock(size: number): Promise<bigint> {
    const first = this.#nextProducerIdBlock;
    if (first > 0x7fffffffffffffffn - BigInt(size)) {
      throw new SamsaError(
        'SAMSA_ERR_PRODUCER_ID_EXHAUSTED',
        `Cannot reserve ${size} producer ids from ${first}: the int64 range is exhausted`,
      );
    }
    this.#nextProducerIdBlock = first + BigInt(size);
    try {
      this.#persist();
    } catch (err) {
      this.#nextProducerIdBlock = first;
      throw err;
    }
    return first;
  }

  groupConfigs(groupId: string): Readonly<Record<string, string>> {
    return Object.hasOwn(this.#groupConfigs, groupId) ? this.#groupConfigs[groupId]! : {};
  }

  async setGroupConfigs(groupId: string, configs: Record<string, string>): Promise<void> {
    const before = this.#groupConfigs;
    const next = { ...before };
    if (Object.keys(configs).length === 0) delete next[groupId];
    else next[groupId] = { ...configs };
    this.#groupConfigs = next;
    try {
      this.#persist();
    } catch (err) {
      this.#groupConfigs = before;
      throw err;
    }
  }

  acls(): readonly AclBinding[] {
    return [...this.#acls.values()];
  }

  scramCredentials(): readonly ScramCredential[] {
    return this.#scramCredentials;
  }

  async alterScramCredentials(
    remove: readonly { user: string; mechanism: number }[],
    upsert: readonly ScramCredential[],
  ): Promise<void> {
    const before = this.#scramCredentials;
    const replaced = (c: ScramCredential): boolean =>
      [...remove, ...upsert].some((r) => r.user === c.user && r.mechanism === c.mechanism);
    this.#scramCredentials = [...before.filter((c) => !replaced(c)), ...upsert];
    try {
      this.#persist();
    } catch (err) {
      this.#scramCredentials = before;
      throw err;
    }
  }

  async addAcls(acls: readonly AclBinding[]): Promise<void> {
    const before = new Map(this.#acls);
    for (const acl of acls) if (!this.#acls.has(aclKey(acl))) this.#acls.set(aclKey(acl), acl);
    this.#persistOrRestoreAcls(before);
  }

  async removeAcls(acls: readonly AclBinding[]): Promise<void> {
    const before = new Map(this.#acls);
    for (const acl of acls) this.#acls.delete(aclKey(acl));
    this.#persistOrRestoreAcls(before);
  }

  #persistOrRestoreAcls(before: Map<string, AclBinding>): void {
    try {
      this.#persist();
    } catch (err) {
      this.#acls = before;
      throw err;
    }
  }

  #require(name: string): TopicMetadata {
    const topic = this.#topics.get(name);
    if (topic === undefined) {
      throw new KafkaError(
        'UNKNOWN_TOPIC_OR_PARTITION',
        `This server does not host this topic-partition: ${name}`,
      );
    }
    return topic;
  }

  #update(name: string, change: Partial<TopicMetadata>): TopicMetadata {
    const updated = { ...this.#require(name), ...change };
    this.#topics.set(name, updated);
    this.#persist();
    return updated;
  }

  #persist(): void {
    const snapshot: Snapshot = {
      version: 1,
      clusterId: this.clusterId,
      topics: [...this.#topics.values()],
      brokerConfigs: this.#brokerConfigs,
      groupConfigs: this.#groupConfigs,
      nextProducerIdBlock: this.#nextProducerIdBlock.toString(),
      acls: [...this.#acls.values()],
      scramCredentials: this.#scramCredentials,
    };
    writeAtomically(this.#dir, METADATA_FILE, `${JSON.stringify(snapshot, null, 2)}\n`);
  }
}
