// The broker benchmark's cases for one record shape, each turned into a table row: the raw limit
// and Samsa (acks=1, acks=-1) producing, then both consuming, then kcat producing to Samsa.
//
// A shared machine's load comes and goes, so the raw limit and Samsa are measured interleaved:
// each produce case runs in slices, round after round (raw, acks=1, acks=-1, then acks=1,
// acks=-1, raw, ...), and consume passes alternate between the raw file and Samsa's log; a burst
// of other work then lowers both sides of a ratio instead of one. Topics are deleted as soon as
// their case is over, with file.delete.delay.ms=0 so that their files (and dirty pages) go at
// once: otherwise gigabytes of earlier cases' data are written back to disk during later cases,
// and the kernel throttles whichever process is writing then. A failing case becomes a row.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Apis } from '../src/protocol/generated/index.js';
import { startChildRawServer, startInProcessRawServer, type BenchServer } from './bench-servers.js';
import { consumePass, type ConsumeSource } from './consume-load.js';
import { CpuMeter, type CpuShare } from './cpu-meter.js';
import { FrameConnection } from './frame-connection.js';
import { runKcat, writeLinesFile } from './kcat-load.js';
import {
  buildProduceFrames,
  shapeLabel,
  type ProduceFrames,
  type RecordShape,
} from './produce-frames.js';
import { quantile, runPipelined } from './pipelined-load.js';

export type Mode = 'child' | 'in-process';

export interface BenchSettings {
  /** Measured seconds per produce case, and per consume case. */
  readonly seconds: number;
  /** Produce cases are measured in this many interleaved slices. */
  readonly rounds: number;
  /** Untimed lead-in of each produce slice (the pipeline filling). */
  readonly sliceWarmupMs: number;
  /** Untimed traffic through a fresh broker before the first case. */
  readonly warmupMs: number;
  readonly inFlight: number;
  /** Hard bound on a shape's consume passes. */
  readonly consumeTimeoutMs: number;
  /** Where raw files and kcat input go. */
  readonly dataDir: string;
  /** kcat's input is capped at this many bytes, so its (slower) run stays short. */
  readonly kcatBytes: number;
  /**
   * A consume pass reads the first this many bytes of record values (the whole log when it is
   * smaller), so that the raw limit and Samsa read the same volume, in the same page-cache state,
   * however fast each produced.
   */
  readonly consumeBytes: number;
}

export interface Row {
  readonly label: string;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly cpu: CpuShare | null;
  /** CPU share of a load generator other than this process (kcat), when there is one. */
  readonly externalGenerator?: number | null;
  /** The raw-limit row this one is compared with (itself for a raw row). */
  baseline: Row | null;
  readonly note?: string;
}

function failedRow(label: string, err: unknown): Row {
  process.exitCode = 1;
  return {
    label,
    recordsPerSec: Number.NaN,
    mbPerSec: Number.NaN,
    p50: null,
    p99: null,
    cpu: null,
    baseline: null,
    note: `failed: ${(err as Error).message.split('\n')[0]}`,
  };
}

function rates(records: number, seconds: number, shape: RecordShape) {
  const recordsPerSec = records / seconds;
  return { recordsPerSec, mbPerSec: (recordsPerSec * shape.recordBytes) / 1e6 };
}

function sizeName(shape: RecordShape): string {
  return shape.recordBytes >= 1024 ? `${shape.recordBytes / 1024} KiB` : `${shape.recordBytes} B`;
}

/** One produce case measured in slices on one connection; a failure ends it. */
class ProduceCase {
  readonly label: string;
  readonly #settings: BenchSettings;
  readonly #server: BenchServer;
  readonly #frames: ProduceFrames;
  readonly #meter: CpuMeter;
  #conn: FrameConnection | null = null;
  #records = 0;
  #seconds = 0;
  #latencies: Float64Array[] = [];
  #error: unknown = null;
  /** Records acknowledged, slices' lead-ins and drains included: what the log holds. */
  logRecords = 0;

  constructor(
    label: string,
    settings: BenchSettings,
    server: BenchServer,
    topic: string,
    shape: RecordShape,
    acks: number,
  ) {
    this.label = label;
    this.#settings = settings;
    this.#server = server;
    this.#frames = buildProduceFrames(topic, shape, acks, Math.max(16, settings.inFlight * 2));
    this.#meter = new CpuMeter(server.pid);
  }

  get recordsPerSec(): number {
    return this.#seconds === 0 ? 0 : this.#records / this.#seconds;
  }

  async slice(measureMs: number): Promise<void> {
    if (this.#error !== null) return;
    try {
      this.#conn ??= await FrameConnection.open(this.#server.port);
      const run = await runPipelined(this.#conn, this.#frames, {
        inFlight: this.#settings.inFlight,
        warmupMs: this.#settings.sliceWarmupMs,
        measureMs,
        hooks: this.#meter,
      });
      this.#records += run.records;
      this.#seconds += run.seconds;
      this.logRecords += run.totalRecords;
      this.#latencies.push(run.latenciesMs);
    } catch (err) {
      this.#error = err;
      this.close();
    }
  }

