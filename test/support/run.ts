// Child processes for interop and fault tests: every child is bounded by a timeout and killed by
// its own PID (never by name), its output captured as bytes. A missing tool fails loudly with the
// command that installs it; nothing here ever skips.
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunResult {
  /** Exit code, or null when a signal ended the child. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  /** Written to stdin, which is then closed. */
  input?: string | Buffer;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

const INSTALL_HINTS: Record<string, string> = {
  kcat: 'kcat is not installed: run bash scripts/install-test-deps.sh (apt-get install -y kcat)',
  '/usr/bin/python3':
    '/usr/bin/python3 is not installed: run bash scripts/install-test-deps.sh ' +
    '(apt-get install -y python3-confluent-kafka)',
};

function spawnError(command: string, err: NodeJS.ErrnoException): Error {
  const hint =
    err.code === 'ENOENT' ? (INSTALL_HINTS[command] ?? `${command} is not installed`) : '';
  return new Error(`Cannot run ${command}: ${err.message}${hint ? ` (${hint})` : ''}`, {
    cause: err,
  });
}

function killByPid(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** The command line for messages, long arguments (inline scripts) shortened. */
export function shownCommand(command: string, args: readonly string[]): string {
  return [command, ...args]
    .map((a) => (a.length > 120 ? `${a.slice(0, 100).replace(/\s+/g, ' ')}…` : a))
    .join(' ');
}

/** Runs a command to completion (or its timeout, when it is killed); never rejects on exit codes. */
export function run(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      killByPid(child);
    }, options.timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(spawnError(command, err));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr, timedOut });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Like run(), but rejects unless the command exits 0 within its timeout. */
export async function runOk(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.timedOut || result.code !== 0) {
    const why = result.timedOut
      ? `was killed after ${options.timeoutMs} ms`
      : `exited with ${result.code ?? result.signal}`;
    throw new Error(`${shownCommand(command, args)} ${why}\n${result.stderr}`);
  }
  return result;
}

/**
 * A child that runs in the background (a tailing consumer, a producer under load, a broker): its
 * output accumulates while the test goes on; `waitFor` watches for a line, `kill` ends it by PID.
 * It is killed with SIGKILL when `timeoutMs` passes, whatever the test is doing.
 */
export class BackgroundChild {
  readonly #child: ChildProcess;
  readonly #timer: NodeJS.Timeout;
  readonly #stdout: Buffer[] = [];
  #stderr = '';
  #listeners = new Set<() => void>();
  #timedOut = false;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly command: string;

  constructor(
    command: string,
    args: readonly string[],
    options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
  ) {
    this.command = shownCommand(command, args);
    this.#child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    this.#child.stdin?.on('error', () => undefined);
    this.#child.stdout?.on('data', (b: Buffer) => {
      this.#stdout.push(b);
      this.#notify();
    });
    this.#child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      this.#stderr += s;
      this.#notify();
    });
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      killByPid(this.#child);
    }, options.timeoutMs);
    this.exited = new Promise((resolve, reject) => {
      this.#child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(this.#timer);
        reject(spawnError(command, err));
      });
      this.#child.on('close', (code, signal) => {
        clearTimeout(this.#timer);
        this.#notify();
        resolve({ code, signal });
      });
    });
    // A spawn error is reported by whoever awaits `exited` or `waitFor`; never unhandled.
    this.exited.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get stdout(): Buffer {
    return Buffer.concat(this.#stdout);
  }

  get stderr(): string {
    return this.#stderr;
  }

  get timedOut(): boolean {
    return this.#timedOut;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Writes to the child's stdin (kept open until endInput). */
  write(data: string | Buffer): void {
    this.#child.stdin?.write(data);
  }

  endInput(): void {
    this.#child.stdin?.end();
  }

  /**
   * Resolves once `done(stdout, stderr)` holds; rejects when the child exits first or `timeoutMs`
   * passes (the child keeps running then: the caller decides).
   */
  async waitFor(
    what: string,
    done: (stdout: string, stderr: string) => boolean,
    timeoutMs: number,
  ): Promise<void> {
    let exited = false;
    void this.exited.then(
      () => (exited = true),
      () => (exited = true),
    );
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (done(this.stdout.toString('utf8'), this.#stderr)) finish(resolve);
        // `exited` is set on 'close', once all output has been read.
        else if (exited)
          finish(() =>
            reject(new Error(`${this.command} exited before ${what}\n${this.describe()}`)),
          );
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(
                `No ${what} within ${timeoutMs} ms from ${this.command}\n${this.describe()}`,
              ),
            ),
          ),
        timeoutMs,
      );
      const finish = (then: () => void): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        then();
      };
      this.#listeners.add(check);
      this.exited.then(check, (err: unknown) => finish(() => reject(err as Error)));
      check();
    });
  }

  /** Sends `signal` to the child's PID and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    killByPid(this.#child, signal);
    await this.exited.catch(() => undefined);
  }

  describe(): string {
    const out = this.stdout.toString('utf8');
    return `stdout: ${out.slice(-2000)}\nstderr: ${this.#stderr.slice(-2000)}`;
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
