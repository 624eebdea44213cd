// Confluent's JavaScript client (@confluentinc/kafka-javascript 1.10.1 on librdkafka 2.15.1, which
// speaks KIP-848's group.protocol=consumer) for interop tests. It is installed, and built from
// source, in its own npm project, interop/clients, by scripts/install-test-deps.sh; a missing
// install fails the test with that command, nothing skips.
//
// Every call runs the client's node-rdkafka-style API in a child `node` process, like the Python
// client: librdkafka's threads cannot keep the test runner alive, a native crash cannot take it
// down, and each child is bounded by a timeout and killed by its PID. Children get a small prelude
// (base64 in and out, so binary keys, values and headers survive JSON) and print JSON lines: one
// result line for one-shot calls, a stream of events for a group consumer.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/project-root.js';
import type { FetchedRecord, Header, TestRecord } from './interop-records.js';
import { BackgroundChild, runOk } from './run.js';

/** The npm project that holds the client (and, under node_modules, librdkafka's sources). */
export const CONFLUENT_CLIENT_DIR = join(projectRoot(import.meta.url), 'interop', 'clients');
export const CONFLUENT_TIMEOUT_MS = 30_000;
const INSTALL_HINT =
  '@confluentinc/kafka-javascript is not installed in interop/clients: run ' +
  'bash scripts/install-test-deps.sh (it builds the client against Debian -dev libraries)';

const PRELUDE = `
'use strict';
const { createRequire } = require('node:module');
const [clientDir, argsJson] = process.argv.slice(1);
const Kafka = createRequire(clientDir + '/package.json')('@confluentinc/kafka-javascript');
const args = JSON.parse(argsJson);
const deadline = Date.now() + args.timeoutMs;
const ERROR_NAMES = new Map(Object.entries(Kafka.CODES.ERRORS).map(([name, code]) => [code, name.replace(/^ERR_/, '')]));
const errorOut = (err) => ({ name: ERROR_NAMES.get(err.code) ?? String(err.code), message: String(err.message) });
const b64 = (b) => (b === null || b === undefined ? null : Buffer.from(b).toString('base64'));
const unb64 = (s) => (s === null ? null : Buffer.from(s, 'base64'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const call = (fn) => new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
const bounded = (what, ms, promise) => Promise.race([promise,
  sleep(ms).then(() => { throw new Error(what + ' took longer than ' + ms + ' ms'); })]);
const emit = (event) => process.stdout.write(JSON.stringify(event) + '\\n');
// Leave with exit() once stdout is written: a librdkafka thread must not hold the process.
const finish = (result) => process.stdout.write(JSON.stringify(result) + '\\n', () => process.exit(0));
const fail = (err) => { process.stderr.write(String((err && err.stack) || err) + '\\n'); process.exit(1); };
// One object for global and topic properties: a second, topic config argument to KafkaConsumer,
// even {}, would reset topic properties such as auto.offset.reset to librdkafka's defaults.
const config = (extra) => Object.assign({
  'bootstrap.servers': args.bootstrap,
  'client.id': 'samsa-interop-confluent',
  'socket.connection.setup.timeout.ms': 5000,
  'reconnect.backoff.max.ms': 1000,
}, extra, args.config);
const connect = (client) => {
  client.on('event.log', (l) => process.stderr.write(l.severity + ' ' + l.fac + ' ' + l.message + '\\n'));
  return call((cb) => client.connect({ timeout: 10000 }, cb));
};
const recordOut = (m) => ({ topic: m.topic, partition: m.partition, offset: m.offset, timestamp: m.timestamp,
  key: b64(m.key), value: b64(m.value),
  headers: (m.headers ?? []).map((h) => { const [k] = Object.keys(h); return [k, b64(h[k])]; }) });
`;

function assertInstalled(): void {
  if (!existsSync(join(CONFLUENT_CLIENT_DIR, 'node_modules', '@confluentinc', 'kafka-javascript')))
    throw new Error(INSTALL_HINT);
}

function childArgs(script: string, args: object): string[] {
  return ['-e', PRELUDE + script, CONFLUENT_CLIENT_DIR, JSON.stringify(args)];
}

