// Broker benchmark: produce and consume throughput of Samsa over loopback for 100-byte and 1 KiB
// records, acks=1 and acks=-1, with per-request produce latency, each next to the raw limit of
// this machine measured in the same run and the same process arrangement: a minimal node:net
// server that appends the same produce frames to a file and reads them back (raw-server.ts).
//
// Load: pre-built Produce v9 batches on one socket with several requests in flight, so the client
// costs almost nothing (produce-frames.ts, pipelined-load.ts); Fetch v12 one request at a time
// (consume-load.ts); kcat as an independent cross-check. Everything is bounded in time, runs on a
// temp data dir removed at the end, and reports figures, never verdicts.
//
// Environment: SAMSA_BENCH_SECONDS (measured seconds per case, default 3),
// SAMSA_BENCH_IN_FLIGHT (default 5), SAMSA_BENCH_MODES (child,in-process), SAMSA_BENCH_KCAT=0
// (skip kcat), SAMSA_BENCH_CPU_PROFILE=DIR (run the child broker with --cpu-prof into DIR),
// SAMSA_BENCH_DIR (where the temp data dir goes; the OS temp dir by default).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { printRunHeader, startBenchRun } from './bench-run.js';
import { startChildBroker, startInProcessBroker } from './bench-servers.js';
import { benchShape, warmUp, type BenchSettings, type Mode, type Row } from './broker-cases.js';
import { printRows } from './broker-report.js';
import { kcatVersion } from './kcat-load.js';
import { shapeLabel, type RecordShape } from './produce-frames.js';

const SECONDS = Number(process.env.SAMSA_BENCH_SECONDS ?? 3);
const MODES = (process.env.SAMSA_BENCH_MODES ?? 'child,in-process')
  .split(',')
  .map((m) => m.trim())
  .filter((m): m is Mode => m === 'child' || m === 'in-process');
const KCAT = process.env.SAMSA_BENCH_KCAT !== '0';
const CPU_PROFILE_DIR = process.env.SAMSA_BENCH_CPU_PROFILE;
/** Hard bound on the whole benchmark, whatever goes wrong. */
const TOTAL_BOUND_MS = Math.max(300_000, SECONDS * 60_000);

/** About 16 KiB per batch, the Java producer's batch.size; null keys as in producer-perf-test. */
const SHAPES: readonly RecordShape[] = [
  { recordBytes: 100, recordsPerBatch: 160 },
  { recordBytes: 1024, recordsPerBatch: 16 },
];

const dataDir = startBenchRun('Broker benchmark', 'samsa-bench-', TOTAL_BOUND_MS);

const settings: BenchSettings = {
  seconds: SECONDS,
  rounds: 3,
  sliceWarmupMs: 200,
  warmupMs: Math.min(1000, Math.max(200, SECONDS * 150)),
  inFlight: Math.min(128, Math.max(1, Number(process.env.SAMSA_BENCH_IN_FLIGHT ?? 5))),
  consumeTimeoutMs: Math.max(15_000, SECONDS * 5000),
  dataDir,
  kcatBytes: 200e6,
  consumeBytes: 256e6,
};

async function main(): Promise<void> {
  const kcat = KCAT ? kcatVersion() : null;
  printRunHeader('Broker benchmark', {
    busyNote: 'every figure below is lower and noisier for it (see the "other" column)',
    childBroker: MODES.includes('child'),
  });
  console.log(
    `load generator: pre-built Produce v9 requests, one uncompressed batch each (${SHAPES.map(shapeLabel).join(', ')} records, null keys), on one loopback socket with ${settings.inFlight} requests in flight; consume: Fetch v12 one at a time (max_bytes 50 MiB, partition_max_bytes 1 MiB) from offset 0 through the first ${settings.consumeBytes / 1e6} MB of records (or the whole log when smaller), in passes repeated for ${SECONDS} s`,
  );
  console.log(
    KCAT
      ? kcat === null
        ? 'cross-check: kcat not found on PATH (npm run test:deps installs it); its rows are skipped'
        : `cross-check: ${kcat} -P -X linger.ms=5 (acks=-1, batch.size 1 MB) on a file of N lines, whole run timed, child mode only`
      : 'cross-check: kcat skipped (SAMSA_BENCH_KCAT=0)',
  );
  console.log(
    'raw limit: a node:net server appending each produce frame to one file (writeSync, no fsync) and reading the file back for fetches, run the same way as the broker of its table',
  );
  console.log(
    `data dir: ${dataDir} (removed at the end); each case measured for ${SECONDS} s, the raw limit and Samsa interleaved (produce in ${settings.rounds} rounds of slices, consume in alternating passes), after ${settings.warmupMs} ms of untimed traffic per record size through the fresh broker`,
  );
  console.log(
    'records/s and MB/s count record values (MB = 1e6 B); p50/p99: per produce request, send to response; CPU: process CPU time over wall time (100% = one core), "other" = the rest of the machine; x raw = records/s over the raw limit of the same record size and direction in this run',
  );
  for (const mode of MODES) {
    const brokerDir = join(dataDir, `samsa-${mode}`);
    mkdirSync(brokerDir);
    const profileDir = CPU_PROFILE_DIR === undefined ? undefined : resolve(CPU_PROFILE_DIR);
    const broker =
      mode === 'child'
        ? await startChildBroker({
            dataDir: brokerDir,
            ...(profileDir === undefined ? {} : { cpuProfileDir: profileDir }),
          })
        : await startInProcessBroker(brokerDir);
    const rows: Row[] = [];
    try {
      await warmUp(settings, broker, SHAPES);
      for (const shape of SHAPES) {
        rows.push(
          ...(await benchShape(settings, mode, broker, shape, mode === 'child' && kcat !== null)),
        );
      }
    } finally {
      await broker.stop();
    }
    printRows(
      mode === 'child'
        ? 'Broker as a child process (node bin/samsa.js server), raw limit as a child process too'
        : "Broker in-process, sharing the load generator's event loop; raw limit likewise (srv CPU is that one process)",
      rows,
    );
    if (mode === 'child' && profileDir !== undefined) {
      console.log(`CPU profile of the child broker written to ${profileDir}`);
    }
  }
}

await main();
