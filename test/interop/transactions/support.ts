// Shared by the transaction interop tests: broker overrides that make transactions and groups
// fast, KafkaJS transactional producers and consumers (read_committed or read_uncommitted),
// the last stable offset and high watermark through @platformatic/kafka's ListOffsets, and
// DescribeTransactions / ListTransactions through @platformatic/kafka's protocol APIs.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import {
  Admin,
  Connection,
  ResponseError,
  describeTransactionsV0,
  listTransactionsV1,
} from '@platformatic/kafka';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { platformaticConnection, withTimeout } from '../../support/platformatic-fetch.js';
import { FAST_GROUPS, waitUntil } from '../groups/support.js';

export { waitUntil, withTimeout };

/**
 * FAST_GROUPS, 3 `__transaction_state` partitions, and timed-out transactions looked for every
 * 500 ms (Kafka: 10 s).
 */
export const FAST_TRANSACTIONS = {
  ...FAST_GROUPS,
  'transaction.state.log.num.partitions': 3,
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': 500,
} as const;

export const WAIT_MS = 20_000;

/**
 * Reads with `read` every 50 ms until `done(value)` holds or `timeoutMs` passes, and returns the
 * last value read: the caller asserts on it, so a timeout fails with the value's diff.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls until `read()` deep-equals `expected`, then asserts it (with a diff after the timeout). */
export async function eventuallyDeepEqual<T>(
  read: () => Promise<T>,
  expected: T,
  message?: string,
  timeoutMs = WAIT_MS,
): Promise<void> {
  const value = await pollUntil(read, (v) => isDeepStrictEqual(v, expected), timeoutMs);
  assert.deepEqual(value, expected, message);
}

/** A KafkaJS client that retries (a transactional producer needs retries; they reconnect too). */
export function kafkajsTxnClient(bootstrap: string, clientId = 'samsa-interop-txn'): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

/** A connected KafkaJS transactional producer (idempotent, one request in flight). */
export async function kafkajsTransactionalProducer(
  kafka: Kafka,
  transactionalId: string,
  transactionTimeout = 30_000,
): Promise<Producer> {
  const producer = kafka.producer({
    transactionalId,
    transactionTimeout,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  return producer;
}

/** A consumed record: [partition, offset, value]. */
export type Seen = [number, number, string];

export function byPartitionAndOffset(a: Seen, b: Seen): number {
  return a[0] - b[0] || a[1] - b[1];
}

/**
 * Reads `topic` from the beginning with a KafkaJS consumer in a fresh group until `count`
 * records arrived, then 300 ms more (so that a record too many shows), and returns them sorted
 * by partition and offset. read_committed unless told.
 */
export async function kafkajsReadAll(
  bootstrap: string,
  topic: string,
  count: number,
  options: { readUncommitted?: boolean; groupId?: string } = {},
): Promise<Seen[]> {
  const kafka = kafkajsTxnClient(bootstrap, 'samsa-interop-txn-reader');
  const consumer = kafka.consumer({
    groupId: options.groupId ?? `reader-${topic}-${Math.random().toString(36).slice(2)}`,
    readUncommitted: options.readUncommitted ?? false,
    maxWaitTimeInMs: 100,
  });
  const seen: Seen[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        seen.push([partition, Number(message.offset), message.value?.toString('utf8') ?? '']);
      },
    });
    await waitUntil(
      `${count} records of ${topic}`,
      () => seen.length >= count,
      WAIT_MS,
      () => JSON.stringify(seen),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    await consumer.disconnect();
  }
  return seen.sort(byPartitionAndOffset);
}

export type Isolation = 'read_committed' | 'read_uncommitted';

/**
 * The latest offset of every partition of `topic` through ListOffsets (v9): the last stable
 * offset for read_committed, the high watermark for read_uncommitted.
 */
export async function latestOffsets(
  bootstrap: string,
  topic: string,
  partitions: number,
  isolation: Isolation,
): Promise<number[]> {
  const admin = new Admin(platformaticConnection(bootstrap));
  try {
    const topics = await withTimeout(
      'ListOffsets',
      10_000,
      admin.listOffsets({
        topics: [
          {
            name: topic,
            partitions: Array.from({ length: partitions }, (_, p) => ({
              partitionIndex: p,
              timestamp: -1n,
            })),
          },
        ],
        isolationLevel: isolation === 'read_committed' ? 1 : 0,
      }),
    );
    const [t] = topics;
    assert.equal(t?.name, topic);
    return [...t.partitions]
      .sort((a, b) => a.partitionIndex - b.partitionIndex)
      .map((p) => Number(p.offset));
  } finally {
    await admin.close();
  }
}

export interface TransactionView {
  errorCode: number;
  state: string;
  timeoutMs: number;
  producerId: bigint;
  producerEpoch: number;
  /** [topic, sorted partitions], sorted by topic */
  topics: [string, number[]][];
}

async function withConnection<T>(
  port: number,
  fn: (connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = new Connection('samsa-interop-txn-admin');
  try {
    await withTimeout('connect', 5000, connection.connect('127.0.0.1', port) as Promise<void>);
    return await withTimeout('request', 10_000, fn(connection));
  } finally {
    await connection.close();
  }
}

/**
 * DescribeTransactions v0 for one transactional id (sent to this single broker); an error code
 * (TRANSACTIONAL_ID_NOT_FOUND…) is returned, not thrown.
 */
export async function describeTransaction(
  port: number,
  transactionalId: string,
): Promise<TransactionView> {
  type Response = Awaited<ReturnType<typeof describeTransactionsV0.api.async>>;
  // @platformatic/kafka throws a ResponseError, which carries the response, on an error code.
  const response = await withConnection(port, (c) =>
    describeTransactionsV0.api.async(c, [transactionalId]).catch((err: unknown) => {
      const parsed =
        err instanceof ResponseError ? (err.response as Response | undefined) : undefined;
      if (parsed === undefined) throw err;
      return parsed;
    }),
  );
  assert.equal(response.transactionStates.length, 1);
  const s = response.transactionStates[0]!;
  assert.equal(s.transactionalId, transactionalId);
  return {
    errorCode: s.errorCode,
    state: s.transactionState,
    timeoutMs: s.transactionTimeoutMs,
    producerId: s.producerId,
    producerEpoch: s.producerEpoch,
    topics: s.topics
      .map((t): [string, number[]] => [t.topic, [...t.partitions].sort((a, b) => a - b)])
      .sort((a, b) => a[0].localeCompare(b[0])),
  };
}

type StateFilters = Parameters<typeof listTransactionsV1.api.async>[1];

/**
 * ListTransactions v1: [transactional id, state], sorted, optionally filtered by Kafka's state
 * names ('Ongoing', 'CompleteCommit', …; @platformatic/kafka's types name them in capitals, which
 * Kafka would report as unknown filters).
 */
export async function listTransactions(
  port: number,
  states: string[] = [],
): Promise<[string, string][]> {
  const response = await withConnection(port, (c) =>
    listTransactionsV1.api.async(c, states as StateFilters, [], -1n, null),
  );
  assert.deepEqual(response.unknownStateFilters, []);
  assert.equal(response.errorCode, 0);
  return response.transactionStates
    .map((t): [string, string] => [t.transactionalId, t.transactionState])
    .sort((a, b) => a[0].localeCompare(b[0]));
}
