// npm run compat:librdkafka — librdkafka's own test suite against Samsa.
//
// Builds the suite's test runner from the librdkafka that @confluentinc/kafka-javascript bundles
// (interop/clients; once, cached in interop/librdkafka/.build/), then runs the tests of
// interop/librdkafka/tests.allow one group at a time, each against a fresh broker, and prints a
// pass/fail table and `N passed, M failed`. Exits 1 when a test did not pass.
//
// Usage: npm run compat:librdkafka -- [options]
//   --fast              only the allowed tests tagged `fast` (what CI runs)
//   --tests 0001,0045_subscribe_update_mock
//                       these tests (names or numbers), whichever list they are in
//   --excluded          the excluded tests instead (to see where they stand)
//   --all               every test of the suite, allowed or excluded
//   --only broker|local only the tests that need a broker, or only those that need none
//   --quick             the suite's quick mode (-Q), in which many tests return at once
//   --group-protocol consumer
//                       consumers use KIP-848's protocol (TEST_CONSUMER_GROUP_PROTOCOL)
//   --debug CONTEXTS    librdkafka debug contexts for every client (e.g. cgrp,fetch)
//   --broker-log LEVEL  the broker's SAMSA_LOG_LEVEL (default info)
//   --timeout SECONDS   per group of tests (default 1800; the suite times its own tests too)
//   --logs DIR          where logs go (default interop/librdkafka/.build/logs)
//   --list              print the counts and exit
// Logs: interop/librdkafka/.build/logs/<group>.log and <group>.broker.log; results.json beside.
import { writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { countPlan, readPlan } from './librdkafka/lists.js';
import {
  groupTests,
  runGroup,
  TEST_KAFKA_VERSION,
  type TestResult,
} from './librdkafka/run-suite.js';
import { CACHE_DIR, ensureTestRunner, librdkafkaVersion, ROOT } from './librdkafka/suite.js';

const { values } = parseArgs({
  options: {
    fast: { type: 'boolean', default: false },
    tests: { type: 'string' },
    excluded: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'group-protocol': { type: 'string' },
    debug: { type: 'string' },
    'broker-log': { type: 'string', default: 'info' },
    timeout: { type: 'string', default: '1800' },
    logs: { type: 'string' },
    list: { type: 'boolean', default: false },
  },
});

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

async function main(): Promise<number> {
  const plan = readPlan();
  if (plan.problems.length > 0 && values.tests === undefined && !values.all) {
    for (const p of plan.problems) console.error(`interop/librdkafka: ${p}`);
    return 2;
  }
  const counts = countPlan(plan);
  const excludedCounts = [...counts.excludedByCategory]
    .map(([c, n]) => `${c} ${n.broker + n.local}`)
    .join(', ');
  console.log(
    `librdkafka ${librdkafkaVersion()} suite: ${counts.suite} tests; allowed ${counts.allowedBroker} ` +
      `against the broker + ${counts.allowedLocal} local (no broker), ${counts.fast} fast; ` +
      `excluded ${plan.excluded.length} (${excludedCounts})`,
  );
  if (values.list) return 0;

  let names: string[];
  if (values.tests !== undefined) {
    const wanted = values.tests.split(',').map((s) => s.trim());
    names = plan.suite
      .map((t) => t.name)
      .filter((n) => wanted.some((w) => n === w || (/^\d{4}$/.test(w) && n.startsWith(`${w}_`))));
  } else if (values.all) names = plan.suite.map((t) => t.name);
  else if (values.excluded) names = plan.excluded.map((e) => e.name);
  else names = plan.allowed.filter((a) => !values.fast || a.fast).map((a) => a.name);
  if (values.only !== undefined) {
    if (values.only !== 'broker' && values.only !== 'local')
      throw new Error(`--only takes broker or local, not "${values.only}"`);
    const local = new Set(plan.suite.filter((t) => t.local).map((t) => t.name));
    names = names.filter((n) => local.has(n) === (values.only === 'local'));
  }
  const wanted = new Set(names);
  const groups = groupTests(plan.suite.filter((t) => wanted.has(t.name)));

  const build = await ensureTestRunner((line) => console.log(line));
  if (build.built) console.log(`Built the test runner in ${(build.ms / 1000).toFixed(0)} s`);
  console.log(
    `Running ${wanted.size} tests in ${groups.length} groups (TEST_KAFKA_VERSION=${TEST_KAFKA_VERSION}${values.quick ? ', quick' : ''})\n`,
  );

  const groupProtocol = values['group-protocol'];
  if (groupProtocol !== undefined && groupProtocol !== 'classic' && groupProtocol !== 'consumer')
    throw new Error(`--group-protocol takes classic or consumer, not "${groupProtocol}"`);
  const results: TestResult[] = [];
  const started = Date.now();
  const consumerTagged = new Set(plan.allowed.filter((a) => a.consumer).map((a) => a.name));
  for (const group of groups) {
    const tagged = group.tests.some((t) => consumerTagged.has(t.name)) ? 'consumer' : undefined;
    const protocol = groupProtocol ?? tagged;
    const groupResults = await runGroup(group, wanted, {
      quick: values.quick,
      ...(protocol ? { groupProtocol: protocol } : {}),
      ...(values.debug ? { debug: values.debug } : {}),
      brokerLogLevel: values['broker-log'],
      ...(values.logs ? { logsDir: resolve(values.logs) } : {}),
      timeoutMs: Number(values.timeout) * 1000,
    });
    for (const r of groupResults) {
      results.push(r);
      const where = r.local ? 'local ' : 'broker';
      const why = r.state === 'PASSED' ? '' : `  ${r.reason}  (${relative(ROOT, r.log)})`;
      console.log(
        `${pad(r.name, 52)} ${where}  ${pad(r.state, 7)} ${r.seconds.toFixed(1).padStart(6)} s${why}`,
      );
    }
  }
  const passed = results.filter((r) => r.state === 'PASSED').length;
  const failed = results.length - passed;
  writeFileSync(
    join(CACHE_DIR, 'results.json'),
    JSON.stringify({ librdkafka: librdkafkaVersion(), results }, null, 2) + '\n',
  );
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`\n${passed} passed, ${failed} failed (${minutes} min)`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
  },
);
