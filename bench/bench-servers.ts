// The servers under test, each with a port and a process to sample for CPU: Samsa as a child
// process (`node bin/samsa.js server`, the compiled broker, exactly as users run it) or in this
// process, and the raw-limit server likewise. Children get child-guard.ts preloaded so they stop
// by themselves if this process dies; every child is killed by its own pid on exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { projectRoot } from '../scripts/project-root.js';
import { loadBrokerConfig } from '../src/config/index.js';
import { Broker } from '../src/server/broker.js';
import { startRawServer } from './raw-server.js';

const ROOT = projectRoot(import.meta.url);
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const SAMSA_BANNER = /Samsa broker \d+ started: .*listeners PLAINTEXT:\/\/[\d.]+:(\d+)/;
const RAW_BANNER = /raw server listening on (\d+)/;

export interface BenchServer {
  readonly port: number;
  /** The process doing the server's work (this one when in-process). */
  readonly pid: number;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** This module's compiled sibling, run by node (bench/ is compiled into dist/bench/). */
function compiledSibling(name: string): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return join(here, name);
}

async function startChild(
  args: readonly string[],
  banner: RegExp,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; port: number }> {
  const guard = pathToFileURL(compiledSibling('child-guard.js')).href;
  const child = spawn(process.execPath, ['--import', guard, ...args], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-16_384);
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail('did not start'), START_TIMEOUT_MS);
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} ${why}:\n${stdout}${stderr}`));
    }
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      const match = banner.exec(stdout);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before listening`));
  });
  return { child, port };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Why bin/samsa.js would run other code than src/ holds (dist/ missing or older than a source
 * file), or null when it is current; `npm run bench` builds first, so this is for direct runs.
 */
export function staleCompiledBroker(): string | null {
  const main = join(ROOT, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(main)) return `${main} is missing: run npm run build`;
  const built = statSync(main).mtimeMs;
  const src = join(ROOT, 'src');
  if (!existsSync(src)) return null;
  for (const name of readdirSync(src, { recursive: true })) {
    const file = String(name);
    if (file.endsWith('.ts') && statSync(join(src, file)).mtimeMs > built) {
      return `src/${file} is newer than dist/: run npm run build`;
    }
  }
  return null;
}

export interface ChildBrokerOptions {
  readonly dataDir: string;
  /** When set, the broker runs with --cpu-prof and writes its profile here on stop. */
  readonly cpuProfileDir?: string;
  /** More `key=value` broker settings, passed as --override. */
  readonly overrides?: readonly string[];
}

export async function startChildBroker(options: ChildBrokerOptions): Promise<BenchServer> {
  const profile =
    options.cpuProfileDir === undefined
      ? []
      : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`];
  const { child, port } = await startChild(
    [
      ...profile,
      join(ROOT, 'bin', 'samsa.js'),
      'server',
      '--override',
      'listeners=PLAINTEXT://127.0.0.1:0',
      '--override',
      `log.dirs=${options.dataDir}`,
      ...(options.overrides ?? []).flatMap((o) => ['--override', o]),
    ],
    SAMSA_BANNER,
    { ...process.env, SAMSA_LOG_LEVEL: process.env.SAMSA_LOG_LEVEL ?? 'warn' },
  );
  return { port, pid: child.pid!, stop: () => stopChild(child) };
}

export async function startInProcessBroker(dataDir: string): Promise<BenchServer> {
  const config = loadBrokerConfig({
    overrides: ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${dataDir}`],
  });
  const broker = new Broker({ config, logger: pino({ level: 'silent' }), shutdownGraceMs: 5000 });
  await broker.start();
  return { port: broker.listeners[0]!.boundPort, pid: process.pid, stop: () => broker.stop() };
}

export async function startChildRawServer(file: string): Promise<BenchServer> {
  const { child, port } = await startChild(
    [compiledSibling('raw-server-child.js'), file],
    RAW_BANNER,
    process.env,
  );
  return { port, pid: child.pid!, stop: () => stopChild(child) };
}

export async function startInProcessRawServer(file: string): Promise<BenchServer> {
  const server = await startRawServer(file);
  return { port: server.port, pid: process.pid, stop: () => server.close() };
}