/** Runs `script` with `args` in a child and returns the JSON it printed last (via finish()). */
export async function runConfluent<T>(
  script: string,
  args: { bootstrap?: string; config?: ClientConfig; [name: string]: unknown },
  timeoutMs = CONFLUENT_TIMEOUT_MS,
): Promise<T> {
  assertInstalled();
  const { stdout } = await runOk(process.execPath, childArgs(script, { ...args, timeoutMs }), {
    // The child bounds its own waits by timeoutMs; the kill is the backstop.
    timeoutMs: timeoutMs + 10_000,
  });
  const lines = stdout.toString('utf8').trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

/** librdkafka configuration properties (librdkafka's CONFIGURATION.md names). */
export type ClientConfig = Record<string, string | number | boolean>;

interface RecordJson {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
}

/** A record as the Confluent client consumed it. */
export interface ConfluentRecord extends FetchedRecord {
  topic: string;
}

const unb64 = (s: string | null): Buffer | null => (s === null ? null : Buffer.from(s, 'base64'));
const b64 = (b: Buffer | null): string | null => (b === null ? null : b.toString('base64'));

function fromRecordJson(r: RecordJson): ConfluentRecord {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: BigInt(r.offset),
    timestamp: BigInt(r.timestamp),
    key: unb64(r.key),
    value: unb64(r.value),
    headers: r.headers.map(([k, v]): Header => [k, unb64(v)]),
  };
}

/** A librdkafka error: its name without the ERR_ prefix (`_PARTITION_EOF`, `UNKNOWN_TOPIC_OR_PART`). */
export interface ConfluentError {
  name: string;
  message: string;
}

const VERSIONS_SCRIPT = `
finish({ client: require(clientDir + '/node_modules/@confluentinc/kafka-javascript/package.json').version,
  librdkafka: Kafka.librdkafkaVersion, features: Kafka.features });
`;

/** The client's and librdkafka's versions and librdkafka's builtin features (zstd, sasl_…). */
export function confluentVersions(): Promise<{
  client: string;
  librdkafka: string;
  features: string[];
}> {
  return runConfluent(VERSIONS_SCRIPT, {});
}

/** `count` records with keys `${prefix}-key-${i}` and values `${prefix}-value-${i}`. */
export function numberedRecords(prefix: string, count: number): TestRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`${prefix}-key-${i}`),
    value: Buffer.from(`${prefix}-value-${i}`),
    headers: [],
  }));
}

const PRODUCE_SCRIPT = `
const producer = new Kafka.Producer(config({ dr_cb: true, 'message.timeout.ms': 15000 }));
const delivered = [], failed = [];
producer.on('delivery-report', (err, report) => {
  if (err) failed.push([report.opaque, ...Object.values(errorOut(err))]);
  else delivered.push([report.opaque, report.partition, report.offset]);
});
(async () => {
  await connect(producer);
  producer.setPollInterval(10);
  args.records.forEach((r, i) => {
    try {
      producer.produce(args.topic, r.partition, unb64(r.value), unb64(r.key), r.timestamp, i,
        r.headers.map(([k, v]) => ({ [k]: unb64(v) })));
    } catch (err) {
      failed.push([i, ...Object.values(errorOut(err))]);
    }
  });
  await call((cb) => producer.flush(Math.max(0, deadline - Date.now() - 5000), cb));
  while (delivered.length + failed.length < args.records.length && Date.now() < deadline) await sleep(5);
  await bounded('disconnect', 5000, call((cb) => producer.disconnect(5000, cb)));
  const byIndex = (a, b) => a[0] - b[0];
  finish({ delivered: delivered.sort(byIndex), failed: failed.sort(byIndex) });
})().catch(fail);
`;

export interface ConfluentProduceResult {
  /** [record index, partition, offset], by index */
  delivered: [number, number, number][];
  /** [record index, error name, error message], by index */
  failed: [number, string, string][];
}

/**
 * Produces `records` with a Producer (acks=all, idempotence as librdkafka defaults: off) and
 * waits for every delivery report. A record without a partition goes where librdkafka's
 * partitioner puts it. The node-rdkafka API cannot send a null header value: such a record
 * throws here (see withoutNullHeaders in kafkajs-client.ts).
 */
export function confluentProduce(
  bootstrap: string,
  topic: string,
  records: readonly (TestRecord & { partition?: number })[],
  config: ClientConfig = {},
): Promise<ConfluentProduceResult> {
  for (const r of records) {
    const nullHeader = r.headers.find(([, v]) => v === null);
    if (nullHeader !== undefined)
      throw new Error(
        `The Confluent client cannot send a null header value (header ${nullHeader[0]})`,
      );
  }
  return runConfluent<ConfluentProduceResult>(PRODUCE_SCRIPT, {
    bootstrap,
    topic,
    config,
    records: records.map((r) => ({
      key: b64(r.key),
      value: b64(r.value),
      headers: r.headers.map(([k, v]) => [k, b64(v)]),
      timestamp: r.timestamp ?? null,
      partition: r.partition ?? null,
    })),
  });
}

