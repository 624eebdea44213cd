// Consumer groups benchmark: how long a rebalance keeps a group from consuming when one member
// joins N Stable members (N = 1, 10, 50), how fast offsets are committed, and what groups cost in
// broker memory. The broker runs as a child process (bin/samsa.js server) with
// group.initial.rebalance.delay.ms=0, as in the broker benchmark; every figure is next to a
// baseline measured in the same run (group-rebalance.ts, group-commits.ts say which). Everything
// is bounded in time, runs on a temp data dir removed at the end, and reports figures, never
// verdicts.
//
// Environment: SAMSA_BENCH_SECONDS (measured seconds per commit case, default 3),
// SAMSA_BENCH_IN_FLIGHT (default 5), SAMSA_BENCH_HEARTBEAT_MS (the members' heartbeat interval,
// default 20), SAMSA_BENCH_KAFKAJS=0 (skip the KafkaJS row), SAMSA_BENCH_DIR (where the temp
// data dir goes; the OS temp dir by default).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { printRunHeader, startBenchRun } from './bench-run.js';
import { startChildBroker } from './bench-servers.js';
import { createTopic } from './broker-cases.js';
import { FrameConnection } from './frame-connection.js';
import {
  benchCommits,
  benchGroupMemory,
  findCoordinator,
  type CommitRow,
  type MemoryRow,
} from './group-commits.js';
import {
  kafkajsRebalance,
  rawRebalance,
  type RebalanceResult,
  type RebalanceSettings,
} from './group-rebalance.js';
import { formatNumber, printAlignedTable } from './harness.js';
import { quantile } from './pipelined-load.js';

const SECONDS = Number(process.env.SAMSA_BENCH_SECONDS ?? 3);
const IN_FLIGHT = Math.min(128, Math.max(1, Number(process.env.SAMSA_BENCH_IN_FLIGHT ?? 5)));
const HEARTBEAT_MS = Math.max(1, Number(process.env.SAMSA_BENCH_HEARTBEAT_MS ?? 20));
const KAFKAJS = process.env.SAMSA_BENCH_KAFKAJS !== '0';
const TOPIC_PARTITIONS = 100;
/** Group sizes before the join, with repetitions of each. */
const REBALANCES: readonly (readonly [members: number, reps: number])[] = [
  [1, 20],
  [10, 20],
  [50, 5],
];
const KAFKAJS_REBALANCE = [10, 5] as const;
const COMMIT_PARTITIONS = [1, 10, 100] as const;
const MEMORY_STEPS = [1000, 10_000] as const;
const MEMORY_PARTITIONS = 10;
const BROKER_OVERRIDES = ['group.initial.rebalance.delay.ms=0'];
/** Hard bound on the whole benchmark, whatever goes wrong. */
const TOTAL_BOUND_MS = Math.max(600_000, SECONDS * 60_000);

const dataDir = startBenchRun('Groups benchmark', 'samsa-bench-groups-', TOTAL_BOUND_MS);

function ms(v: number): string {
  return Number.isNaN(v) ? '-' : v.toFixed(v >= 10 ? 1 : 2);
}

