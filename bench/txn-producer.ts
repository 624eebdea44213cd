// The transactions benchmark's producers, driven over one raw socket with the project's codecs so
// that no client library's overhead hides the broker's. An idempotent producer gets its id from
// InitProducerId without a transactional id; a transactional one first finds its coordinator
// (FindCoordinator key type 1), then InitProducerId with its transactional id, and runs each
// transaction as a Java producer does: AddPartitionsToTxn v3 for the partition, the records as
// pre-built Produce v9 batches with several requests in flight (their sequences running on across
// transactions, produce-frames.ts), then EndTxn(commit), waiting for its answer.
//
// The coordinator answers EndTxn once the PrepareCommit record is written and writes the markers
// after it; until the CompleteCommit record follows, the next AddPartitionsToTxn of the same id
// gets CONCURRENT_TRANSACTIONS. The driver then tries again after RETRY_BACKOFF_MS (the Java
// producer waits 20 ms there) and counts the retries, which the report shows.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes } from '../src/errors/generated/error-codes.js';
import { Apis } from '../src/protocol/generated/index.js';
import type { FrameConnection } from './frame-connection.js';
import { sendPipelined } from './pipelined-load.js';
import { buildProduceFrames, type ProduceFrames, type ProducerIdentity } from './produce-frames.js';

const FIND_COORDINATOR_VERSION = 4;
const INIT_PRODUCER_ID_VERSION = 4;
const ADD_PARTITIONS_VERSION = 3;
const END_TXN_VERSION = 3;
const TRANSACTION = 1;
const E = ErrorCodes;
/** Errors worth another try while the coordinator's topic is being created or loaded. */
const RETRIABLE_SETUP: ReadonlySet<number> = new Set(
  [
    E.COORDINATOR_LOAD_IN_PROGRESS,
    E.COORDINATOR_NOT_AVAILABLE,
    E.NOT_COORDINATOR,
    E.CONCURRENT_TRANSACTIONS,
  ].map((e) => e.code),
);
const RETRIABLE_ADD: ReadonlySet<number> = new Set([E.CONCURRENT_TRANSACTIONS.code]);
export const RETRY_BACKOFF_MS = 1;
const RETRY_BOUND_MS = 10_000;
const TRANSACTION_TIMEOUT_MS = 60_000;
/** Transactional and idempotent producers must ask for acks from all replicas. */
const ACKS_ALL = -1;

/** Runs `attempt` until it answers an error code outside `retriable`, within RETRY_BOUND_MS. */
async function withRetries(
  what: string,
  retriable: ReadonlySet<number>,
  attempt: () => Promise<number>,
): Promise<number> {
  const bound = performance.now() + RETRY_BOUND_MS;
  for (let retries = 0; ; retries++) {
    const errorCode = await attempt();
    if (errorCode === 0) return retries;
    if (!retriable.has(errorCode) || performance.now() > bound) {
      throw new Error(`${what} failed: error code ${errorCode} after ${retries} retries`);
    }
    await sleep(RETRY_BACKOFF_MS);
  }
}

/** FindCoordinator for a transactional id (when given), then InitProducerId. */
export async function initProducer(
  conn: FrameConnection,
  transactionalId: string | null,
): Promise<ProducerIdentity> {
  if (transactionalId !== null) {
    await withRetries('FindCoordinator', RETRIABLE_SETUP, async () => {
      const found = await conn.request(Apis.FindCoordinator, FIND_COORDINATOR_VERSION, {
        keyType: TRANSACTION,
        coordinatorKeys: [transactionalId],
      });
      return found.coordinators[0]?.errorCode ?? -1;
    });
  }
  let identity: ProducerIdentity | null = null;
  await withRetries('InitProducerId', RETRIABLE_SETUP, async () => {
    const init = await conn.request(Apis.InitProducerId, INIT_PRODUCER_ID_VERSION, {
      transactionalId,
      transactionTimeoutMs: TRANSACTION_TIMEOUT_MS,
      producerId: -1n,
      producerEpoch: -1,
    });
    identity = { producerId: init.producerId, producerEpoch: init.producerEpoch, transactionalId };
    return init.errorCode;
  });
  return identity!;
}

