// The transactions benchmark's cases. Throughput: for each transaction size, a transactional
// producer committing transaction after transaction (txn-producer.ts) next to an idempotent
// producer sending the same batches with the same requests in flight (the baseline), each on its
// own topic and connection, measured in slices interleaved round after round (sliced-case.ts).
// After each size, the transactional topic's log must end at (records + 1 marker) x transactions
// with its last stable offset there too, or the row fails. Markers: one-record transactions, a
// read_committed consumer of the partition either polling once EndTxn is answered or waiting in
// a long poll parked before EndTxn, until the last stable offset passes the transaction's record.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Apis } from '../src/protocol/generated/index.js';
import type { BenchServer } from './bench-servers.js';
import { createTopic, deleteTopic } from './broker-cases.js';
import { FETCH_VERSION, fetchRequest, READ_COMMITTED } from './consume-load.js';
import { CpuMeter, type CpuShare } from './cpu-meter.js';
import { FrameConnection } from './frame-connection.js';
import { SlicedCase, type SliceSettings, type SlicedRow } from './sliced-case.js';
import { initProducer, producerFrames, TransactionalProducer } from './txn-producer.js';

export interface TransactionSettings extends SliceSettings {
  /** Records per Produce batch; a transaction of fewer records sends one batch of them all. */
  readonly maxBatchRecords: number;
}

export interface TransactionRow {
  readonly label: string;
  readonly recordsPerSec: number;
  readonly transactionsPerSec: number;
  /** EndTxn sent to answered, sorted, ms. */
  readonly endTxnMs: Float64Array;
  readonly retriesPerTransaction: number;
  readonly cpu: CpuShare;
  readonly baseline: SlicedRow;
  readonly error?: string;
}

