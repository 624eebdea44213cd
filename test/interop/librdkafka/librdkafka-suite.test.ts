// librdkafka's own test suite against Samsa, the fast subset (tests.allow lines tagged `fast`,
// tests that take seconds): builds the suite's test runner once (cached in
// interop/librdkafka/.build/), then runs each fast test against a fresh child broker. Not in the
// suite's quick mode (-Q), in which many tests return at once without testing anything.
// `npm run compat:librdkafka` runs the whole allow-list. Also checks that every test of the suite
// is either allowed or excluded with a reason.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertCompiledBroker } from '../../support/child-broker.js';
import { checkLists, countPlan, readPlan } from '../../../scripts/librdkafka/lists.js';
import {
  groupTests,
  parseRunnerOutput,
  runGroup,
  type TestResult,
} from '../../../scripts/librdkafka/run-suite.js';
import { CACHE_DIR, ensureTestRunner, parseSuiteTests } from '../../../scripts/librdkafka/suite.js';

test('every test of the suite is either allowed or excluded with a reason, once', () => {
  const plan = readPlan();
  assert.deepEqual(plan.problems, []);
  for (const e of plan.excluded) assert.match(e.reason, /^[\w ./-]+: \S/, e.name);
  const counts = countPlan(plan);
  assert.ok(counts.fast > 0, 'tests.allow tags no test `fast`');
});

test('the list check names unknown, doubly listed and unlisted tests', () => {
  const suite = parseSuiteTests(`struct test tests[] = {
    {.name = "<MAIN>", .flags = TEST_F_LOCAL},
    _TEST(0001_a, 0),
    _TEST(0002_b, TEST_F_LOCAL, TEST_BRKVER(2, 4, 0, 0)),
    _TEST(0003_c, 0, TEST_BRKVER(0, 9, 0, 0), .scenario = "noautocreate"),
    {NULL}};`);
  assert.deepEqual(
    suite.map((t) => [t.name, t.local, t.minBrokerVersion, t.scenarios]),
    [
      ['0001_a', false, undefined, ['default']],
      ['0002_b', true, '2.4.0.0', ['default']],
      ['0003_c', false, '0.9.0.0', ['noautocreate']],
    ],
  );
  assert.deepEqual(
    checkLists(
      suite,
      [
        { name: '0001_a', fast: false, consumer: false, mock: false },
        { name: '0009_z', fast: false, consumer: false, mock: false },
      ],
      [{ name: '0001_a', reason: 'x: y' }],
    ),
    [
      'tests.allow: 0009_z is not a test of the suite',
      '0001_a is listed in tests.allow and in tests.exclude',
      '0002_b is in neither tests.allow nor tests.exclude',
      '0003_c is in neither tests.allow nor tests.exclude',
    ],
  );
  assert.deepEqual(
    groupTests(suite).map((g) => g.key),
    ['0001', '0002-local', '0003-noautocreate'],
  );
});

test("the runner's output gives each test's state and reason", () => {
  const output = [
    '\x1b[32m================= Test 0001_a PASSED =================\x1b[0m',
    '### Test "0002_b (do_test:12)" failed at test.c:99:test_x() at Sun Nov 22 04:02:01 2026: ###',
    'Expected 4 partitions, got 1',
    '|\x1b[32m 0003_c                                   |     PASSED |   2.500s \x1b[0m|',
  ].join('\n');
  assert.deepEqual(Object.fromEntries(parseRunnerOutput(output)), {
    '0001_a': { state: 'PASSED', seconds: 0, reason: '' },
    '0002_b': {
      state: 'FAILED',
      seconds: 0,
      reason: 'Expected 4 partitions, got 1 (test.c:99:test_x())',
    },
    '0003_c': { state: 'PASSED', seconds: 2.5, reason: '' },
  });
});

test(
  'the fast subset of librdkafka’s suite passes against Samsa',
  { timeout: 9 * 60_000 },
  async (t) => {
    assertCompiledBroker();
    const plan = readPlan();
    const fast = new Set(plan.allowed.filter((a) => a.fast).map((a) => a.name));
    const build = await ensureTestRunner();
    if (build.built) t.diagnostic(`built the test runner in ${Math.round(build.ms / 1000)} s`);
    const results: TestResult[] = [];
    const consumer = new Set(plan.allowed.filter((a) => a.consumer).map((a) => a.name));
    for (const group of groupTests(plan.suite.filter((s) => fast.has(s.name)))) {
      const protocol = group.tests.some((s) => consumer.has(s.name)) ? 'consumer' : undefined;
      results.push(
        ...(await runGroup(group, fast, {
          timeoutMs: 3 * 60_000,
          logsDir: join(CACHE_DIR, 'ci-logs'),
          ...(protocol ? { groupProtocol: protocol } : {}),
        })),
      );
    }
    const failed = results.filter((r) => r.state !== 'PASSED');
    t.diagnostic(`${results.length - failed.length} passed, ${failed.length} failed`);
    assert.deepEqual(
      failed.map((r) => `${r.name}: ${r.state} ${r.reason} (${r.log})`),
      [],
    );
    assert.equal(results.length, fast.size);
  },
);
