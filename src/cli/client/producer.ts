// Producer: records in, magic-2 record batches out, the way Kafka's producer batches them.
//
// - A record goes to its partition (explicit, murmur2 of the key, or the topic's sticky partition
//   for unkeyed records — partitioner.ts) and into that partition's open batch. A batch closes
//   when it reaches batch.size bytes or has waited linger.ms, and is then queued for its leader.
// - Each leader gets Produce requests holding at most one batch per partition (Kafka's rule), up to
//   max.in.flight requests pipelined on its connection, so batches of a partition stay in order.
// - acks=0 requests get no response: their records complete (offset -1) once written.
// - A retriable error (leader moved, no leader, request timed out, connection lost) refreshes the
//   topic's metadata and resends the same bytes, up to `retries` times within delivery.timeout.ms;
//   others complete the batch's records with the error, which each record's callback receives.
// - Idempotence (enable.idempotence=true) gets a producer id with InitProducerId and numbers each
//   partition's batches; it is off by default, as in Kafka's console producer tooling here.
// - Topic metadata is looked up on first use (auto-creating the topic when the broker allows it)
//   and again after a retriable error.
import { CompressionType } from '../../protocol/compression/index.js';
import { Apis } from '../../protocol/generated/index.js';
import type { ProduceResponse } from '../../protocol/generated/api/produce.js';
import {
  buildRecordBatch,
  type RecordHeader,
  type RecordInput,
} from '../../protocol/records/index.js';
import { ClientError, kafkaErrorFor } from './errors.js';
import type { KafkaClient } from './kafka-client.js';
import { partitionForKey } from './partitioner.js';

export interface ProducerOptions {
  /** -1 (all), 1 (leader) or 0 (no response). Default -1. */
  acks?: -1 | 0 | 1;
  compression?: CompressionType;
  compressionLevel?: number;
  /** How long an open batch waits for more records; default 5 ms (Kafka 4.0's default). */
  lingerMs?: number;
  /** Bytes of records at which a batch closes; default 16384. */
  batchSize?: number;
  /** The broker's wait for acks (the Produce request's timeout); default 30 s. */
  requestTimeoutMs?: number;
  /** Resends after a retriable error; default 3. */
  retries?: number;
  retryBackoffMs?: number;
  /** delivery.timeout.ms: how long a record may take, retries included; default 120 s. */
  deliveryTimeoutMs?: number;
  /** Produce requests in flight per broker; default 5. */
  maxInFlight?: number;
  /** InitProducerId and sequence numbers (KIP-98 idempotence); default false. */
  idempotent?: boolean;
  /** Let a Metadata lookup auto-create the topic when the broker allows it; default true. */
  allowAutoTopicCreation?: boolean;
}

export interface ProducerRecord {
  topic: string;
  partition?: number;
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: readonly RecordHeader[];
  /** CreateTime; default the time of send(). */
  timestamp?: bigint;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 with acks=0. */
  offset: bigint;
  timestamp: bigint;
}

export type SendCallback = (err: Error | null, metadata: RecordMetadata | null) => void;

interface TopicInfo {
  partitions: number[];
  leaders: Map<number, number>;
  sticky: number;
}

interface Batch {
  topic: string;
  partition: number;
  records: RecordInput[];
  callbacks: SendCallback[];
  bytes: number;
  timer: NodeJS.Timeout | null;
  built: Buffer | null;
  attempts: number;
  createdAt: number;
}