const METADATA_SCRIPT = `
const producer = new Kafka.Producer(config({}));
(async () => {
  await connect(producer);
  const md = await call((cb) => producer.getMetadata(
    args.topic === null ? { allTopics: true, timeout: 10000 } : { topic: args.topic, allTopics: false, timeout: 10000 }, cb));
  await bounded('disconnect', 5000, call((cb) => producer.disconnect(5000, cb)));
  finish(md);
})().catch(fail);
`;

export interface ConfluentMetadata {
  orig_broker_id: number;
  orig_broker_name: string;
  brokers: { id: number; host: string; port: number }[];
  topics: {
    name: string;
    partitions: { id: number; leader: number; replicas: number[]; isrs: number[] }[];
  }[];
}

/** Metadata as librdkafka reports it, for one topic or (without one) all topics. */
export function confluentMetadata(bootstrap: string, topic?: string): Promise<ConfluentMetadata> {
  return runConfluent<ConfluentMetadata>(METADATA_SCRIPT, { bootstrap, topic: topic ?? null });
}

const CONSUME_SCRIPT = `
const consumer = new Kafka.KafkaConsumer(config({ 'group.id': 'samsa-interop-unjoined',
  'enable.auto.commit': false, 'enable.partition.eof': true, 'fetch.wait.max.ms': 100 }));
const records = [], errors = [], eof = new Set();
consumer.on('data', (m) => { eof.delete(m.topic + ':' + m.partition); records.push(recordOut(m)); });
consumer.on('partition.eof', (e) => eof.add(e.topic + ':' + e.partition));
consumer.on('event.error', (err) => errors.push(errorOut(err)));
(async () => {
  await connect(consumer);
  consumer.setDefaultConsumeTimeout(200);
  const starts = { beginning: -2, end: -1 };
  consumer.assign(args.assign.map(([topic, partition, offset]) => ({ topic, partition, offset: starts[offset] ?? offset })));
  while (records.length < args.count && eof.size < args.assign.length && errors.length === 0) {
    if (Date.now() > deadline) { errors.push({ name: 'TIMED_OUT', message: 'Consumed ' + records.length + ' of ' + args.count + ' records in ' + args.timeoutMs + ' ms' }); break; }
    try { await call((cb) => consumer.consume(100, cb)); } catch (err) { errors.push(errorOut(err)); }
  }
  await bounded('disconnect', 5000, call((cb) => consumer.disconnect(cb)));
  finish({ records, errors });
})().catch(fail);
`;

/**
 * Consumes with a KafkaConsumer and assign() (no subscribe, no group join, no commits) from each
 * [topic, partition, offset] — offset a number, 'beginning' or 'end' — until `count` records, an
 * error, or every partition at its end.
 */
export async function confluentConsume(
  bootstrap: string,
  assign: [string, number, number | 'beginning' | 'end'][],
  count: number,
  config: ClientConfig = {},
): Promise<{ records: ConfluentRecord[]; errors: ConfluentError[] }> {
  const out = await runConfluent<{ records: RecordJson[]; errors: ConfluentError[] }>(
    CONSUME_SCRIPT,
    { bootstrap, assign, count, config },
  );
  return { records: out.records.map(fromRecordJson), errors: out.errors };
}

const COMMITTED_SCRIPT = `
const consumer = new Kafka.KafkaConsumer(config({ 'group.id': args.groupId, 'enable.auto.commit': false }));
(async () => {
  await connect(consumer);
  const tps = args.partitions.map(([topic, partition]) => ({ topic, partition }));
  const committed = await call((cb) => consumer.committed(tps, 10000, cb));
  await bounded('disconnect', 5000, call((cb) => consumer.disconnect(cb)));
  finish(committed.map((tp) => [tp.topic, tp.partition, tp.offset]));
})().catch(fail);
`;

/**
 * The group's committed offsets for `partitions` (OffsetFetch through the coordinator, without
 * joining): [topic, partition, offset], offset -1001 (OFFSET_INVALID) where none is committed.
 */
