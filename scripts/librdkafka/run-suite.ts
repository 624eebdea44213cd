// Runs tests of librdkafka's suite against Samsa, one group at a time: each group gets a fresh
// broker (a child process of bin/samsa.js on 127.0.0.1, a new data dir, the settings the suite's
// "default" scenario gives Kafka), its own test.conf, and the test runner with a timeout. A group
// is what the runner's TESTS= filter can select: one test number, its local (no broker) or broker
// variants, in one scenario. Every child is stopped by its own PID.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CACHE_DIR,
  COMPAT_DIR,
  LIBRARY_PATH,
  ROOT,
  TEST_RUNNER,
  TESTS_DIR,
  type SuiteTest,
} from './suite.js';

/**
 * The Kafka version the suite is told it talks to. It gates tests (TEST_BRKVER) and what tests
 * expect: Samsa serves Kafka 4.0's protocol baseline (KIP-896: no message format v0/v1) and
 * KIP-848 groups, and has no share groups (4.2), so 4.0.0.
 */
export const TEST_KAFKA_VERSION = '4.0.0';

/**
 * Broker settings of the suite's scenarios (tests/scenarios/*.json and trivup's template). The
 * ACL tests (0081's admin ACL steps, 0109, 0115, 0119) need an authorizer; with
 * allow.everyone.if.no.acl.found every other test runs as without one.
 */
export function scenarioOverrides(scenario: string): Record<string, string> {
  return {
    'num.partitions': '4',
    'auto.create.topics.enable': scenario === 'noautocreate' ? 'false' : 'true',
    'delete.topic.enable': 'true',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': 'true',
  };
}

export type TestState = 'PASSED' | 'FAILED' | 'SKIPPED' | 'TIMEOUT' | 'CRASHED' | 'NOT RUN';

export interface TestResult {
  name: string;
  local: boolean;
  state: TestState;
  /** Wall-clock time of the test's group (broker start and stop included). */
  seconds: number;
  /** The runner's failure (or skip) reason, when it gave one. */
  reason: string;
  /** The runner's output and the broker's log for this test's group. */
  log: string;
  brokerLog?: string;
}

export interface RunOptions {
  /** Passes -Q: the suite's quick mode (fewer messages, shorter waits). */
  quick?: boolean;
  /** librdkafka `debug` contexts for every client (test.conf `debug=`). */
  debug?: string;
  /** SAMSA_LOG_LEVEL of the broker (default info). */
  brokerLogLevel?: string;
  /** Kills a group's runner after this long (default 30 minutes). */
  timeoutMs?: number;
  /** test.timeout.multiplier (trivup uses 2). */
  timeoutMultiplier?: number;
  /** Where the runner's and the broker's logs go (default interop/librdkafka/.build/logs). */
  logsDir?: string;
  /** TEST_CONSUMER_GROUP_PROTOCOL: `consumer` runs the group tests with KIP-848's protocol. */
  groupProtocol?: 'classic' | 'consumer';
}

/** The runner's invocation for tests sharing a number, locality and scenario. */
export interface TestGroup {
  key: string;
  number: string;
  local: boolean;
  scenario: string;
  knownIssue: boolean;
  tests: SuiteTest[];
}

