// librdkafka's own test suite, as shipped inside @confluentinc/kafka-javascript (interop/clients):
// where it lives, how its test runner is built (once, into a gitignored cache), which tests it
// declares, and the project's lists of tests that must pass and tests that do not apply.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../project-root.js';

export const ROOT = projectRoot(import.meta.url);
export const PACKAGE_DIR = join(
  ROOT,
  'interop',
  'clients',
  'node_modules',
  '@confluentinc',
  'kafka-javascript',
);
/** librdkafka's source tree inside the package, built there by the package's install script. */
export const LIBRDKAFKA_DIR = join(PACKAGE_DIR, 'deps', 'librdkafka');
export const COMPAT_DIR = join(ROOT, 'interop', 'librdkafka');
/** Gitignored: the test runner's build tree, per-test logs, the last results. */
export const CACHE_DIR = join(COMPAT_DIR, '.build');
/** A copy of librdkafka's tests/ beside symlinks to the package's built src/, src-cpp/, mklove/. */
export const BUILD_TREE = join(CACHE_DIR, 'librdkafka');
export const TESTS_DIR = join(BUILD_TREE, 'tests');
export const TEST_RUNNER = join(TESTS_DIR, 'test-runner');
/** Where the runner finds librdkafka.so and librdkafka++.so at run time. */
export const LIBRARY_PATH = [join(LIBRDKAFKA_DIR, 'src'), join(LIBRDKAFKA_DIR, 'src-cpp')].join(
  ':',
);

const INSTALL_HINT =
  'run bash scripts/install-test-deps.sh, which builds @confluentinc/kafka-javascript and its ' +
  'librdkafka in interop/clients';

/** The librdkafka version the package bundles, from its package.json ("2.15.1"). */
export function librdkafkaVersion(): string {
  const file = join(PACKAGE_DIR, 'package.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: ${INSTALL_HINT}`);
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { librdkafka?: string; version?: string };
  if (pkg.librdkafka === undefined) throw new Error(`${file} names no librdkafka version`);
  return pkg.librdkafka;
}

/** Identifies the library the runner links against: a rebuilt package means a rebuilt runner. */
function buildStamp(): string {
  const lib = join(LIBRDKAFKA_DIR, 'src', 'librdkafka.so.1');
  const libcpp = join(LIBRDKAFKA_DIR, 'src-cpp', 'librdkafka++.so.1');
  for (const f of [lib, libcpp, join(LIBRDKAFKA_DIR, 'Makefile.config')]) {
    if (!existsSync(f))
      throw new Error(`${f} is missing (librdkafka was not built): ${INSTALL_HINT}`);
  }
  const { size, mtimeMs } = statSync(lib);
  return JSON.stringify({
    librdkafka: librdkafkaVersion(),
    size,
    mtimeMs: Math.round(mtimeMs),
    rapidjson: hasRapidJson(),
  });
}

/**
 * RapidJSON's headers (apt: rapidjson-dev): with them the tests check the statistics JSON (0053,
 * 0110). librdkafka's configure looks for them only when building the library, so the tests are
 * told directly.
 */
function hasRapidJson(): boolean {
  return existsSync('/usr/include/rapidjson/document.h');
}

function runMake(cwd: string, logFile: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, 'w');
    const child = spawn('make', ['-j', String(availableParallelism()), 'build'], {
      cwd,
      stdio: ['ignore', fd, fd],
      // Makefile.config appends (+=) to what the environment gives.
      env: { ...process.env, CPPFLAGS: hasRapidJson() ? '-DWITH_RAPIDJSON=1' : '' },
    });
    closeSync(fd);
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`Cannot run make (apt-get install -y make g++): ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`make build in ${cwd} failed (${code ?? signal}); see ${logFile}`));
    });
  });
}

/**
 * Builds librdkafka's test runner unless an up-to-date one is cached. The package's install script
 * already built librdkafka itself (shared and static, against Debian's -dev libraries), so only
 * the tests are compiled: a copy of tests/ beside symlinks to the built src/, src-cpp/ and the
 * configure output, so nothing inside node_modules changes. Built in a temp dir and renamed into
 * place, so an interrupted build never leaves a half-built runner. Returns whether it built.
 */
export async function ensureTestRunner(
  log: (line: string) => void = () => undefined,
): Promise<{ built: boolean; ms: number }> {
  const stamp = buildStamp();
  const stampFile = join(BUILD_TREE, 'samsa-build-stamp.json');
  if (existsSync(TEST_RUNNER) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp)
    return { built: false, ms: 0 };
  const started = Date.now();
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = join(CACHE_DIR, `librdkafka.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  for (const entry of ['src', 'src-cpp', 'mklove', 'Makefile.config', 'config.h'])
    symlinkSync(join(LIBRDKAFKA_DIR, entry), join(tmp, entry));
  cpSync(join(LIBRDKAFKA_DIR, 'tests'), join(tmp, 'tests'), {
    recursive: true,
    // Objects or a runner left by someone building in the package itself are not ours.
    filter: (src) => !/\.(o|d|so(\.\d+)?|a)$|\/test-runner$/.test(src),
  });
  log(`Building librdkafka ${librdkafkaVersion()}'s test runner in ${tmp} (about a minute)`);
  await runMake(join(tmp, 'tests'), join(CACHE_DIR, 'build.log'), 15 * 60_000);
  writeFileSync(join(tmp, 'samsa-build-stamp.json'), stamp);
  rmSync(BUILD_TREE, { recursive: true, force: true });
  renameSync(tmp, BUILD_TREE);
  return { built: true, ms: Date.now() - started };
}