/** Produce frames of `recordsPerBatch` 100 B records for an idempotent or transactional producer. */
export function producerFrames(
  topic: string,
  recordsPerBatch: number,
  inFlight: number,
  identity: ProducerIdentity,
): ProduceFrames {
  return buildProduceFrames(
    topic,
    { recordBytes: 100, recordsPerBatch },
    ACKS_ALL,
    Math.max(16, inFlight * 2),
    identity,
  );
}

export interface TransactionTiming {
  /** When EndTxn was sent and answered (performance.now()). */
  readonly endSentAt: number;
  readonly committedAt: number;
  /** EndTxn sent to answered, ms. */
  readonly endTxnMs: number;
  /** AddPartitionsToTxn answered CONCURRENT_TRANSACTIONS this many times first. */
  readonly retries: number;
  /** Offset of the transaction's last record. */
  readonly lastOffset: bigint;
}

/** A transactional producer writing committed transactions to partition 0 of one topic. */
export class TransactionalProducer {
  readonly #conn: FrameConnection;
  readonly #identity: ProducerIdentity & { transactionalId: string };
  readonly #topic: string;
  readonly #frames: ProduceFrames;
  readonly #recordsPerBatch: number;
  readonly #inFlight: number;

  private constructor(
    conn: FrameConnection,
    identity: ProducerIdentity & { transactionalId: string },
    topic: string,
    recordsPerBatch: number,
    inFlight: number,
  ) {
    this.#conn = conn;
    this.#identity = identity;
    this.#topic = topic;
    this.#recordsPerBatch = recordsPerBatch;
    this.#inFlight = inFlight;
    this.#frames = producerFrames(topic, recordsPerBatch, inFlight, identity);
  }

  /** Sets up `transactionalId` on `conn`, which the producer then owns. */
  static async open(
    conn: FrameConnection,
    transactionalId: string,
    topic: string,
    recordsPerBatch: number,
    inFlight: number,
  ): Promise<TransactionalProducer> {
    const identity = await initProducer(conn, transactionalId);
    return new TransactionalProducer(
      conn,
      { ...identity, transactionalId },
      topic,
      recordsPerBatch,
      inFlight,
    );
  }

  /**
   * One committed transaction of `records` records (a multiple of the batch size, or less);
   * `beforeEnd`, when given, runs between the last batch's answer and EndTxn.
   */
  async transaction(
    records: number,
    beforeEnd?: (lastOffset: bigint) => Promise<void>,
  ): Promise<TransactionTiming> {
    const { producerId, producerEpoch, transactionalId } = this.#identity;
    const retries = await withRetries('AddPartitionsToTxn', RETRIABLE_ADD, async () => {
      const added = await this.#conn.request(Apis.AddPartitionsToTxn, ADD_PARTITIONS_VERSION, {
        v3AndBelowTransactionalId: transactionalId,
        v3AndBelowProducerId: producerId,
        v3AndBelowProducerEpoch: producerEpoch,
        v3AndBelowTopics: [{ name: this.#topic, partitions: [0] }],
      });
      return added.resultsByTopicV3AndBelow[0]?.resultsByPartition[0]?.partitionErrorCode ?? -1;
    });
    const batches = Math.max(1, Math.ceil(records / this.#recordsPerBatch));
    await sendPipelined(this.#conn, this.#frames, batches, this.#inFlight);
    await beforeEnd?.(this.#frames.lastOffset);
    const sentAt = performance.now();
    const ended = await this.#conn.request(Apis.EndTxn, END_TXN_VERSION, {
      transactionalId,
      producerId,
      producerEpoch,
      committed: true,
    });
    const committedAt = performance.now();
    if (ended.errorCode !== 0) throw new Error(`EndTxn failed: error code ${ended.errorCode}`);
    return {
      endSentAt: sentAt,
      committedAt,
      endTxnMs: committedAt - sentAt,
      retries,
      lastOffset: this.#frames.lastOffset,
    };
  }

  close(): void {
    this.#conn.close();
  }
}