/** Bytes a record adds to a batch, near enough for batch.size. */
function estimateSize(r: ProducerRecord): number {
  let n = 16 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers ?? []) n += 4 + h.key.length + (h.value?.length ?? 0);
  return n;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class Producer {
  readonly #client: KafkaClient;
  readonly #acks: -1 | 0 | 1;
  readonly #compression: CompressionType;
  readonly #compressionLevel: number | undefined;
  readonly #lingerMs: number;
  readonly #batchSize: number;
  readonly #requestTimeoutMs: number;
  readonly #retries: number;
  readonly #retryBackoffMs: number;
  readonly #deliveryTimeoutMs: number;
  readonly #maxInFlight: number;
  readonly #idempotent: boolean;
  readonly #autoCreate: boolean;
  readonly #topics = new Map<string, Promise<TopicInfo>>();
  readonly #open = new Map<string, Batch>();
  /** Closed batches waiting for their leader, per partition, in order. */
  readonly #ready = new Map<string, Batch[]>();
  readonly #inFlight = new Map<number, number>();
  readonly #sequences = new Map<string, number>();
  /** Lookups settled, by topic: #pump reads leaders from here synchronously. */
  readonly #settled = new Map<string, TopicInfo>();
  /** Records per topic waiting for a lookup, so later ones do not overtake them. */
  readonly #waiting = new Map<string, number>();
  readonly #refreshing = new Set<string>();
  #producerId = -1n;
  #producerEpoch = -1;
  #init: Promise<void> | null = null;
  /** Records sent and not yet completed. */
  #pending = 0;
  #bufferedBytes = 0;
  readonly #idle: (() => void)[] = [];
  readonly #drained: { below: number; resolve: () => void }[] = [];
  #closed = false;

  constructor(client: KafkaClient, options: ProducerOptions = {}) {
    this.#client = client;
    this.#acks = options.acks ?? -1;
    this.#compression = options.compression ?? CompressionType.none;
    this.#compressionLevel = options.compressionLevel;
    this.#lingerMs = options.lingerMs ?? 5;
    this.#batchSize = options.batchSize ?? 16_384;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#retries = options.retries ?? 3;
    this.#retryBackoffMs = options.retryBackoffMs ?? 100;
    this.#deliveryTimeoutMs = options.deliveryTimeoutMs ?? 120_000;
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? 5);
    this.#idempotent = options.idempotent === true;
    this.#autoCreate = options.allowAutoTopicCreation ?? true;
    if (this.#idempotent && this.#acks !== -1) {
      throw new ClientError(
        'SAMSA_ERR_CLIENT_CONFIG',
        'Must set acks to all (-1) in order to use the idempotent producer',
      );
    }
  }

  /** Records sent whose outcome is not known yet. */
  get pending(): number {
    return this.#pending;
  }

  /** Bytes of records waiting in batches or in flight. */
  get bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  /**
   * Queues a record; `callback` gets its offset or its error. Records of one partition are sent in
   * the order given. The topic's metadata is looked up first when it is not known yet.
   */
  send(record: ProducerRecord, callback: SendCallback): void {
    if (this.#closed) {
      callback(new ClientError('SAMSA_ERR_CLIENT_CLOSED', 'The producer is closed'), null);
      return;
    }
    this.#pending++;
    const size = estimateSize(record);
    this.#bufferedBytes += size;
    const timestamp = record.timestamp ?? BigInt(Date.now());
    const done: SendCallback = (err, meta) => {
      this.#pending--;
      this.#bufferedBytes -= size;
      callback(err, meta);
      this.#notify();
    };
    const settled = this.#settled.get(record.topic);
    if (
      settled !== undefined &&
      this.#idempotentReady() &&
      (this.#waiting.get(record.topic) ?? 0) === 0
    ) {
      this.#append(record, settled, timestamp, size, done);
      return;
    }
    // Metadata (or the producer id) is not there yet: append once it is. Records waiting here
    // are appended in the order they were sent, and later ones wait behind them.
    this.#waiting.set(record.topic, (this.#waiting.get(record.topic) ?? 0) + 1);
    Promise.all([this.#topicInfo(record.topic), this.#ensureProducerId()]).then(
      ([topic]) => {
        this.#unwait(record.topic);
        this.#append(record, topic, timestamp, size, done);
      },
      (err: unknown) => {
        this.#unwait(record.topic);
        done(err instanceof Error ? err : new Error(String(err)), null);
      },
    );
  }

  #unwait(topic: string): void {
    const n = (this.#waiting.get(topic) ?? 1) - 1;
    if (n === 0) this.#waiting.delete(topic);
    else this.#waiting.set(topic, n);
  }

  /** send() as a promise. */
  sendAsync(record: ProducerRecord): Promise<RecordMetadata> {
    return new Promise((resolve, reject) =>
      this.send(record, (err, meta) => (err ? reject(err) : resolve(meta!))),
    );
  }

  /** Closes every open batch now and resolves once every record sent so far has completed. */
  async flush(): Promise<void> {
    // Records still waiting for metadata are appended on a later tick; keep closing until none.
    while (this.#pending > 0) {
      for (const batch of [...this.#open.values()]) this.#close(batch);
      this.#pump();
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
  }

  /** Resolves once fewer than `bytes` of records are buffered (buffer.memory's back-pressure). */
  async waitForCapacity(bytes: number): Promise<void> {
    if (this.#bufferedBytes < bytes) return;
    await new Promise<void>((resolve) => this.#drained.push({ below: bytes, resolve }));
  }

  /** Flushes, then refuses further records. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }

  #notify(): void {
    if (this.#pending === 0) {
      for (const resolve of this.#idle.splice(0)) resolve();
    }
    for (let i = this.#drained.length - 1; i >= 0; i--) {
      const waiter = this.#drained[i]!;
      if (this.#bufferedBytes < waiter.below) {
        this.#drained.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  #idempotentReady(): boolean {
    return !this.#idempotent || this.#producerId >= 0n;
  }

  #ensureProducerId(): Promise<void> {
    if (this.#idempotentReady()) return Promise.resolve();
    this.#init ??= (async () => {
      const response = await this.#client.request(Apis.InitProducerId, {
        transactionalId: null,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
      });
      if (response.errorCode !== 0) throw kafkaErrorFor(response.errorCode);
      this.#producerId = response.producerId;
      this.#producerEpoch = response.producerEpoch;
    })().finally(() => {
      this.#init = null;
    });
    return this.#init;
  }

  #topicInfo(topic: string): Promise<TopicInfo> {
    let info = this.#topics.get(topic);
    if (info === undefined) {
      info = this.#lookup(topic).then((t) => {
        this.#settled.set(topic, t);
        return t;
      });
      this.#topics.set(topic, info);
      info.catch(() => this.#topics.delete(topic));
    }
    return info;
  }

  async #lookup(topic: string, previous?: TopicInfo): Promise<TopicInfo> {
    // A topic just auto-created may answer LEADER_NOT_AVAILABLE for a moment (Kafka does).
    for (let attempt = 0; ; attempt++) {
      const response = await this.#client.metadata([topic], {
        allowAutoTopicCreation: this.#autoCreate,
      });
      const t = response.topics.find((x) => x.name === topic);
      const code = t === undefined ? 3 : t.errorCode;
      if (code === 0 && t !== undefined && t.partitions.length > 0) {
        const partitions = t.partitions.map((p) => p.partitionIndex).sort((a, b) => a - b);
        return {
          partitions,
          leaders: new Map(t.partitions.map((p) => [p.partitionIndex, p.leaderId])),
          sticky: previous?.sticky ?? partitions[Math.floor(Math.random() * partitions.length)]!,
        };
      }
      if (code === 5 && attempt < 20) {
        await sleep(this.#retryBackoffMs);
        continue;
      }
      throw kafkaErrorFor(code, code === 3 ? `Topic '${topic}' does not exist` : null);
    }
  }

  #append(
    record: ProducerRecord,
    topic: TopicInfo,
    timestamp: bigint,
    size: number,
    done: SendCallback,
  ): void {
    let partition = record.partition;
    if (partition === undefined) {
      partition =
        record.key != null
          ? topic.partitions[partitionForKey(record.key, topic.partitions.length)]!
          : topic.sticky;
    } else if (!topic.leaders.has(partition)) {
      done(
        kafkaErrorFor(
          3,
          `Partition ${partition} of topic '${record.topic}' does not exist (it has ${topic.partitions.length})`,
        ),
        null,
      );
      return;
    }
    const k = key(record.topic, partition);
    let batch = this.#open.get(k);
    if (batch === undefined) {
      batch = {
        topic: record.topic,
        partition,
        records: [],
        callbacks: [],
        bytes: 0,
        timer: null,
        built: null,
        attempts: 0,
        createdAt: Date.now(),
      };
      this.#open.set(k, batch);
      const b = batch;
      b.timer = setTimeout(() => this.#close(b), this.#lingerMs);
    }
    batch.records.push({
      key: record.key ?? null,
      value: record.value ?? null,
      headers: record.headers ?? [],
      timestamp,
    });
    batch.callbacks.push(done);
    batch.bytes += size;
    if (batch.bytes >= this.#batchSize) this.#close(batch);
  }

  #nextSticky(topic: TopicInfo, current: number): void {
    const n = topic.partitions.length;
    if (n < 2) return;
    let next = current;
    while (next === current) next = topic.partitions[Math.floor(Math.random() * n)]!;
    topic.sticky = next;
  }

  /** Moves an open batch to its partition's ready queue and sends what can be sent. */
  #close(batch: Batch): void {
    const k = key(batch.topic, batch.partition);
    if (this.#open.get(k) !== batch) return;
    this.#open.delete(k);
    if (batch.timer !== null) clearTimeout(batch.timer);
    batch.timer = null;
    const queue = this.#ready.get(k);
    if (queue === undefined) this.#ready.set(k, [batch]);
    else queue.push(batch);
    // The sticky partition's batch closed: the next unkeyed record picks another partition.
    const info = this.#settled.get(batch.topic);
    if (info !== undefined && info.sticky === batch.partition)
      this.#nextSticky(info, batch.partition);
    this.#pump();
  }

  /** Sends a Produce request to every leader that has ready batches and room in flight. */
  #pump(): void {
    const byLeader = new Map<number, Batch[]>();
    for (const [k, queue] of this.#ready) {
      const batch = queue[0];
      if (batch === undefined) {
        this.#ready.delete(k);
        continue;
      }
      const leader = this.#leaderOf(batch);
      if (leader === undefined) continue;
      if (leader < 0) {
        // No leader right now: retried like LEADER_NOT_AVAILABLE, after a metadata refresh.
        queue.shift();
        this.#failed(
          batch,
          kafkaErrorFor(5, `${batch.topic}-${batch.partition} has no leader`),
          true,
        );
        continue;
      }
      if ((this.#inFlight.get(leader) ?? 0) >= this.#maxInFlight) continue;
      const list = byLeader.get(leader);
      if (list === undefined) byLeader.set(leader, [batch]);
      else list.push(batch);
    }
    for (const [leader, batches] of byLeader) {
      for (const b of batches) {
        const k = key(b.topic, b.partition);
        const queue = this.#ready.get(k)!;
        queue.shift();
        if (queue.length === 0) this.#ready.delete(k);
      }
      this.#inFlight.set(leader, (this.#inFlight.get(leader) ?? 0) + 1);
      this.#sendTo(leader, batches).finally(() => {
        this.#inFlight.set(leader, (this.#inFlight.get(leader) ?? 1) - 1);
        this.#pump();
      });
    }
  }

  /**
   * The leader of a batch's partition from the settled lookup: undefined while the lookup is being
   * redone, -1 when the partition has no leader.
   */
  #leaderOf(batch: Batch): number | undefined {
    const info = this.#settled.get(batch.topic);
    if (info === undefined) return undefined;
    return info.leaders.get(batch.partition) ?? -1;
  }

  #build(batch: Batch): Buffer {
    if (batch.built !== null) return batch.built;
    let baseSequence = -1;
    if (this.#idempotent) {
      const k = key(batch.topic, batch.partition);
      baseSequence = this.#sequences.get(k) ?? 0;
      this.#sequences.set(k, (baseSequence + batch.records.length) & 0x7fffffff);
    }
    batch.built = buildRecordBatch({
      records: batch.records,
      compression: this.#compression,
      ...(this.#compressionLevel === undefined ? {} : { compressionLevel: this.#compressionLevel }),
      ...(this.#idempotent
        ? { producerId: this.#producerId, producerEpoch: this.#producerEpoch, baseSequence }
        : {}),
    });
    return batch.built;
  }

  async #sendTo(leader: number, batches: Batch[]): Promise<void> {
    const topics = new Map<string, { index: number; records: Buffer }[]>();
    try {
      for (const b of batches) {
        const list = topics.get(b.topic) ?? [];
        list.push({ index: b.partition, records: this.#build(b) });
        topics.set(b.topic, list);
      }
    } catch (err) {
      for (const b of batches) this.#complete(b, err as Error, -1n);
      return;
    }
    const body = {
      transactionalId: null,
      acks: this.#acks,
      timeoutMs: this.#requestTimeoutMs,
      topicData: [...topics].map(([name, partitionData]) => ({ name, partitionData })),
    };
    let response: ProduceResponse;
    try {
      const conn = await this.#client.connection(leader);
      if (this.#acks === 0) {
        await conn.sendNoResponse(Apis.Produce, body);
        for (const b of batches) this.#complete(b, null, -1n);
        return;
      }
      response = await conn.send(Apis.Produce, body, {
        timeoutMs: this.#requestTimeoutMs + 5_000,
      });
    } catch (err) {
      const retriable =
        err instanceof ClientError &&
        (err.code === 'SAMSA_ERR_CONNECTION_CLOSED' || err.code === 'SAMSA_ERR_REQUEST_TIMEOUT');
      for (const b of batches) this.#failed(b, err as Error, retriable);
      return;
    }
    const results = new Map<
      string,
      { errorCode: number; errorMessage: string | null; baseOffset: bigint }
    >();
    for (const t of response.responses) {
      for (const p of t.partitionResponses) results.set(key(t.name, p.index), p);
    }
    for (const b of batches) {
      const r = results.get(key(b.topic, b.partition));
      if (r === undefined) {
        this.#complete(
          b,
          new ClientError(
            'SAMSA_ERR_BAD_RESPONSE',
            `The Produce response has no result for ${b.topic}-${b.partition}`,
          ),
          -1n,
        );
      } else if (r.errorCode === 0) {
        this.#complete(b, null, r.baseOffset);
      } else if (r.errorCode === 46 /* DUPLICATE_SEQUENCE_NUMBER: already written */) {
        this.#complete(b, null, -1n);
      } else {
        const err = kafkaErrorFor(r.errorCode, r.errorMessage);
        const retriable =
          err.retriable || (this.#idempotent && err.errorName === 'OUT_OF_ORDER_SEQUENCE_NUMBER');
        this.#failed(b, err, retriable);
      }
    }
  }

  #failed(batch: Batch, err: Error, retriable: boolean): void {
    if (
      !retriable ||
      batch.attempts >= this.#retries ||
      Date.now() - batch.createdAt >= this.#deliveryTimeoutMs
    ) {
      this.#complete(batch, err, -1n);
      return;
    }
    batch.attempts++;
    const previous = this.#settled.get(batch.topic);
    if (previous !== undefined && !this.#refreshing.has(batch.topic)) {
      // The leader may have moved: look the topic up again before resending.
      this.#refreshing.add(batch.topic);
      this.#settled.delete(batch.topic);
      this.#lookup(batch.topic, previous)
        .then(
          (t) => this.#settled.set(batch.topic, t),
          () => this.#settled.set(batch.topic, previous),
        )
        .finally(() => {
          this.#refreshing.delete(batch.topic);
          this.#pump();
        });
    }
    setTimeout(() => {
      const k = key(batch.topic, batch.partition);
      const queue = this.#ready.get(k);
      if (queue === undefined) this.#ready.set(k, [batch]);
      else queue.unshift(batch);
      this.#pump();
    }, this.#retryBackoffMs);
  }

  #complete(batch: Batch, err: Error | null, baseOffset: bigint): void {
    batch.callbacks.forEach((cb, i) => {
      if (err !== null) cb(err, null);
      else {
        cb(null, {
          topic: batch.topic,
          partition: batch.partition,
          offset: baseOffset < 0n ? -1n : baseOffset + BigInt(i),
          timestamp: batch.records[i]!.timestamp ?? -1n,
        });
      }
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
