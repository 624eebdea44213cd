// The pipelined load generator: pre-built request frames (Produce, OffsetCommit) over one socket
// with up to `inFlight` requests outstanding (librdkafka's max.in.flight is 5), for a warm-up and
// then a measured window, after which it stops sending and waits for the answers still due.
// Every response goes through the traffic's `settle`, which decodes it and throws on an error
// code, so a failing broker cannot post a good number.
import { performance } from 'node:perf_hooks';
import type { FrameConnection } from './frame-connection.js';

/** Requests to pipeline: pre-built frames, and the check of each answer. */
export interface PipelinedTraffic {
  /** The frame for correlation id `id` (patched in place in a ring slot). */
  frame(id: number): Buffer;
  /** Decodes the answer to request `id`, throws on an error, and returns the units it acknowledged. */
  settle(id: number, frame: Buffer): number;
}

export interface WindowHooks {
  /** Called when the measured window opens and closes (for CPU sampling). */
  readonly start?: () => void;
  readonly end?: () => void;
}

export interface PipelinedOptions {
  readonly inFlight: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Hard bound on waiting for the last answers after the window closed. */
  readonly drainTimeoutMs?: number;
  readonly hooks?: WindowHooks;
}

export interface PipelinedRun {
  /** Units (records, committed offsets) acknowledged inside the measured window. */
  readonly records: number;
  /** Units acknowledged in the whole run, warm-up and drain included (what the log holds). */
  readonly totalRecords: number;
  readonly requests: number;
  readonly seconds: number;
  /** Request latencies (send to response) of the window's requests, sorted, in ms. */
  readonly latenciesMs: Float64Array;
}

/** The q-quantile (0..1) of sorted values, nearest-rank. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function runPipelined(
  conn: FrameConnection,
  traffic: PipelinedTraffic,
  options: PipelinedOptions,
): Promise<PipelinedRun> {
  const { inFlight, hooks } = options;
  const sentAt = new Float64Array(256);
  let latencies = new Float64Array(1 << 16);
  let latencyCount = 0;
  let nextId = 0;
  let expectId = 0;
  let outstanding = 0;
  let totalAcked = 0;
  let windowAcked = 0;
  let windowRequests = 0;
  let phase: 'warmup' | 'measure' | 'drain' = 'warmup';
  const began = performance.now();
  const windowStart = began + options.warmupMs;
  const windowEnd = windowStart + options.measureMs;

  return new Promise<PipelinedRun>((resolve, reject) => {
    let done = false;
    // A run whose answers never come still moves through its phases, so the hooks always pair.
    const ticker = setInterval(() => {
      advance(performance.now());
      if (phase === 'drain') clearInterval(ticker);
    }, 50);
    const finish = (err: Error | null): void => {
      if (done) return;
      done = true;
      clearTimeout(watchdog);
      clearInterval(ticker);
      if (err !== null) {
        reject(err);
        return;
      }
      const sorted = latencies.slice(0, latencyCount).sort();
      resolve({
        records: windowAcked,
        totalRecords: totalAcked,
        requests: windowRequests,
        seconds: options.measureMs / 1000,
        latenciesMs: sorted,
      });
    };
    const watchdog = setTimeout(
      () => finish(new Error(`Pipelined run did not finish: ${outstanding} requests unanswered`)),
      options.warmupMs + options.measureMs + (options.drainTimeoutMs ?? 30_000),
    );

    const pump = (): void => {
      while (outstanding < inFlight && phase !== 'drain') {
        const id = nextId++;
        sentAt[id & 255] = performance.now();
        outstanding++;
        conn.send(traffic.frame(id));
      }
    };

    const advance = (now: number): void => {
      if (phase === 'warmup' && now >= windowStart) {
        phase = 'measure';
        hooks?.start?.();
      }
      if (phase === 'measure' && now >= windowEnd) {
        phase = 'drain';
        hooks?.end?.();
      }
    };

    conn.listen(
      (frame) => {
        const now = performance.now();
        const id = expectId++;
        let units: number;
        try {
          units = traffic.settle(id, frame);
        } catch (err) {
          finish(err as Error);
          return;
        }
        outstanding--;
        totalAcked += units;
        advance(now);
        if (phase === 'measure') {
          windowAcked += units;
          windowRequests++;
          if (latencyCount === latencies.length) {
            const grown = new Float64Array(latencies.length * 2);
            grown.set(latencies);
            latencies = grown;
          }
          latencies[latencyCount++] = now - sentAt[id & 255]!;
        }
        if (phase === 'drain') {
          if (outstanding === 0) finish(null);
          return;
        }
        pump();
      },
      (err) => finish(err),
    );
    pump();
  });
}

/**
 * Sends exactly `count` requests of `traffic` (correlation ids 0 to count - 1) with up to
 * `inFlight` outstanding, and resolves once all are answered: the records of one transaction.
 */
export function sendPipelined(
  conn: FrameConnection,
  traffic: PipelinedTraffic,
  count: number,
  inFlight: number,
  timeoutMs = 30_000,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let sent = 0;
    let answered = 0;
    const finish = (err: Error | null): void => {
      clearTimeout(watchdog);
      conn.listen(
        () => undefined,
        () => undefined,
      );
      if (err === null) resolve();
      else reject(err);
    };
    const watchdog = setTimeout(
      () => finish(new Error(`${count - answered} of ${count} requests unanswered`)),
      timeoutMs,
    );
    const pump = (): void => {
      while (sent < count && sent - answered < inFlight) conn.send(traffic.frame(sent++));
    };
    conn.listen(
      (frame) => {
        try {
          traffic.settle(answered++, frame);
        } catch (err) {
          finish(err as Error);
          return;
        }
        if (answered === count) finish(null);
        else pump();
      },
      (err) => finish(err),
    );
    pump();
  });
}
