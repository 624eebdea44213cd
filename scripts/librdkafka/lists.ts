// The project's view of librdkafka's suite: every test of tests/test.c is either allowed (must pass
// against Samsa) or excluded with a reason, never both, never neither.
import {
  readAllowList,
  readExcludeList,
  readSuiteTests,
  reasonCategory,
  type AllowedTest,
  type ExcludedTest,
  type SuiteTest,
} from './suite.js';

export interface SuitePlan {
  suite: SuiteTest[];
  allowed: AllowedTest[];
  excluded: ExcludedTest[];
  /** Problems with the lists: unknown names, duplicates, tests in neither list. */
  problems: string[];
}

export function checkLists(
  suite: SuiteTest[],
  allowed: AllowedTest[],
  excluded: ExcludedTest[],
): string[] {
  const problems: string[] = [];
  const names = new Set(suite.map((t) => t.name));
  const seen = new Map<string, string>();
  for (const [list, entries] of [
    ['tests.allow', allowed],
    ['tests.exclude', excluded],
  ] as const) {
    for (const { name } of entries) {
      if (!names.has(name)) problems.push(`${list}: ${name} is not a test of the suite`);
      const before = seen.get(name);
      if (before !== undefined) problems.push(`${name} is listed in ${before} and in ${list}`);
      seen.set(name, list);
    }
  }
  for (const t of suite)
    if (!seen.has(t.name)) problems.push(`${t.name} is in neither tests.allow nor tests.exclude`);
  return problems;
}

export function readPlan(): SuitePlan {
  const suite = readSuiteTests();
  const allowed = readAllowList();
  const excluded = readExcludeList();
  return { suite, allowed, excluded, problems: checkLists(suite, allowed, excluded) };
}

export interface PlanCounts {
  suite: number;
  /** Allowed tests that need a broker: the yardstick. */
  allowedBroker: number;
  /** Allowed tests that need none (librdkafka alone or against its own mock cluster): local or `mock`. */
  allowedLocal: number;
  fast: number;
  excludedByCategory: Map<string, { broker: number; local: number }>;
}

export function countPlan(plan: SuitePlan): PlanCounts {
  const byName = new Map(plan.suite.map((t) => [t.name, t]));
  const excludedByCategory = new Map<string, { broker: number; local: number }>();
  for (const e of plan.excluded) {
    const c = reasonCategory(e.reason);
    const entry = excludedByCategory.get(c) ?? { broker: 0, local: 0 };
    if (byName.get(e.name)?.local) entry.local++;
    else entry.broker++;
    excludedByCategory.set(c, entry);
  }
  const needsNoBroker = (a: AllowedTest): boolean => a.mock || byName.get(a.name)?.local === true;
  return {
    suite: plan.suite.length,
    allowedBroker: plan.allowed.filter((a) => !needsNoBroker(a)).length,
    allowedLocal: plan.allowed.filter(needsNoBroker).length,
    fast: plan.allowed.filter((a) => a.fast).length,
    excludedByCategory,
  };
}