/** One entry of the suite's `tests[]` table in tests/test.c. */
export interface SuiteTest {
  /** "0045_subscribe_update_mock" */
  name: string;
  /** "0045": what the runner's TESTS= filter matches. */
  number: string;
  /** TEST_F_LOCAL: needs no broker (no network, or librdkafka's own mock cluster). */
  local: boolean;
  knownIssue: boolean;
  manual: boolean;
  sockem: boolean;
  /** TEST_BRKVER(a, b, c, d) as "a.b.c.d", when the test declares a minimum broker version. */
  minBrokerVersion?: string;
  /** The scenarios the test runs in ("default" unless it says otherwise). */
  scenarios: string[];
}

/** Splits `text` at top-level commas (not inside parentheses or string literals). */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') current += c + (text[++i] ?? '');
      else {
        if (c === '"') inString = false;
        current += c;
      }
      continue;
    }
    if (c === '"') inString = true;
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

/** Parses the `struct test tests[] = { … }` table of test.c (comments removed first). */
export function parseSuiteTests(testC: string): SuiteTest[] {
  const source = testC.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  const start = source.indexOf('struct test tests[] = {');
  if (start < 0) throw new Error('test.c has no `struct test tests[]` table');
  const tests: SuiteTest[] = [];
  const re = /_TEST\(/g;
  re.lastIndex = start;
  for (let m = re.exec(source); m !== null; m = re.exec(source)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < source.length && depth > 0; i++) {
      if (source[i] === '(') depth++;
      else if (source[i] === ')') depth--;
    }
    const [name, flags = '0', ...rest] = splitArgs(source.slice(m.index + m[0].length, i - 1));
    if (name === undefined || !/^\d{4}_\w+$/.test(name)) continue;
    const test: SuiteTest = {
      name,
      number: name.slice(0, 4),
      local: /\bTEST_F_LOCAL\b/.test(flags),
      // TEST_F_KNOWN_ISSUE_WIN32/_OSX are 0 on Linux.
      knownIssue: /\bTEST_F_KNOWN_ISSUE\b/.test(flags),
      manual: /\bTEST_F_MANUAL\b/.test(flags),
      sockem: /\bTEST_F_SOCKEM\b/.test(flags),
      scenarios: ['default'],
    };
    for (const arg of rest) {
      const ver = /^TEST_BRKVER\((\d+),\s*(\d+),\s*(\d+),\s*(\d+)\)$/.exec(arg);
      if (ver) test.minBrokerVersion = ver.slice(1).join('.');
      if (arg === 'TEST_BRKVER_TOPIC_ADMINAPI') test.minBrokerVersion = '0.10.2.0';
      const scenario = /^\.scenario\s*=\s*"([^"]*)"$/.exec(arg);
      if (scenario) test.scenarios = scenario[1]!.split(',');
    }
    tests.push(test);
  }
  return tests;
}

export function readSuiteTests(): SuiteTest[] {
  const file = join(LIBRDKAFKA_DIR, 'tests', 'test.c');
  if (!existsSync(file)) throw new Error(`${file} is missing: ${INSTALL_HINT}`);
  return parseSuiteTests(readFileSync(file, 'utf8'));
}

/**
 * A line of tests.allow, `<test name> [tag …]`: a test that must pass. Tags: `fast` (also in CI's
 * subset), `consumer` (run with TEST_CONSUMER_GROUP_PROTOCOL=consumer: the test skips itself with
 * the classic protocol), `mock` (the suite flags it as a broker test, but it only talks to
 * librdkafka's mock cluster: counted with the local tests).
 */
export interface AllowedTest {
  name: string;
  fast: boolean;
  consumer: boolean;
  mock: boolean;
}

const TAGS = new Set(['fast', 'consumer', 'mock']);

/** A line of tests.exclude: a test that does not apply (yet), and why. */
export interface ExcludedTest {
  name: string;
  /** "transactions: issue 5": the category is the text before the first colon. */
  reason: string;
}

function listLines(file: string): { line: number; fields: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((text, i) => ({ line: i + 1, fields: text.replace(/#.*/, '').trim() }))
    .filter((l) => l.fields !== '');
}

export function readAllowList(file = join(COMPAT_DIR, 'tests.allow')): AllowedTest[] {
  return listLines(file).map(({ line, fields }) => {
    const [name, ...tags] = fields.split(/\s+/);
    const unknown = tags.filter((t) => !TAGS.has(t));
    if (unknown.length > 0) throw new Error(`${file}:${line}: unknown tag "${unknown[0]}"`);
    return {
      name: name!,
      fast: tags.includes('fast'),
      consumer: tags.includes('consumer'),
      mock: tags.includes('mock'),
    };
  });
}

export function readExcludeList(file = join(COMPAT_DIR, 'tests.exclude')): ExcludedTest[] {
  return listLines(file).map(({ line, fields }) => {
    const m = /^(\S+)\s+(.+)$/.exec(fields);
    if (!m) throw new Error(`${file}:${line}: expected "<test name> <reason>"`);
    return { name: m[1]!, reason: m[2]! };
  });
}

/** The category of an exclusion reason: "transactions: issue 5" → "transactions". */
export function reasonCategory(reason: string): string {
  const colon = reason.indexOf(':');
  return colon < 0 ? reason : reason.slice(0, colon);
}