export function confluentCommitted(
  bootstrap: string,
  groupId: string,
  partitions: [string, number][],
): Promise<[string, number, number][]> {
  return runConfluent(COMMITTED_SCRIPT, { bootstrap, groupId, partitions });
}

export type GroupProtocol = 'classic' | 'consumer';

export interface ConfluentGroupOptions {
  groupId: string;
  topics: string[];
  /** librdkafka's group.protocol: classic (JoinGroup/SyncGroup) or consumer (KIP-848). */
  groupProtocol: GroupProtocol;
  /** More librdkafka properties (e.g. group.instance.id, partition.assignment.strategy). */
  config?: ClientConfig;
  /** The child stops itself (committing, leaving the group) after this long; default 60 s. */
  lifetimeMs?: number;
}

export type ConfluentGroupEvent =
  | { type: 'ready' }
  | { type: 'assigned' | 'revoked'; partitions: [string, number][]; protocol: string }
  | { type: 'record'; record: RecordJson }
  | { type: 'committed'; offsets: [string, number, number][] }
  | { type: 'error'; error: ConfluentError; fatal?: boolean }
  | { type: 'stopping'; reason: 'asked' | 'lifetime' };

export interface ConfluentGroupResult {
  records: ConfluentRecord[];
  /** Committed offsets read back (OffsetFetch) before leaving, for every partition consumed or assigned. */
  committed: [string, number, number][];
  errors: ConfluentError[];
  events: ConfluentGroupEvent[];
}

// Commits after every batch (commitSync, the next offset of the batch's last record per
// partition) so that "records seen" and "offsets committed" differ by at most one batch; stops on
// "stop" (or end of input) from the parent, or at the end of its lifetime.
const GROUP_SCRIPT = `
const classic = args.groupProtocol === 'classic';
const consumer = new Kafka.KafkaConsumer(config(Object.assign({
  'group.id': args.groupId,
  'group.protocol': args.groupProtocol,
  'enable.auto.commit': false,
  'auto.offset.reset': 'earliest',
  'fetch.wait.max.ms': 100,
  'topic.metadata.refresh.interval.ms': 1000,
  rebalance_cb: true,
}, classic ? { 'session.timeout.ms': 10000, 'heartbeat.interval.ms': 500 } : {})));
const touched = new Map();
const tpKey = (tp) => tp.topic + ':' + tp.partition;
consumer.on('rebalance', (err, assignment) => {
  const type = err.code === Kafka.CODES.ERRORS.ERR__ASSIGN_PARTITIONS ? 'assigned' : 'revoked';
  for (const tp of assignment) touched.set(tpKey(tp), [tp.topic, tp.partition]);
  emit({ type, partitions: assignment.map((tp) => [tp.topic, tp.partition]), protocol: consumer.rebalanceProtocol() });
});
consumer.on('rebalance.error', (err) => emit({ type: 'error', error: errorOut(err) }));
consumer.on('event.error', (err) => emit({ type: 'error', error: errorOut(err), fatal: Boolean(err.isFatal) }));
let stopReason = null;
process.stdin.on('data', (d) => { if (String(d).includes('stop')) stopReason ??= 'asked'; });
process.stdin.on('end', () => { stopReason ??= 'asked'; });
(async () => {
  await connect(consumer);
  consumer.setDefaultConsumeTimeout(100);
  consumer.subscribe(args.topics);
  emit({ type: 'ready' });
  while (stopReason === null) {
    if (Date.now() > deadline) { stopReason = 'lifetime'; break; }
    let batch;
    try { batch = await call((cb) => consumer.consume(100, cb)); }
    catch (err) { emit({ type: 'error', error: errorOut(err) }); await sleep(100); continue; }
    if (batch.length === 0) continue;
    const next = new Map();
    for (const m of batch) {
      emit({ type: 'record', record: recordOut(m) });
      touched.set(tpKey(m), [m.topic, m.partition]);
      next.set(tpKey(m), { topic: m.topic, partition: m.partition, offset: m.offset + 1 });
    }
    try {
      consumer.commitSync([...next.values()]);
      emit({ type: 'committed', offsets: [...next.values()].map((tp) => [tp.topic, tp.partition, tp.offset]) });
    } catch (err) { emit({ type: 'error', error: errorOut(err) }); }
  }
  emit({ type: 'stopping', reason: stopReason });
  let committed = [];
  const tps = [...touched.values()].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1])
    .map(([topic, partition]) => ({ topic, partition }));
  if (tps.length > 0) {
    try { committed = (await call((cb) => consumer.committed(tps, 5000, cb))).map((tp) => [tp.topic, tp.partition, tp.offset]); }
    catch (err) { emit({ type: 'error', error: errorOut(err) }); }
  }
  // disconnect() closes the consumer: it leaves the group (LeaveGroup, or a heartbeat with epoch -1).
  await bounded('disconnect', 10000, call((cb) => consumer.disconnect(cb)));
  finish({ type: 'done', committed });
})().catch(fail);
`;

