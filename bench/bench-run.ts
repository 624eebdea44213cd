// What every benchmark that runs a broker sets up first: a temp data dir (under
// SAMSA_BENCH_DIR, or the OS temp dir) removed when the process exits, however it exits, and a
// hard bound on the whole run, past which the process stops with an error; and the lines that
// open its report.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { staleCompiledBroker } from './bench-servers.js';

/** Creates the run's temp data dir, named `prefix` plus a random suffix, and arms the bound. */
export function startBenchRun(name: string, prefix: string, boundMs: number): string {
  const dataDir = mkdtempSync(join(process.env.SAMSA_BENCH_DIR ?? tmpdir(), prefix));
  let cleaned = false;
  process.once('exit', () => {
    if (cleaned) return;
    cleaned = true;
    rmSync(dataDir, { recursive: true, force: true });
  });
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  setTimeout(() => {
    console.error(`${name} stopped: it ran past its ${boundMs / 1000} s bound`);
    process.exit(1);
  }, boundMs).unref();
  return dataDir;
}

/**
 * Prints the run's first lines: the machine and its load, a warning when other work keeps it
 * busy (`busyNote` says what that does to the figures), and one when the child broker would run
 * compiled code older than src/ (pass `childBroker: false` when no child broker runs).
 */
export function printRunHeader(
  name: string,
  { busyNote = 'every figure is noisier for it', childBroker = true } = {},
): void {
  const cpu = cpus();
  const load = loadavg()[0]!;
  console.log(
    `${name}: Node ${process.version}, ${process.platform} ${process.arch}, ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), load average ${load.toFixed(2)} at start`,
  );
  if (load > cpu.length / 2) {
    console.log(`warning: the machine is busy with other work; ${busyNote}`);
  }
  const stale = childBroker ? staleCompiledBroker() : null;
  if (stale !== null) {
    console.log(`warning: the child broker runs compiled code that may be stale: ${stale}`);
  }
}
