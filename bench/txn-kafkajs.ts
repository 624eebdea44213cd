// The transactions benchmark's cross-check: KafkaJS producing transactions of N records (one
// send of N messages, then commit) next to a KafkaJS idempotent producer sending the same N
// messages per send, in interleaved slices. KafkaJS waits for each send before the next, so both
// have one request in flight; the ratio, not the absolute rate, is what compares with the raw
// driver's rows.
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { createTopic, deleteTopic } from './broker-cases.js';
import type { SliceSettings } from './sliced-case.js';

export interface KafkajsRow {
  readonly label: string;
  readonly recordsPerSec: number;
  readonly transactionsPerSec: number | null;
  /** commit() called to resolved, sorted, ms (transactional only). */
  readonly commitMs: Float64Array | null;
  readonly error?: string;
}

/** One KafkaJS producer's loop of `step`, measured in slices. */
class KafkajsCase {
  readonly label: string;
  readonly producer: Producer;
  readonly #step: () => Promise<number | null>;
  #connected = false;
  #steps = 0;
  #seconds = 0;
  readonly #commitMs: number[] = [];
  #error: string | undefined;

  /** `step` sends one unit of work and returns its commit time (ms), or null when it has none. */
  constructor(label: string, producer: Producer, step: (p: Producer) => Promise<number | null>) {
    this.label = label;
    this.producer = producer;
    this.#step = () => step(producer);
  }

  async slice(warmupMs: number, measureMs: number): Promise<void> {
    if (this.#error !== undefined) return;
    try {
      if (!this.#connected) {
        await this.producer.connect();
        this.#connected = true;
      }
      const leadIn = performance.now() + warmupMs;
      while (performance.now() < leadIn) await this.#step();
      const start = performance.now();
      do {
        const commitMs = await this.#step();
        if (commitMs !== null) this.#commitMs.push(commitMs);
        this.#steps++;
      } while (performance.now() - start < measureMs);
      this.#seconds += (performance.now() - start) / 1000;
    } catch (err) {
      this.#error = (err as Error).message;
    }
  }

  row(records: number, transactional: boolean): KafkajsRow {
    const perSecond =
      this.#error === undefined && this.#seconds > 0 ? this.#steps / this.#seconds : Number.NaN;
    return {
      label: this.label,
      recordsPerSec: perSecond * records,
      transactionsPerSec: transactional ? perSecond : null,
      commitMs: transactional ? Float64Array.from(this.#commitMs).sort() : null,
      ...(this.#error === undefined ? {} : { error: this.#error }),
    };
  }
}

/** KafkaJS idempotent sends and transactions of `records` 100 B records each. */
export async function kafkajsTransactions(
  port: number,
  settings: SliceSettings,
  records: number,
): Promise<KafkajsRow[]> {
  const kafka = new Kafka({
    clientId: 'samsa-bench',
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.NOTHING,
  });
  const value = Buffer.alloc(100, 'x');
  const messages = Array.from({ length: records }, () => ({ key: null, value }));
  const idempotentTopic = 'bench-kafkajs-idempotent';
  const transactionalTopic = 'bench-kafkajs-transactional';
  await createTopic(port, idempotentTopic);
  await createTopic(port, transactionalTopic);
  const producerConfig = {
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  };
  const idempotent = new KafkajsCase(
    `KafkaJS idempotent, ${records} records per send`,
    kafka.producer(producerConfig),
    async (p) => {
      await p.send({ topic: idempotentTopic, acks: -1, messages });
      return null;
    },
  );
  const transactional = new KafkajsCase(
    `KafkaJS transactions of ${records} records`,
    kafka.producer({ ...producerConfig, transactionalId: 'bench-kafkajs-txn' }),
    async (p) => {
      const txn = await p.transaction();
      try {
        await txn.send({ topic: transactionalTopic, acks: -1, messages });
      } catch (err) {
        await txn.abort().catch(() => undefined);
        throw err;
      }
      const from = performance.now();
      await txn.commit();
      return performance.now() - from;
    },
  );
  const sliceMs = (settings.seconds * 1000) / settings.rounds;
  try {
    for (let round = 0; round < settings.rounds; round++) {
      const order = round % 2 === 0 ? [idempotent, transactional] : [transactional, idempotent];
      for (const c of order) await c.slice(settings.sliceWarmupMs, sliceMs);
    }
  } finally {
    await Promise.all(
      [idempotent, transactional].map((c) => c.producer.disconnect().catch(() => undefined)),
    );
  }
  await deleteTopic(port, idempotentTopic);
  await deleteTopic(port, transactionalTopic);
  return [idempotent.row(records, false), transactional.row(records, true)];
}
