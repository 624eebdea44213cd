// What one client's capture returns, and the helpers every driver shares: a time limit for
// in-process clients and a child-process runner that kills its own child (by PID) on timeout.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../scripts/project-root.js';
import type { VersionRange } from './advertised-versions.js';
import type { CapturedFrame } from './capture-server.js';
import type { ClientScenario } from './scenarios.js';

export interface ClientRun {
  /** Label of the frames the run produced (CapturedFrame.run). */
  name: string;
  /** How the client was driven, e.g. the exact command line. */
  how: string;
  /** What the run checked after the client finished (its output, its acknowledgements). */
  verified: string;
}

export interface ClientCapture {
  scenario: ClientScenario;
  /** The client's own name, e.g. "kafkajs". */
  client: string;
  /** Its version, with the library underneath where there is one. */
  clientVersion: string;
  driver: string;
  runs: ClientRun[];
  /** What the capture server advertised in ApiVersions, by API key. */
  advertised: ReadonlyMap<number, VersionRange>;
  frames: CapturedFrame[];
  /** Requests the capture server could not answer; a good capture has none. */
  problems: string[];
}

export type CaptureDriver = () => Promise<ClientCapture>;

/** The version in node_modules/<name>/package.json of this project. */
export function installedVersion(name: string): string {
  const file = join(projectRoot(import.meta.url), 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Rejects when `work` takes longer than `ms`; `onTimeout` gets a chance to tear the client down. */
export async function withTimeout<T>(
  what: string,
  ms: number,
  work: Promise<T>,
  onTimeout?: () => unknown,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void Promise.resolve()
        .then(onTimeout)
        .catch(() => undefined);
      reject(new Error(`${what} did not finish within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ChildResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command with `input` on stdin; resolves with its output when it exits 0, rejects
 * otherwise. On timeout it kills the child it started, by PID, and rejects.
 */
export function runChild(
  command: string,
  args: readonly string[],
  options: { input?: string; timeoutMs: number },
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint =
        err.code === 'ENOENT' ? ' (not installed? run: bash scripts/install-test-deps.sh)' : '';
      reject(new Error(`Cannot run ${command}: ${err.message}${hint}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const shown = [command, ...args].join(' ');
      if (timedOut)
        reject(new Error(`${shown} was killed after ${options.timeoutMs} ms\n${stderr}`));
      else if (code !== 0) reject(new Error(`${shown} exited with ${code ?? signal}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