function sorted(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Committed transactions of `size` records, measured in slices on one producer. */
class TransactionCase {
  readonly label: string;
  readonly #server: BenchServer;
  readonly #topic: string;
  readonly #size: number;
  readonly #meter: CpuMeter;
  #producer: TransactionalProducer | null = null;
  #transactions = 0;
  /** Every committed transaction, lead-ins included: what the log holds. */
  committed = 0;
  #retries = 0;
  #seconds = 0;
  readonly #endTxnMs: number[] = [];
  #error: string | undefined;

  constructor(label: string, server: BenchServer, topic: string, size: number) {
    this.label = label;
    this.#server = server;
    this.#topic = topic;
    this.#size = size;
    this.#meter = new CpuMeter(server.pid);
  }

  /** Transactions for the lead-in, then for `measureMs`, finishing the one under way. */
  async slice(settings: TransactionSettings, measureMs: number): Promise<void> {
    if (this.#error !== undefined) return;
    try {
      this.#producer ??= await TransactionalProducer.open(
        await FrameConnection.open(this.#server.port),
        `bench-txn-${this.#size}`,
        this.#topic,
        Math.min(this.#size, settings.maxBatchRecords),
        settings.inFlight,
      );
      const leadIn = performance.now() + settings.sliceWarmupMs;
      while (performance.now() < leadIn) {
        await this.#producer.transaction(this.#size);
        this.committed++;
      }
      this.#meter.start();
      const start = performance.now();
      try {
        do {
          const t = await this.#producer.transaction(this.#size);
          this.committed++;
          this.#transactions++;
          this.#retries += t.retries;
          this.#endTxnMs.push(t.endTxnMs);
        } while (performance.now() - start < measureMs);
      } finally {
        this.#meter.end();
        this.#seconds += (performance.now() - start) / 1000;
      }
    } catch (err) {
      this.#error = (err as Error).message;
      this.close();
    }
  }

  close(): void {
    this.#producer?.close();
    this.#producer = null;
  }

  /** Marks the case failed (a check after its slices). */
  fail(message: string): void {
    this.#error ??= message;
  }

  row(baseline: SlicedRow): TransactionRow {
    const ok = this.#error === undefined && this.#seconds > 0;
    const perSecond = ok ? this.#transactions / this.#seconds : Number.NaN;
    return {
      label: this.label,
      recordsPerSec: perSecond * this.#size,
      transactionsPerSec: perSecond,
      endTxnMs: sorted(this.#endTxnMs),
      retriesPerTransaction: this.#transactions === 0 ? 0 : this.#retries / this.#transactions,
      cpu: this.#meter.share,
      baseline,
      ...(this.#error === undefined ? {} : { error: this.#error }),
    };
  }
}

interface Committed {
  readonly lso: bigint;
  readonly end: bigint;
  /** Whether any record batch came back. */
  readonly got: boolean;
}

/** A read_committed fetch of partition 0 of `topic` from `offset`. */
async function readCommitted(
  conn: FrameConnection,
  topic: string,
  offset: bigint,
  maxWaitMs: number,
): Promise<Committed> {
  const response = await conn.request(
    Apis.Fetch,
    FETCH_VERSION,
    fetchRequest(topic, offset, READ_COMMITTED, maxWaitMs),
    maxWaitMs + 10_000,
  );
  const p = response.responses[0]?.partitions[0];
  if (response.errorCode !== 0 || p === undefined || p.errorCode !== 0) {
    throw new Error(`Fetch failed: error code ${response.errorCode || p?.errorCode}`);
  }
  return { lso: p.lastStableOffset, end: p.highWatermark, got: (p.records?.length ?? 0) > 0 };
}

/**
 * Null when the log of `topic` ends at `expected` with no transaction open (every transaction
 * got its marker), waiting up to a few seconds for the last marker; else what is wrong.
 */
async function checkCommittedLog(
  port: number,
  topic: string,
  expected: bigint,
): Promise<string | null> {
  const conn = await FrameConnection.open(port);
  try {
    const deadline = performance.now() + 5000;
    for (;;) {
      const { lso, end } = await readCommitted(conn, topic, 0n, 0);
      if (lso === end && end === expected) return null;
      if (performance.now() > deadline) {
        return `log of ${topic} ends at ${end} with last stable offset ${lso}, expected both ${expected}`;
      }
      await sleep(10);
    }
  } finally {
    conn.close();
  }
}

function plural(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
}

/** For each size: idempotent produce (the baseline), then transactions, interleaved in rounds. */
export async function benchTransactionSizes(
  server: BenchServer,
  settings: TransactionSettings,
  sizes: readonly number[],
): Promise<TransactionRow[]> {
  const rows: TransactionRow[] = [];
  for (const size of sizes) {
    const perBatch = Math.min(size, settings.maxBatchRecords);
    const idempotentTopic = `bench-idempotent-${size}`;
    const transactionalTopic = `bench-transactional-${size}`;
    await createTopic(server.port, idempotentTopic);
    await createTopic(server.port, transactionalTopic);
    const setup = await FrameConnection.open(server.port);
    const identity = await initProducer(setup, null).finally(() => setup.close());
    const idempotent = new SlicedCase(
      `idempotent, ${plural(perBatch, 'record')} per request`,
      server,
      producerFrames(idempotentTopic, perBatch, settings.inFlight, identity),
    );
    const transactional = new TransactionCase(
      `transactions of ${plural(size, 'record')}`,
      server,
      transactionalTopic,
      size,
    );
    const sliceMs = (settings.seconds * 1000) / settings.rounds;
    try {
      for (let round = 0; round < settings.rounds; round++) {
        if (round % 2 === 0) {
          await idempotent.slice(server.port, settings, sliceMs);
          await transactional.slice(settings, sliceMs);
        } else {
          await transactional.slice(settings, sliceMs);
          await idempotent.slice(server.port, settings, sliceMs);
        }
      }
    } finally {
      idempotent.close();
      transactional.close();
    }
    // Each transaction is its records and one COMMIT marker.
    const wrong = await checkCommittedLog(
      server.port,
      transactionalTopic,
      BigInt(transactional.committed * (size + 1)),
    );
    if (wrong !== null) transactional.fail(wrong);
    rows.push(transactional.row(idempotent.row(null)));
    await deleteTopic(server.port, idempotentTopic);
    await deleteTopic(server.port, transactionalTopic);
  }
  return rows;
}

export interface MarkerResult {
  /** EndTxn sent to answered, ms, sorted: right after the record's answer; after PARK_MS idle. */
  readonly endTxnMs: Float64Array;
  readonly endTxnAfterParkMs: Float64Array;
  /** EndTxn answered to a read_committed fetch (maxWaitMs 0, polled) seeing the record, ms. */
  readonly polledMs: Float64Array;
  /** Fetches each polled repetition took. */
  readonly polls: Float64Array;
  /** EndTxn sent to a long poll, parked before it, answering with the record, ms. */
  readonly parkedMs: Float64Array;
  /** A read_committed fetch at the log end with nothing to wait for, round trip, ms. */
  readonly idleFetchMs: Float64Array;
  error?: string;
}

export const LONG_POLL_WAIT_MS = 500;
/** How long a long poll is given to reach the broker and park before EndTxn is sent. */
export const PARK_MS = 5;

interface Seen {
  /** When the fetch that saw the record was answered (performance.now()). */
  readonly at: number;
  readonly fetches: number;
  readonly end: bigint;
}

/** read_committed fetches from `offset` until the LSO passes it and its record comes back. */
async function waitCommitted(
  conn: FrameConnection,
  topic: string,
  offset: bigint,
  maxWaitMs: number,
): Promise<Seen> {
  const deadline = performance.now() + 10_000;
  for (let fetches = 1; ; fetches++) {
    const seen = await readCommitted(conn, topic, offset, maxWaitMs);
    if (seen.lso > offset && seen.got) return { at: performance.now(), fetches, end: seen.end };
    if (performance.now() > deadline) {
      throw new Error(`The record at ${offset} stayed unstable (LSO ${seen.lso})`);
    }
  }
}

/**
 * `reps` one-record transactions (or fewer, when `boundMs` passes first), alternating how the
 * consumer waits for them: read_committed fetches polled once EndTxn is answered, or a long poll
 * sent before EndTxn, which the COMMIT marker must wake.
 */
export async function benchMarkers(
  server: BenchServer,
  settings: TransactionSettings,
  reps: number,
  boundMs: number,
): Promise<MarkerResult> {
  const topic = 'bench-markers';
  await createTopic(server.port, topic);
  const endTxnMs: number[] = [];
  const endTxnAfterParkMs: number[] = [];
  const polledMs: number[] = [];
  const polls: number[] = [];
  const parkedMs: number[] = [];
  const idleFetchMs: number[] = [];
  let error: string | undefined;
  const consumer = await FrameConnection.open(server.port);
  let producer: TransactionalProducer | null = null;
  try {
    producer = await TransactionalProducer.open(
      await FrameConnection.open(server.port),
      'bench-txn-markers',
      topic,
      1,
      settings.inFlight,
    );
    const until = performance.now() + boundMs;
    let logEnd = 0n;
    for (let rep = 0; rep < reps && performance.now() < until; rep++) {
      const idleFrom = performance.now();
      await readCommitted(consumer, topic, logEnd, 0);
      idleFetchMs.push(performance.now() - idleFrom);
      const park: { seen?: Promise<Seen> } = {};
      const parked = rep % 2 === 1;
      const t = await producer.transaction(
        1,
        parked
          ? async (lastOffset) => {
              park.seen = waitCommitted(consumer, topic, lastOffset, LONG_POLL_WAIT_MS);
              await sleep(PARK_MS);
            }
          : undefined,
      );
      (parked ? endTxnAfterParkMs : endTxnMs).push(t.endTxnMs);
      if (park.seen !== undefined) {
        const seen = await park.seen;
        parkedMs.push(seen.at - t.endSentAt);
        logEnd = seen.end;
      } else {
        const seen = await waitCommitted(consumer, topic, t.lastOffset, 0);
        polledMs.push(seen.at - t.committedAt);
        polls.push(seen.fetches);
        logEnd = seen.end;
      }
    }
  } catch (err) {
    error = (err as Error).message;
  } finally {
    producer?.close();
    consumer.close();
  }
  await deleteTopic(server.port, topic);
  return {
    endTxnMs: sorted(endTxnMs),
    endTxnAfterParkMs: sorted(endTxnAfterParkMs),
    polledMs: sorted(polledMs),
    polls: sorted(polls),
    parkedMs: sorted(parkedMs),
    idleFetchMs: sorted(idleFetchMs),
    ...(error === undefined ? {} : { error }),
  };
}