function sorted(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

function printRebalances(results: readonly RebalanceResult[]): void {
  const cells = results.map((r) => {
    const total = sorted(r.totalMs);
    const baseline = quantile(sorted(r.baselineMs), 0.5);
    const p50 = quantile(total, 0.5);
    return [
      r.label,
      String(r.totalMs.length),
      ms(p50),
      ms(quantile(total, 0.99)),
      r.rejoinedMs.length === 0 ? '-' : ms(quantile(sorted(r.rejoinedMs), 0.5)),
      ms(baseline),
      Number.isNaN(p50 / baseline) ? '-' : (p50 / baseline).toFixed(1),
      r.error === undefined ? '' : `failed: ${r.error}`,
    ];
  });
  printAlignedTable(
    `Rebalance: one member joins N Stable members (heartbeat every ${HEARTBEAT_MS} ms)`,
    ['case', 'reps', 'p50 ms', 'p99 ms', 'rejoined p50', 'baseline p50', 'x baseline', ''],
    cells,
  );
}

function printCommits(rows: readonly CommitRow[]): void {
  const percent = (v: number | null): string => (v === null ? '-' : `${Math.round(v * 100)}%`);
  const rate = (v: number): string => (Number.isNaN(v) ? '-' : formatNumber(v));
  const cells = rows.map((r) => [
    r.label,
    rate(r.unitsPerSec),
    rate(r.requestsPerSec),
    percent(r.cpu.server),
    r.baseline === null || Number.isNaN(r.unitsPerSec)
      ? '-'
      : (r.unitsPerSec / r.baseline.unitsPerSec).toFixed(2),
    r.error === undefined ? '' : `failed: ${r.error}`,
  ]);
  printAlignedTable(
    `Offset commits next to Produce of as many records (${IN_FLIGHT} requests in flight, one socket)`,
    ['case', 'records/s', 'requests/s', 'srv CPU', 'x produce', ''],
    cells,
  );
}

function printMemory(rows: readonly MemoryRow[]): void {
  const idle = rows[0]?.rss ?? null;
  const cells = rows.map((r) => [
    r.groups === 0 ? 'idle (__consumer_offsets loaded)' : `after ${formatNumber(r.groups)} groups`,
    r.rss === null ? '-' : (r.rss / 1e6).toFixed(1),
    r.rss === null || idle === null ? '-' : (r.rss / idle).toFixed(2),
    r.rss === null || idle === null || r.groups === 0
      ? '-'
      : ((r.rss - idle) / r.groups / 1024).toFixed(1),
  ]);
  printAlignedTable(
    `Broker memory: groups each committing ${MEMORY_PARTITIONS} partitions once (fresh broker)`,
    ['case', 'RSS MB', 'x idle', 'KiB per group'],
    cells,
  );
}

async function main(): Promise<void> {
  printRunHeader('Groups benchmark');
  console.log(
    `broker: node bin/samsa.js server as a child process, ${BROKER_OVERRIDES.join(' ')}, a topic of ${TOPIC_PARTITIONS} partitions; data dir ${dataDir} (removed at the end)`,
  );
  console.log(
    `rebalance: members are a raw-socket driver (JoinGroup v9, SyncGroup v5 with a range assignment by the leader, Heartbeat v4 every ${HEARTBEAT_MS} ms) that learn of a rebalance from a heartbeat answered REBALANCE_IN_PROGRESS; time from the new member's first JoinGroup to the last member's SyncGroup answer of the new generation; "rejoined" = to the last old member's JoinGroup; baseline = N+1 concurrent ApiVersions round trips on N+1 other connections, measured before each repetition; x baseline = p50 over baseline p50; p99 of 20 or 5 repetitions is their slowest`,
  );
  console.log(
    KAFKAJS
      ? `cross-check: KafkaJS consumers (heartbeatInterval and maxWaitTimeInMs ${HEARTBEAT_MS} ms), time from the new consumer's run() to the last GROUP_JOIN event of the new assignment`
      : 'cross-check: KafkaJS skipped (SAMSA_BENCH_KAFKAJS=0)',
  );
  console.log(
    `commits: OffsetCommit v8 of a simple group (generation -1), the same request over and over, for ${SECONDS} s in 3 slices interleaved with its baseline, Produce v9 acks=1 of one batch of as many 100 B records to a one-partition topic; records/s = partition offsets (commits) or records per second`,
  );

  const brokerDir = join(dataDir, 'samsa');
  mkdirSync(brokerDir);
  const broker = await startChildBroker({ dataDir: brokerDir, overrides: BROKER_OVERRIDES });
  const rebalances: RebalanceResult[] = [];
  let commits: CommitRow[] = [];
  try {
    const topic = 'bench-groups';
    await createTopic(broker.port, topic, TOPIC_PARTITIONS);
    await createTopic(broker.port, 'bench-produce');
    const conn = await FrameConnection.open(broker.port);
    try {
      await findCoordinator(conn, 'bench-setup');
    } finally {
      conn.close();
    }
    const settings: RebalanceSettings = {
      port: broker.port,
      topic,
      partitions: TOPIC_PARTITIONS,
      heartbeatMs: HEARTBEAT_MS,
      timeoutMs: 30_000,
    };
    for (const [n, reps] of REBALANCES) rebalances.push(await rawRebalance(settings, n, reps));
    if (KAFKAJS) rebalances.push(await kafkajsRebalance(settings, ...KAFKAJS_REBALANCE));
    commits = await benchCommits(
      broker,
      { inFlight: IN_FLIGHT, seconds: SECONDS, rounds: 3, sliceWarmupMs: 200 },
      'bench-produce',
      topic,
      COMMIT_PARTITIONS,
    );
  } finally {
    await broker.stop();
  }
  printRebalances(rebalances);
  printCommits(commits);

  const memoryDir = join(dataDir, 'samsa-memory');
  mkdirSync(memoryDir);
  const fresh = await startChildBroker({ dataDir: memoryDir, overrides: BROKER_OVERRIDES });
  try {
    await createTopic(fresh.port, 'bench-groups', MEMORY_PARTITIONS);
    printMemory(await benchGroupMemory(fresh, 'bench-groups', MEMORY_PARTITIONS, MEMORY_STEPS));
  } finally {
    await fresh.stop();
  }
  if (rebalances.some((r) => r.error !== undefined) || commits.some((r) => r.error !== undefined)) {
    process.exitCode = 1;
  }
}

await main();