/**
 * A KafkaConsumer in a consumer group, subscribed to `topics`, running in a child process until
 * stop(): it reports assignments, records and commits as they happen (see `events`), so a test
 * can wait for a state, start or kill other members, then stop it and read what was committed.
 */
export class ConfluentGroupConsumer {
  readonly #child: BackgroundChild;
  readonly #events: ConfluentGroupEvent[] = [];
  #parsedBytes = 0;
  #committed: [string, number, number][] | undefined;

  constructor(bootstrap: string, options: ConfluentGroupOptions) {
    assertInstalled();
    const lifetimeMs = options.lifetimeMs ?? 60_000;
    this.#child = new BackgroundChild(
      process.execPath,
      childArgs(GROUP_SCRIPT, {
        bootstrap,
        groupId: options.groupId,
        topics: options.topics,
        groupProtocol: options.groupProtocol,
        config: options.config ?? {},
        timeoutMs: lifetimeMs,
      }),
      { timeoutMs: lifetimeMs + 20_000 },
    );
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Everything reported so far, in order. */
  get events(): readonly ConfluentGroupEvent[] {
    this.#sync();
    return this.#events;
  }

  get records(): ConfluentRecord[] {
    return this.events.flatMap((e) => (e.type === 'record' ? [fromRecordJson(e.record)] : []));
  }

  get errors(): ConfluentError[] {
    return this.events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
  }

  /** The partitions assigned now: assignments minus revocations, sorted. */
  get assignment(): [string, number][] {
    const current = new Map<string, [string, number]>();
    for (const e of this.events) {
      if (e.type !== 'assigned' && e.type !== 'revoked') continue;
      for (const tp of e.partitions) {
        if (e.type === 'assigned') current.set(`${tp[0]}:${tp[1]}`, tp);
        else current.delete(`${tp[0]}:${tp[1]}`);
      }
    }
    return [...current.values()].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]);
  }

  /** Resolves once `done(this)` holds; rejects if the child exits first or `timeoutMs` passes. */
  async waitFor(
    what: string,
    done: (consumer: ConfluentGroupConsumer) => boolean,
    timeoutMs = CONFLUENT_TIMEOUT_MS,
  ): Promise<void> {
    await this.#child.waitFor(what, () => done(this), timeoutMs);
  }

  /** Asks the child to stop: it commits, reads its committed offsets back, leaves and exits. */
  async stop(timeoutMs = CONFLUENT_TIMEOUT_MS): Promise<ConfluentGroupResult> {
    this.#child.write('stop\n');
    this.#child.endInput();
    try {
      await this.#child.waitFor(
        'a clean close',
        () => {
          this.#sync();
          return this.#committed !== undefined;
        },
        timeoutMs,
      );
      const { code, signal } = await this.#child.exited;
      if (code !== 0) throw new Error(`exited with ${code ?? signal}`);
    } catch (err) {
      await this.#child.kill();
      throw new Error(
        `The Confluent group consumer did not stop cleanly\n${this.#child.describe()}`,
        {
          cause: err,
        },
      );
    }
    return {
      records: this.records,
      committed: this.#committed ?? [],
      errors: this.errors,
      events: [...this.#events],
    };
  }

  /** SIGKILL: no commit, no LeaveGroup (a member that crashed). */
  async kill(): Promise<void> {
    await this.#child.kill('SIGKILL');
  }

  describe(): string {
    return this.#child.describe();
  }

  /** Parses the complete JSON lines printed since the last call. */
  #sync(): void {
    const out = this.#child.stdout;
    const end = out.lastIndexOf(0x0a);
    if (end < this.#parsedBytes) return;
    for (const line of out.toString('utf8', this.#parsedBytes, end).split('\n')) {
      if (line === '') continue;
      const event = JSON.parse(line) as
        ConfluentGroupEvent | { type: 'done'; committed: [string, number, number][] };
      if (event.type === 'done') this.#committed = event.committed;
      else this.#events.push(event);
    }
    this.#parsedBytes = end + 1;
  }
}

