// One pipelined case measured in slices on its own connection (pipelined-load.ts), so that two
// cases can be interleaved round after round and a burst of other work on a shared machine lowers
// both sides of a ratio instead of one. Units and requests add up over the slices; a failure ends
// the case and becomes its row's error.
import type { BenchServer } from './bench-servers.js';
import { CpuMeter, type CpuShare } from './cpu-meter.js';
import { FrameConnection } from './frame-connection.js';
import { runPipelined, type PipelinedTraffic } from './pipelined-load.js';

export interface SliceSettings {
  readonly inFlight: number;
  /** Measured seconds per case, split into `rounds` interleaved slices. */
  readonly seconds: number;
  readonly rounds: number;
  readonly sliceWarmupMs: number;
}

export interface SlicedRow {
  readonly label: string;
  readonly unitsPerSec: number;
  readonly requestsPerSec: number;
  readonly cpu: CpuShare;
  readonly baseline: SlicedRow | null;
  error?: string;
}

export class SlicedCase {
  readonly label: string;
  readonly #traffic: PipelinedTraffic;
  readonly #meter: CpuMeter;
  #conn: FrameConnection | null = null;
  #units = 0;
  #requests = 0;
  #seconds = 0;
  #error: string | undefined;

  constructor(label: string, server: BenchServer, traffic: PipelinedTraffic) {
    this.label = label;
    this.#traffic = traffic;
    this.#meter = new CpuMeter(server.pid);
  }

  async slice(port: number, settings: SliceSettings, measureMs: number): Promise<void> {
    if (this.#error !== undefined) return;
    try {
      this.#conn ??= await FrameConnection.open(port);
      const run = await runPipelined(this.#conn, this.#traffic, {
        inFlight: settings.inFlight,
        warmupMs: settings.sliceWarmupMs,
        measureMs,
        hooks: this.#meter,
      });
      this.#units += run.records;
      this.#requests += run.requests;
      this.#seconds += run.seconds;
    } catch (err) {
      this.#error = (err as Error).message;
      this.close();
    }
  }

  close(): void {
    this.#conn?.close();
    this.#conn = null;
  }

  row(baseline: SlicedRow | null): SlicedRow {
    const per = (n: number): number => (this.#seconds === 0 ? Number.NaN : n / this.#seconds);
    return {
      label: this.label,
      unitsPerSec: this.#error === undefined ? per(this.#units) : Number.NaN,
      requestsPerSec: this.#error === undefined ? per(this.#requests) : Number.NaN,
      cpu: this.#meter.share,
      baseline,
      ...(this.#error === undefined ? {} : { error: this.#error }),
    };
  }
}
