// A small benchmark harness: runs each case for a fixed time after a warm-up and reports
// operations/s and MB/s, each also as a ratio to a baseline measured in the same run, so the
// figures compare across machines. Benchmarks are never assertions.
import { performance } from 'node:perf_hooks';

export interface BenchCase {
  name: string;
  /** Bytes processed by one call of fn, for MB/s. */
  bytes: number;
  /** Messages (or other units) handled by one call of fn, for messages/s. */
  messages?: number;
  fn: () => unknown;
}

export interface BenchResult {
  name: string;
  opsPerSec: number;
  mbPerSec: number;
  messagesPerSec: number;
}

let sink: unknown;

export function measure(
  c: BenchCase,
  seconds = Number(process.env.SAMSA_BENCH_SECONDS ?? 0.6),
): BenchResult {
  const warmUntil = performance.now() + 150;
  while (performance.now() < warmUntil) sink = c.fn();
  let ops = 0;
  let batch = 1;
  const start = performance.now();
  const until = start + seconds * 1000;
  let now = start;
  while (now < until) {
    for (let i = 0; i < batch; i++) sink = c.fn();
    ops += batch;
    now = performance.now();
    if (now - start < 50) batch *= 2;
  }
  const elapsed = (now - start) / 1000;
  const opsPerSec = ops / elapsed;
  return {
    name: c.name,
    opsPerSec,
    mbPerSec: (opsPerSec * c.bytes) / 1e6,
    messagesPerSec: opsPerSec * (c.messages ?? 1),
  };
}

/** A rate or size for a table: thousands separators from 100 up, else 2 or 1 decimals. */
export function formatNumber(n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(n >= 10 ? 1 : 2);
}

/** Prints rows as an aligned table: the first column left-aligned, the others right-aligned. */
export function printAlignedTable(
  title: string,
  head: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    widths
      .map((w, i) => (i === 0 ? (cells[i] ?? '').padEnd(w) : (cells[i] ?? '').padStart(w)))
      .join('  ');
  console.log(`\n${title}`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** Prints results as an aligned table; ratio is MB/s relative to the baseline row. */
export function printTable(title: string, baseline: BenchResult, results: BenchResult[]): void {
  const rows = [baseline, ...results].map((r) => [
    r.name,
    formatNumber(r.messagesPerSec),
    formatNumber(r.mbPerSec),
    (r.mbPerSec / baseline.mbPerSec).toFixed(3),
  ]);
  printAlignedTable(title, ['case', 'messages/s', 'MB/s', 'x baseline'], rows);
  void sink;
}