export function groupTests(tests: SuiteTest[]): TestGroup[] {
  const groups = new Map<string, TestGroup>();
  for (const t of tests) {
    const scenario = t.scenarios.includes('default') ? 'default' : t.scenarios[0]!;
    const key = `${t.number}${t.local ? '-local' : ''}${scenario === 'default' ? '' : `-${scenario}`}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, number: t.number, local: t.local, scenario, knownIssue: false, tests: [] };
      groups.set(key, g);
    }
    g.tests.push(t);
    g.knownIssue ||= t.knownIssue;
  }
  return [...groups.values()];
}

const BANNER = /Samsa broker \d+ started: .*listeners PLAINTEXT:\/\/([\d.]+):(\d+)/;
const BROKER_START_MS = 20_000;
const BROKER_STOP_MS = 10_000;

function killPid(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('close', () => resolve());
  });
}

interface RunningBroker {
  bootstrap: string;
  stop(): Promise<void>;
}

/** Starts `samsa server` from the compiled project; its log (stderr) goes to `logFile`. */
async function startBroker(
  overrides: Record<string, string>,
  logFile: string,
  logLevel: string,
  lifetimeMs: number,
): Promise<RunningBroker> {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js')))
    throw new Error('dist/ is missing: run npm run build first');
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-librdkafka-'));
  const args = Object.entries({
    listeners: 'PLAINTEXT://127.0.0.1:0',
    'log.dirs': dataDir,
    ...overrides,
  }).flatMap(([k, v]) => ['--override', `${k}=${v}`]);
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'samsa.js'), 'server', ...args], {
    stdio: ['ignore', 'pipe', fd],
    env: { ...process.env, SAMSA_LOG_LEVEL: logLevel },
  });
  closeSync(fd);
  const lifetime = setTimeout(() => killPid(child, 'SIGKILL'), lifetimeMs);
  const cleanup = async (): Promise<void> => {
    clearTimeout(lifetime);
    await exited(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  let stdout = '';
  try {
    const bootstrap = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Samsa did not start within ${BROKER_START_MS} ms; see ${logFile}`)),
        BROKER_START_MS,
      );
      child.stdout!.setEncoding('utf8').on('data', (s: string) => {
        stdout += s;
        const m = BANNER.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(`${m[1]}:${m[2]}`);
        }
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Samsa exited (${code ?? signal}) before starting; see ${logFile}`));
      });
    });
    return {
      bootstrap,
      async stop() {
        killPid(child, 'SIGTERM');
        const force = setTimeout(() => killPid(child, 'SIGKILL'), BROKER_STOP_MS);
        await cleanup();
        clearTimeout(force);
      },
    };
  } catch (err) {
    killPid(child, 'SIGKILL');
    await cleanup();
    throw err;
  }
}

const ANSI = /\x1b\[[0-9;]*m|\x1b\(B/g;

/** Per-test states and reasons from the runner's output: its summary table, else its progress lines. */
export function parseRunnerOutput(
  output: string,
): Map<string, { state: string; seconds: number; reason: string }> {
  const text = output.replace(ANSI, '');
  const results = new Map<string, { state: string; seconds: number; reason: string }>();
  for (const m of text.matchAll(/^=+ Test (\d{4}_\w+) (PASSED|FAILED|SKIPPED) =+$/gm)) {
    results.set(m[1]!, { state: m[2]!, seconds: 0, reason: '' });
  }
  // A failure that ends the runner (TEST_FAIL asserts) leaves no summary, only its own report.
  for (const m of text.matchAll(
    /^### Test "(\d{4}_\w+)[ "][^\n]*failed at ([^\n]*?) at [^\n]*###\n([^\n]*)/gm,
  )) {
    if (results.get(m[1]!)?.state !== 'PASSED')
      results.set(m[1]!, { state: 'FAILED', seconds: 0, reason: `${m[3]!.trim()} (${m[2]!})` });
  }
  const summary = /^\|\s*(\d{4}_\w+)\s*\|\s*([A-Z]+)\s*\|\s*([\d.]+)s\s*\|(.*)$/gm;
  for (const m of text.matchAll(summary)) {
    results.set(m[1]!, { state: m[2]!, seconds: Number(m[3]), reason: m[4]!.trim() });
  }
  return results;
}

/** The last TEST FAILURE explanation the runner printed (its summary reason is short). */
function failureDetail(output: string): string {
  const text = output.replace(ANSI, '');
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.includes('TEST FAILURE') && i + 1 < lines.length) {
      const detail = lines
        .slice(i + 1, i + 3)
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim();
      if (detail !== '') return detail.slice(0, 300);
    }
  }
  return '';
}

export async function runGroup(
  group: TestGroup,
  wanted: Set<string>,
  options: RunOptions = {},
): Promise<TestResult[]> {
  const logs = options.logsDir ?? join(CACHE_DIR, 'logs');
  mkdirSync(logs, { recursive: true });
  const runnerLog = join(logs, `${group.key}.log`);
  const brokerLog = group.local ? undefined : join(logs, `${group.key}.broker.log`);
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const started = Date.now();

  let broker: RunningBroker | undefined;
  const confLines = [`test.timeout.multiplier=${options.timeoutMultiplier ?? 2}`];
  if (options.debug) confLines.push(`debug=${options.debug}`);
  const finish = (state: TestState, reason: string): TestResult[] =>
    group.tests
      .filter((t) => wanted.has(t.name))
      .map((t) => ({
        name: t.name,
        local: t.local,
        state,
        seconds: (Date.now() - started) / 1000,
        reason,
        log: runnerLog,
        ...(brokerLog ? { brokerLog } : {}),
      }));
  if (!group.local) {
    try {
      broker = await startBroker(
        scenarioOverrides(group.scenario),
        brokerLog!,
        options.brokerLogLevel ?? 'info',
        timeoutMs + 60_000,
      );
    } catch (err) {
      return finish('NOT RUN', `broker: ${(err as Error).message}`);
    }
    confLines.push(`bootstrap.servers=${broker.bootstrap}`);
  }
  const confFile = join(logs, `${group.key}.test.conf`);
  writeFileSync(confFile, confLines.join('\n') + '\n');

  const args = ['-p1', group.local ? '-l' : '-L', '-s', group.scenario];
  if (group.knownIssue) args.push('-k');
  if (options.quick) args.push('-Q');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TESTS: group.number,
    TEST_KAFKA_VERSION,
    RDKAFKA_TEST_CONF: confFile,
    LD_LIBRARY_PATH: [LIBRARY_PATH, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    RDKAFKA_GITVER: 'samsa-compat',
    // Tests that call Kafka's kafka-topics.sh find the project's stand-in there.
    KAFKA_PATH: join(COMPAT_DIR, 'kafka'),
    ...(broker ? { BROKERS: broker.bootstrap } : {}),
    ...(options.groupProtocol ? { TEST_CONSUMER_GROUP_PROTOCOL: options.groupProtocol } : {}),
  };
  // The runner raises its timeouts and concurrency on CI; the same run everywhere is easier to trust.
  delete env.CI;
  delete env.TEST_DEBUG;

  let timedOut = false;
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      const fd = openSync(runnerLog, 'w');
      const child = spawn(TEST_RUNNER, args, { cwd: TESTS_DIR, stdio: ['ignore', fd, fd], env });
      closeSync(fd);
      const timer = setTimeout(() => {
        timedOut = true;
        killPid(child, 'SIGKILL');
      }, timeoutMs);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    },
  ).finally(() => broker?.stop());

  const output = readFileSync(runnerLog, 'utf8');
  const parsed = parseRunnerOutput(output);
  const seconds = (Date.now() - started) / 1000;
  return group.tests
    .filter((t) => wanted.has(t.name))
    .map((t) => {
      const p = parsed.get(t.name);
      let state: TestState;
      let reason = p?.reason ?? '';
      if (p && (p.state === 'PASSED' || p.state === 'FAILED' || p.state === 'SKIPPED'))
        state = p.state;
      else if (timedOut) {
        state = 'TIMEOUT';
        reason = `killed after ${Math.round(timeoutMs / 1000)} s`;
      } else if (exit.signal !== null || (exit.code !== 0 && exit.code !== 1)) {
        state = 'CRASHED';
        reason = `test-runner ended with ${exit.signal ?? `exit code ${exit.code}`}`;
      } else if (p?.state === 'RUNNING') state = 'FAILED';
      else state = 'NOT RUN';
      if (state === 'FAILED' && reason === '') reason = failureDetail(output);
      if (state === 'NOT RUN' && reason === '') reason = 'the runner did not run it (filtered?)';
      return {
        name: t.name,
        local: t.local,
        state,
        seconds,
        reason,
        log: runnerLog,
        ...(brokerLog ? { brokerLog } : {}),
      };
    });
}
