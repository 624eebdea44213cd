// The numbers and lines Kafka's perf tools print (ProducerPerformance.Stats,
// ConsumerPerformance), formatted as Java's printf formats them.
//
// Producer, every reporting interval (5 s) and at the end:
//   "%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency."
//   "%d records sent, %.1f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency,
//    %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th."
// Latencies are sampled (at most 500 000 kept), as Kafka samples them, for the percentiles.

/** Java's "%.Nf" (HALF_UP, "NaN", "Infinity"). */
export function fixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const scale = 10 ** digits;
  const rounded = (Math.sign(value) * Math.round(Math.abs(value) * scale + 1e-9)) / scale;
  return rounded.toFixed(digits);
}

const MB = 1024 * 1024;

export class ProducerStats {
  readonly #start: number;
  readonly #latencies: Int32Array;
  readonly #sampling: number;
  readonly #reportingIntervalMs: number;
  readonly #print: (line: string) => void;
  #iteration = 0;
  #index = 0;
  count = 0;
  bytes = 0;
  #maxLatency = 0;
  #totalLatency = 0;
  #windowCount = 0;
  #windowMaxLatency = 0;
  #windowTotalLatency = 0;
  #windowBytes = 0;
  #windowStart: number;

  constructor(numRecords: number, reportingIntervalMs: number, print: (line: string) => void) {
    this.#start = Date.now();
    this.#windowStart = this.#start;
    this.#sampling = Math.max(1, Math.floor(numRecords / Math.min(numRecords, 500_000)));
    this.#latencies = new Int32Array(Math.floor(numRecords / this.#sampling) + 1);
    this.#reportingIntervalMs = reportingIntervalMs;
    this.#print = print;
  }

  record(latency: number, bytes: number, now: number): void {
    this.count++;
    this.bytes += bytes;
    this.#totalLatency += latency;
    this.#maxLatency = Math.max(this.#maxLatency, latency);
    this.#windowCount++;
    this.#windowBytes += bytes;
    this.#windowTotalLatency += latency;
    this.#windowMaxLatency = Math.max(this.#windowMaxLatency, latency);
    if (this.#iteration % this.#sampling === 0 && this.#index < this.#latencies.length) {
      this.#latencies[this.#index++] = latency;
    }
    this.#iteration++;
    if (now - this.#windowStart >= this.#reportingIntervalMs) {
      this.printWindow();
      this.#newWindow();
    }
  }

  printWindow(): void {
    const elapsed = Date.now() - this.#windowStart;
    const recsPerSec = (1000 * this.#windowCount) / elapsed;
    const mbPerSec = (1000 * this.#windowBytes) / elapsed / MB;
    this.#print(
      `${this.#windowCount} records sent, ${fixed(recsPerSec, 1)} records/sec (${fixed(mbPerSec, 2)} MB/sec), ${fixed(this.#windowTotalLatency / this.#windowCount, 1)} ms avg latency, ${fixed(this.#windowMaxLatency, 1)} ms max latency.`,
    );
  }

  #newWindow(): void {
    this.#windowStart = Date.now();
    this.#windowCount = 0;
    this.#windowMaxLatency = 0;
    this.#windowTotalLatency = 0;
    this.#windowBytes = 0;
  }

  printTotal(): void {
    const elapsed = Date.now() - this.#start;
    const recsPerSec = (1000 * this.count) / elapsed;
    const mbPerSec = (1000 * this.bytes) / elapsed / MB;
    const [p50, p95, p99, p999] = this.percentiles([0.5, 0.95, 0.99, 0.999]);
    this.#print(
      `${this.count} records sent, ${fixed(recsPerSec, 1)} records/sec (${fixed(mbPerSec, 2)} MB/sec), ${fixed(this.#totalLatency / this.count, 2)} ms avg latency, ${fixed(this.#maxLatency, 2)} ms max latency, ${p50} ms 50th, ${p95} ms 95th, ${p99} ms 99th, ${p999} ms 99.9th.`,
    );
  }

  /** Kafka's percentiles: the sorted samples at index floor(p × n). */
  percentiles(ps: readonly number[]): number[] {
    const size = Math.min(this.#index, this.#latencies.length);
    const sorted = this.#latencies.slice(0, size).sort();
    return ps.map((p) => (size === 0 ? 0 : sorted[Math.min(size - 1, Math.floor(p * size))]!));
  }
}

/** java.text.SimpleDateFormat for the letters kafka-consumer-perf-test's --date-format uses. */
export function formatDate(ms: number, pattern: string): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  const fields: Record<string, (n: number) => string> = {
    y: (n) => (n === 2 ? two(d.getFullYear() % 100) : String(d.getFullYear()).padStart(n, '0')),
    M: (n) => String(d.getMonth() + 1).padStart(n, '0'),
    d: (n) => String(d.getDate()).padStart(n, '0'),
    H: (n) => String(d.getHours()).padStart(n, '0'),
    h: (n) => String(d.getHours() % 12 || 12).padStart(n, '0'),
    m: (n) => String(d.getMinutes()).padStart(n, '0'),
    s: (n) => String(d.getSeconds()).padStart(n, '0'),
    S: (n) => String(d.getMilliseconds()).padStart(n, '0'),
    a: () => (d.getHours() < 12 ? 'AM' : 'PM'),
    Z: () => {
      const off = -d.getTimezoneOffset();
      return `${off >= 0 ? '+' : '-'}${two(Math.floor(Math.abs(off) / 60))}${two(Math.abs(off) % 60)}`;
    },
  };
  let out = '';
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      const literal = end === -1 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      out += literal === '' ? "'" : literal;
      i = end === -1 ? pattern.length : end + 1;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    const field = fields[c];
    out += field !== undefined ? field(n) : c.repeat(n);
    i += n;
  }
  return out;
}