  close(): void {
    this.#conn?.close();
    this.#conn = null;
  }

  row(): Row {
    if (this.#error !== null) return failedRow(this.label, this.#error);
    const all = new Float64Array(this.#latencies.reduce((n, l) => n + l.length, 0));
    let at = 0;
    for (const l of this.#latencies) {
      all.set(l, at);
      at += l.length;
    }
    all.sort();
    return {
      label: this.label,
      ...rates(this.#records, this.#seconds, this.#frames.shape),
      p50: quantile(all, 0.5),
      p99: quantile(all, 0.99),
      cpu: this.#meter.share,
      baseline: null,
    };
  }
}

/** One consume case: passes from offset 0 over the first `target` records, added up. */
class ConsumeCase {
  readonly label: string;
  readonly #server: BenchServer;
  readonly #source: ConsumeSource;
  readonly #shape: RecordShape;
  readonly #meter: CpuMeter;
  #target = 0;
  #records = 0;
  #bytes = 0;
  #passes = 0;
  #complete = true;
  #error: unknown = null;
  seconds = 0;

  constructor(label: string, server: BenchServer, source: ConsumeSource, shape: RecordShape) {
    this.label = label;
    this.#server = server;
    this.#source = source;
    this.#shape = shape;
    this.#meter = new CpuMeter(server.pid);
  }

  get done(): boolean {
    return this.#error !== null || !this.#complete;
  }

  /** The records a pass reads: whole batches of `logRecords`, up to the settings' byte cap. */
  setTarget(settings: BenchSettings, logRecords: number): void {
    const { recordBytes, recordsPerBatch } = this.#shape;
    const batches = Math.floor(settings.consumeBytes / (recordBytes * recordsPerBatch));
    this.#target = Math.min(logRecords, Math.max(1, batches) * recordsPerBatch);
  }

  async pass(deadline: number): Promise<void> {
    if (this.done) return;
    try {
      const pass = await consumePass(
        this.#server.port,
        this.#source,
        this.#target,
        deadline,
        this.#meter,
      );
      this.#records += pass.records;
      this.#bytes += pass.bytes;
      this.seconds += pass.seconds;
      this.#passes++;
      if (!pass.complete) this.#complete = false;
    } catch (err) {
      this.#error = err;
    }
  }

  row(): Row {
    if (this.#error !== null) return failedRow(this.label, this.#error);
    return {
      label: this.label,
      ...rates(this.#records, this.seconds, this.#shape),
      p50: null,
      p99: null,
      cpu: this.#meter.share,
      baseline: null,
      note: this.#complete
        ? `${this.#passes} passes over ${Math.round(this.#bytes / this.#passes / 1e6)} MB`
        : `stopped at the time bound after ${this.#records} records`,
    };
  }
}

/** A topic (one partition by default) whose files go at once when it is deleted (see above). */
export async function createTopic(port: number, name: string, numPartitions = 1): Promise<void> {
  const conn = await FrameConnection.open(port);
  try {
    const response = await conn.request(Apis.CreateTopics, 7, {
      topics: [
        {
          name,
          numPartitions,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: 'file.delete.delay.ms', value: '0' }],
        },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    const result = response.topics[0];
    if (result === undefined || result.errorCode !== 0) {
      throw new Error(
        `CreateTopics ${name}: error code ${result?.errorCode} ${result?.errorMessage}`,
      );
    }
  } finally {
    conn.close();
  }
}

export async function deleteTopic(port: number, name: string): Promise<void> {
  const conn = await FrameConnection.open(port);
  try {
    const response = await conn.request(Apis.DeleteTopics, 5, {
      topicNames: [name],
      timeoutMs: 10_000,
    });
    const result = response.responses[0];
    if (result === undefined || result.errorCode !== 0) {
      throw new Error(`DeleteTopics ${name}: error code ${result?.errorCode}`);
    }
  } finally {
    conn.close();
  }
}

/** Creates `topic`, runs `fn` on it, and deletes it whatever happened. */
async function withTopic<T>(port: number, topic: string, fn: () => Promise<T>): Promise<T> {
  await createTopic(port, topic);
  try {
    return await fn();
  } finally {
    await deleteTopic(port, topic);
  }
}

/** kcat producing about `seconds` worth of records at `rate`, capped by settings.kcatBytes. */
async function benchKcat(
  settings: BenchSettings,
  broker: BenchServer,
  shape: RecordShape,
  topic: string,
  rate: number,
): Promise<Row> {
  const label = `kcat   produce ${sizeName(shape)} acks=-1 linger.ms=5`;
  try {
    return await withTopic(broker.port, topic, async () => {
      const cap = settings.kcatBytes / shape.recordBytes;
      const count = Math.round(Math.max(1e4, Math.min(cap, rate * settings.seconds)));
      const file = join(settings.dataDir, `kcat-${shape.recordBytes}b.txt`);
      writeLinesFile(file, shape.recordBytes, count);
      try {
        const meter = new CpuMeter(broker.pid);
        meter.start();
        const run = await runKcat(broker.port, topic, file, settings.seconds * 6000 + 10_000);
        meter.end();
        return {
          label,
          ...rates(run.records, run.seconds, shape),
          p50: null,
          p99: null,
          cpu: meter.share,
          externalGenerator: run.cpuShare,
          baseline: null,
          note: `${run.records} records in ${run.seconds.toFixed(2)} s, kcat start included`,
        };
      } finally {
        rmSync(file, { force: true });
      }
    });
  } catch (err) {
    return failedRow(label, err);
  }
}

/**
 * Every case of one record shape: produce (raw, acks=1, and acks=-1 in child mode) interleaved,
 * then consume (raw and the acks=1 topic) alternating, then kcat when asked. Rows come back
 * grouped by direction, each Samsa row pointing at its raw baseline.
 */
export async function benchShape(
  settings: BenchSettings,
  mode: Mode,
  broker: BenchServer,
  shape: RecordShape,
  kcat: boolean,
): Promise<Row[]> {
  const name = shapeLabel(shape);
  const prefix = `bench-${mode}-${shape.recordBytes}b`;
  const file = join(settings.dataDir, `raw-${mode}-${shape.recordBytes}b.log`);
  const raw =
    mode === 'child' ? await startChildRawServer(file) : await startInProcessRawServer(file);
  const acksList = mode === 'child' ? [1, -1] : [1];
  const topics = acksList.map((acks) => `${prefix}-acks${acks === 1 ? '1' : 'all'}`);
  const produce = [new ProduceCase(`raw    produce ${name}`, settings, raw, 'raw', shape, 1)];
  const consume = [
    new ConsumeCase(
      `raw    consume ${name}`,
      raw,
      { kind: 'raw', recordsPerFrame: shape.recordsPerBatch },
      shape,
    ),
    new ConsumeCase(
      `samsa  consume ${name} (Fetch v12)`,
      broker,
      { kind: 'broker', topic: topics[0]! },
      shape,
    ),
  ];
  const created: string[] = [];
  try {
    for (const [i, acks] of acksList.entries()) {
      await createTopic(broker.port, topics[i]!);
      created.push(topics[i]!);
      produce.push(
        new ProduceCase(
          `samsa  produce ${name} acks=${acks}`,
          settings,
          broker,
          topics[i]!,
          shape,
          acks,
        ),
      );
    }
    const sliceMs = (settings.seconds * 1000) / settings.rounds;
    // Each round starts one case later, so that whatever follows a switch of server (a slice
    // after the other process ran) is spread over the cases rather than always hitting one.
    for (let round = 0; round < settings.rounds; round++) {
      for (let i = 0; i < produce.length; i++) {
        await produce[(round + i) % produce.length]!.slice(sliceMs);
      }
    }
    for (const c of produce) c.close();
    // Only the acks=1 topic is read back; the others' data goes now.
    while (created.length > 1) await deleteTopic(broker.port, created.pop()!);
    consume[0]!.setTarget(settings, produce[0]!.logRecords);
    consume[1]!.setTarget(settings, produce[1]!.logRecords);
    const deadline = performance.now() + settings.consumeTimeoutMs;
    while (
      consume.some((c) => !c.done && c.seconds < settings.seconds) &&
      performance.now() < deadline
    ) {
      for (const c of consume) if (c.seconds < settings.seconds) await c.pass(deadline);
    }
  } finally {
    for (const c of produce) c.close();
    await raw.stop();
    rmSync(file, { force: true });
    for (const topic of created) await deleteTopic(broker.port, topic);
  }
  const produceRows = produce.map((c) => c.row());
  const consumeRows = consume.map((c) => c.row());
  const [rawProduce, ...samsaProduce] = produceRows;
  const [rawConsume, samsaConsume] = consumeRows;
  rawProduce!.baseline = rawProduce!;
  rawConsume!.baseline = rawConsume!;
  for (const r of samsaProduce) r.baseline = rawProduce!;
  samsaConsume!.baseline = rawConsume!;
  const rate = produce.at(-1)!.recordsPerSec;
  if (kcat && rate > 0) {
    const row = await benchKcat(settings, broker, shape, `${prefix}-kcat`, rate);
    row.baseline = rawProduce!;
    produceRows.push(row);
  }
  return [...produceRows, ...consumeRows];
}

/** Untimed traffic through a fresh broker, so that the first measured case does not pay for JIT. */
export async function warmUp(
  settings: BenchSettings,
  broker: BenchServer,
  shapes: readonly RecordShape[],
): Promise<void> {
  for (const shape of shapes) {
    const topic = `bench-warmup-${shape.recordBytes}b`;
    await withTopic(broker.port, topic, async () => {
      const frames = buildProduceFrames(topic, shape, 1, Math.max(16, settings.inFlight * 2));
      const conn = await FrameConnection.open(broker.port);
      let records = 0;
      try {
        const run = await runPipelined(conn, frames, {
          inFlight: settings.inFlight,
          warmupMs: 0,
          measureMs: settings.warmupMs,
        });
        records = run.totalRecords;
      } finally {
        conn.close();
      }
      const deadline = performance.now() + settings.consumeTimeoutMs;
      await consumePass(broker.port, { kind: 'broker', topic }, records, deadline);
    });
  }
}