/** Starts a group member; see ConfluentGroupConsumer. */
export function startConfluentGroupConsumer(
  bootstrap: string,
  options: ConfluentGroupOptions,
): ConfluentGroupConsumer {
  return new ConfluentGroupConsumer(bootstrap, options);
}

/**
 * Runs one group member until `until(records)` holds (or `timeoutMs` passes: the member is
 * killed and the call rejects with its output), then stops it cleanly and returns what it read
 * and committed.
 */
export async function confluentGroupConsume(
  bootstrap: string,
  options: ConfluentGroupOptions,
  until: (records: ConfluentRecord[]) => boolean,
  timeoutMs = CONFLUENT_TIMEOUT_MS,
): Promise<ConfluentGroupResult> {
  const consumer = startConfluentGroupConsumer(bootstrap, options);
  try {
    await consumer.waitFor('records that satisfy until()', (c) => until(c.records), timeoutMs);
  } catch (err) {
    await consumer.kill();
    throw err;
  }
  return consumer.stop();
}

// A transactional Producer driven from the parent one command at a time: each stdin line is
// {id, op, …}; each answer a {type: 'result', id, ok, value | error} line. Errors carry
// librdkafka's flags (fatal, txn_requires_abort, retriable). The child stays up between commands,
// so a test can restart or kill the broker in the middle of a transaction and go on.
const TRANSACTIONAL_SCRIPT = `
const txnErrorOut = (err) => Object.assign(errorOut(err),
  { fatal: Boolean(err.isFatal), abortable: Boolean(err.isTxnRequiresAbort), retriable: Boolean(err.isRetriable) });
const producer = new Kafka.Producer(config({ dr_cb: true, 'transactional.id': args.transactionalId }));
const reports = new Map();
producer.on('delivery-report', (err, report) => {
  const settle = reports.get(report.opaque);
  reports.delete(report.opaque);
  if (settle) settle(err ? [report.opaque, ...Object.values(errorOut(err))] : [report.opaque, report.partition, report.offset]);
});
let nextOpaque = 0;
const ops = {
  init: (c) => call((cb) => producer.initTransactions(c.timeoutMs, cb)),
  begin: () => call((cb) => producer.beginTransaction(cb)),
  commit: (c) => call((cb) => producer.commitTransaction(c.timeoutMs, cb)),
  abort: (c) => call((cb) => producer.abortTransaction(c.timeoutMs, cb)),
  async produce(c) {
    const pending = c.records.map((r, i) => {
      const opaque = nextOpaque++;
      const report = new Promise((resolve) => reports.set(opaque, (out) => resolve([i, ...out.slice(1)])));
      try {
        producer.produce(c.topic, r.partition, unb64(r.value), unb64(r.key), null, opaque,
          r.headers.map(([k, v]) => ({ [k]: unb64(v) })));
      } catch (err) {
        reports.delete(opaque);
        return Promise.resolve([i, ...Object.values(errorOut(err))]);
      }
      return report;
    });
    await call((cb) => producer.flush(c.timeoutMs, cb));
    const out = await bounded('delivery reports', c.timeoutMs, Promise.all(pending));
    return { delivered: out.filter((r) => typeof r[1] === 'number'), failed: out.filter((r) => typeof r[1] !== 'number') };
  },
  // A consumer in the same process, for sendOffsetsToTransaction (it needs the consumer's group
  // metadata): subscribe, consume, send its positions, seek back after an abort, read commits.
  async subscribe(c) {
    consumer = new Kafka.KafkaConsumer(config(Object.assign({ 'group.id': c.groupId,
      'group.protocol': c.groupProtocol, 'enable.auto.commit': false, 'auto.offset.reset': 'earliest',
      'fetch.wait.max.ms': 100 }, c.consumerConfig)));
    await connect(consumer);
    consumer.setDefaultConsumeTimeout(100);
    consumer.subscribe(c.topics);
  },
  async consume(c) {
    const out = [];
    const until = Date.now() + c.timeoutMs;
    while (out.length < c.count && Date.now() < until) {
      for (const m of await call((cb) => consumer.consume(c.count - out.length, cb))) out.push(recordOut(m));
    }
    if (out.length < c.count)
      throw Object.assign(new Error('Consumed ' + out.length + ' of ' + c.count + ' records'), { code: Kafka.CODES.ERRORS.ERR__TIMED_OUT });
    return out;
  },
  async sendOffsets(c) {
    const positions = consumer.position();
    await call((cb) => producer.sendOffsetsToTransaction(positions, consumer, c.timeoutMs, cb));
    return positions.map((tp) => [tp.topic, tp.partition, tp.offset]);
  },
  seek: (c) => call((cb) => consumer.seek({ topic: c.topic, partition: c.partition, offset: c.offset }, c.timeoutMs, cb)),
  async committed(c) {
    const tps = c.partitions.map(([topic, partition]) => ({ topic, partition }));
    return (await call((cb) => consumer.committed(tps, c.timeoutMs, cb))).map((tp) => [tp.topic, tp.partition, tp.offset]);
  },
};
let consumer = null;
let queue = Promise.resolve();
let input = '';
process.stdin.setEncoding('utf8').on('data', (chunk) => {
  input += chunk;
  let end;
  while ((end = input.indexOf('\\n')) >= 0) {
    const command = JSON.parse(input.slice(0, end));
    input = input.slice(end + 1);
    queue = queue.then(async () => {
      if (command.op === 'close') {
        if (consumer !== null) await bounded('consumer disconnect', 10000, call((cb) => consumer.disconnect(cb)));
        await bounded('disconnect', 5000, call((cb) => producer.disconnect(5000, cb)));
        finish({ type: 'result', id: command.id, ok: true, value: null });
        return;
      }
      try {
        emit({ type: 'result', id: command.id, ok: true, value: (await ops[command.op](command)) ?? null });
      } catch (err) {
        emit({ type: 'result', id: command.id, ok: false, error: txnErrorOut(err) });
      }
    });
  }
});
(async () => {
  await connect(producer);
  producer.setPollInterval(10);
  emit({ type: 'ready' });
})().catch(fail);
`;

