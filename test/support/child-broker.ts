// Runs `samsa server` (bin/samsa.js, compiled into dist/) as a child process on 127.0.0.1 port 0,
// for tests that must kill the broker for real (kill -9) or restart it on the same data dir. The
// port comes from the banner it prints once listening:
//   Samsa broker 1 started: cluster …, listeners PLAINTEXT://127.0.0.1:PORT, data DIR
// A missing or stale dist/ fails loudly (run npm run build); the child is killed by its PID.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/project-root.js';
import { BackgroundChild } from './run.js';

const ROOT = projectRoot(import.meta.url);
const BIN = join(ROOT, 'bin', 'samsa.js');
const COMPILED_MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const BANNER = /Samsa broker (\d+) started: .*listeners PLAINTEXT:\/\/([\d.]+):(\d+)/;
/** How long a broker may take to print its banner (log recovery included) or to stop. */
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
/** Hard upper bound on a child broker's life, so a stuck test cannot leak it. */
const LIFETIME_MS = 5 * 60_000;

export interface ChildBroker {
  pid: number;
  /** "127.0.0.1:port" */
  bootstrap: string;
  port: number;
  dataDir: string;
  /** The process; its stderr holds the broker's logs. */
  process: BackgroundChild;
  /** kill -9: no shutdown hooks, no flush. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for a graceful exit (SIGKILL if it takes longer than the stop timeout). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Source files edited after their compiled counterparts were written, relative to src/. */
function staleSources(): string[] {
  const src = join(ROOT, 'src');
  const stale: string[] = [];
  for (const name of readdirSync(src, { recursive: true })) {
    const file = String(name);
    if (!file.endsWith('.ts')) continue;
    const compiled = join(ROOT, 'dist', 'src', file.replace(/\.ts$/, '.js'));
    // A file never compiled is new; whatever imports it was edited too, and is caught there.
    if (existsSync(compiled) && statSync(join(src, file)).mtimeMs > statSync(compiled).mtimeMs)
      stale.push(file);
  }
  return stale;
}

/** Fails loudly when bin/samsa.js would run missing or out-of-date compiled code. */
export function assertCompiledBroker(): void {
  if (!existsSync(COMPILED_MAIN)) {
    throw new Error(`${COMPILED_MAIN} is missing: run npm run build before the child-broker tests`);
  }
  const stale = staleSources();
  if (stale.length > 0) {
    throw new Error(
      `dist/ is older than src/ (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''}): ` +
        'run npm run build so that bin/samsa.js runs the current code',
    );
  }
}

/** A fresh temp data dir for a child broker (removed by removeDataDir). */
export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'samsa-child-'));
}

export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}

export async function startChildBroker(
  options: { dataDir?: string; overrides?: Record<string, string | number | boolean> } = {},
): Promise<ChildBroker> {
  assertCompiledBroker();
  const dataDir = options.dataDir ?? newDataDir();
  const overrides = Object.entries({
    listeners: 'PLAINTEXT://127.0.0.1:0',
    'log.dirs': dataDir,
    ...options.overrides,
  }).flatMap(([k, v]) => ['--override', `${k}=${String(v)}`]);
  const child = new BackgroundChild(process.execPath, [BIN, 'server', ...overrides], {
    timeoutMs: LIFETIME_MS,
    env: { ...process.env, SAMSA_LOG_LEVEL: process.env.SAMSA_TEST_LOG ?? 'warn' },
  });
  try {
    await child.waitFor('startup banner', (out) => BANNER.test(out), START_TIMEOUT_MS);
  } catch (err) {
    await child.kill('SIGKILL');
    throw err;
  }
  const match = BANNER.exec(child.stdout.toString('utf8'))!;
  const port = Number(match[3]);
  const pid = child.pid!;
  return {
    pid,
    bootstrap: `${match[2]}:${port}`,
    port,
    dataDir,
    process: child,
    async kill9() {
      await child.kill('SIGKILL');
    },
    async stop() {
      const stopping = child.exited;
      if (child.running) process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => void child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      try {
        return await stopping;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
