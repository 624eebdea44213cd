// What every benchmark that runs a broker sets up first: a temp data dir (under
// SAMSA_BENCH_DIR, or the OS temp dir) removed when the process exits, however it exits, and a
// hard bound on the whole run, past which the process stops with an error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