/** A librdkafka error as a transactional call reported it. */
export interface ConfluentTxnError extends ConfluentError {
  fatal: boolean;
  /** librdkafka's txn_requires_abort: abortTransaction, then carry on. */
  abortable: boolean;
  retriable: boolean;
}

/** The outcome of one call: 'ok' (or its value), or the error. */
export type ConfluentTxnOutcome<T = null> =
  { ok: true; value: T } | { ok: false; error: ConfluentTxnError };

/**
 * A transactional Producer (librdkafka's transactional.id; idempotence and acks=all follow) in a
 * child process that stays up between calls: initTransactions, beginTransaction, produce (waits
 * for every delivery report), commitTransaction, abortTransaction; with subscribe(), a consumer
 * beside it for sendOffsetsToTransaction. Every call resolves with its
 * outcome, never rejects on a librdkafka error; it rejects only when the child dies or the call
 * takes longer than its timeout (plus a margin).
 */
export class ConfluentTransactionalProducer {
  readonly #child: BackgroundChild;
  #nextId = 0;
  #parsedBytes = 0;
  readonly #results = new Map<number, ConfluentTxnOutcome<unknown>>();
  #ready = false;

  constructor(
    bootstrap: string,
    transactionalId: string,
    options: { config?: ClientConfig; lifetimeMs?: number } = {},
  ) {
    assertInstalled();
    const lifetimeMs = options.lifetimeMs ?? 60_000;
    this.#child = new BackgroundChild(
      process.execPath,
      childArgs(TRANSACTIONAL_SCRIPT, {
        bootstrap,
        transactionalId,
        config: options.config ?? {},
        timeoutMs: lifetimeMs,
      }),
      { timeoutMs: lifetimeMs + 10_000 },
    );
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Waits for the client to connect (bootstrap metadata). */
  async ready(timeoutMs = CONFLUENT_TIMEOUT_MS): Promise<void> {
    await this.#child.waitFor(
      'the producer connected',
      () => {
        this.#sync();
        return this.#ready;
      },
      timeoutMs,
    );
  }

  init(timeoutMs = 10_000): Promise<ConfluentTxnOutcome> {
    return this.#call('init', { timeoutMs }, timeoutMs);
  }

  begin(): Promise<ConfluentTxnOutcome> {
    return this.#call('begin', {}, 5000);
  }

  /** Produces `records` in the transaction; [record index, partition, offset] per delivery. */
  produce(
    topic: string,
    records: readonly (TestRecord & { partition?: number })[],
    timeoutMs = 10_000,
  ): Promise<
    ConfluentTxnOutcome<{
      delivered: [number, number, number][];
      failed: [number, string, string][];
    }>
  > {
    return this.#call(
      'produce',
      {
        topic,
        timeoutMs,
        records: records.map((r) => ({
          key: b64(r.key),
          value: b64(r.value),
          headers: r.headers.map(([k, v]) => [k, b64(v)]),
          partition: r.partition ?? null,
        })),
      },
      timeoutMs * 2,
    );
  }

  commit(timeoutMs = 10_000): Promise<ConfluentTxnOutcome> {
    return this.#call('commit', { timeoutMs }, timeoutMs);
  }

  /**
   * Starts a KafkaConsumer in the producer's process (enable.auto.commit off, earliest) and
   * subscribes it to `topics` in `groupId`: the consumer of a read-process-write loop.
   */
  subscribe(
    groupId: string,
    topics: string[],
    groupProtocol: GroupProtocol,
    consumerConfig: ClientConfig = {},
  ): Promise<ConfluentTxnOutcome> {
    return this.#call('subscribe', { groupId, topics, groupProtocol, consumerConfig }, 10_000);
  }

  /** Consumes exactly `count` records (fewer within the timeout: an _TIMED_OUT error). */
  async consume(
    count: number,
    timeoutMs = 15_000,
  ): Promise<ConfluentTxnOutcome<ConfluentRecord[]>> {
    const out = await this.#call<RecordJson[]>('consume', { count, timeoutMs }, timeoutMs);
    return out.ok ? { ok: true, value: out.value.map(fromRecordJson) } : out;
  }

  /**
   * sendOffsetsToTransaction with the consumer's positions and group metadata; the value is the
   * offsets sent, [topic, partition, offset].
   */
  sendOffsets(timeoutMs = 10_000): Promise<ConfluentTxnOutcome<[string, number, number][]>> {
    return this.#call('sendOffsets', { timeoutMs }, timeoutMs);
  }

  /** Moves the consumer back (after an abort) to `offset` of a partition it is assigned. */
  seek(topic: string, partition: number, offset: number): Promise<ConfluentTxnOutcome> {
    return this.#call('seek', { topic, partition, offset, timeoutMs: 5000 }, 5000);
  }

  /** The group's committed offsets as the consumer reads them (OffsetFetch). */
  committed(
    partitions: [string, number][],
    timeoutMs = 5000,
  ): Promise<ConfluentTxnOutcome<[string, number, number][]>> {
    return this.#call('committed', { partitions, timeoutMs }, timeoutMs);
  }

  abort(timeoutMs = 10_000): Promise<ConfluentTxnOutcome> {
    return this.#call('abort', { timeoutMs }, timeoutMs);
  }

  /** Disconnects and waits for the child to exit. */
  async close(): Promise<void> {
    try {
      await this.#call('close', {}, 5000);
      await this.#child.exited;
    } finally {
      await this.#child.kill();
    }
  }

  /** SIGKILL: a producer that crashed, its transaction left open. */
  async kill(): Promise<void> {
    await this.#child.kill('SIGKILL');
  }

  describe(): string {
    return this.#child.describe();
  }

  async #call<T>(op: string, params: object, timeoutMs: number): Promise<ConfluentTxnOutcome<T>> {
    const id = this.#nextId++;
    this.#child.write(`${JSON.stringify({ id, op, ...params })}\n`);
    await this.#child.waitFor(
      `the result of ${op}`,
      () => {
        this.#sync();
        return this.#results.has(id);
      },
      timeoutMs + 10_000,
    );
    const result = this.#results.get(id)!;
    this.#results.delete(id);
    return result as ConfluentTxnOutcome<T>;
  }

  /** Parses the complete JSON lines printed since the last call. */
  #sync(): void {
    const out = this.#child.stdout;
    const end = out.lastIndexOf(0x0a);
    if (end < this.#parsedBytes) return;
    for (const line of out.toString('utf8', this.#parsedBytes, end).split('\n')) {
      if (line === '') continue;
      const event = JSON.parse(line) as
        { type: 'ready' } | ({ type: 'result'; id: number } & ConfluentTxnOutcome<unknown>);
      if (event.type === 'ready') this.#ready = true;
      else
        this.#results.set(
          event.id,
          event.ok ? { ok: true, value: event.value } : { ok: false, error: event.error },
        );
    }
    this.#parsedBytes = end + 1;
  }
}
