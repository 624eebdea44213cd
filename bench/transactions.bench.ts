// Transactions benchmark: transactional produce throughput for transactions of 1, 100 and 10,000
// records of 100 B, each next to plain idempotent produce of the same batches with the same
// requests in flight, measured in the same run; how long EndTxn takes; and, for one-record
// transactions, how long after EndTxn is answered a read_committed consumer sees the records
// (the COMMIT marker moving the last stable offset past them). The broker runs as a child process
// (bin/samsa.js server); the producers are raw-socket drivers over the project's codecs
// (txn-producer.ts), and KafkaJS is a cross-check row. Everything is bounded in time, runs on a
// temp data dir removed at the end, and reports figures, never verdicts.
//
// Environment: SAMSA_BENCH_SECONDS (measured seconds per case, default 3), SAMSA_BENCH_IN_FLIGHT
// (default 5), SAMSA_BENCH_KAFKAJS=0 (skip the KafkaJS rows), SAMSA_BENCH_DIR (where the temp data
// dir goes; the OS temp dir by default).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { printRunHeader, startBenchRun } from './bench-run.js';
import { startChildBroker } from './bench-servers.js';
import { formatNumber, printAlignedTable } from './harness.js';
import { quantile } from './pipelined-load.js';
import {
  benchMarkers,
  benchTransactionSizes,
  LONG_POLL_WAIT_MS,
  PARK_MS,
  type MarkerResult,
  type TransactionRow,
  type TransactionSettings,
} from './txn-cases.js';
import { kafkajsTransactions, type KafkajsRow } from './txn-kafkajs.js';
import { RETRY_BACKOFF_MS } from './txn-producer.js';

const SECONDS = Number(process.env.SAMSA_BENCH_SECONDS ?? 3);
const IN_FLIGHT = Math.min(128, Math.max(1, Number(process.env.SAMSA_BENCH_IN_FLIGHT ?? 5)));
const KAFKAJS = process.env.SAMSA_BENCH_KAFKAJS !== '0';
const SIZES = [1, 100, 10_000] as const;
const RECORD_BYTES = 100;
const MAX_BATCH_RECORDS = 100;
/** One-record transactions for the marker figures: half polled, half with a parked long poll. */
const MARKER_REPS = 400;
const MARKER_BOUND_MS = 60_000;
const KAFKAJS_RECORDS = 100;
/** Hard bound on the whole benchmark, whatever goes wrong. */
const TOTAL_BOUND_MS = Math.max(600_000, SECONDS * 60_000);

const dataDir = startBenchRun('Transactions benchmark', 'samsa-bench-txn-', TOTAL_BOUND_MS);

const settings: TransactionSettings = {
  inFlight: IN_FLIGHT,
  seconds: SECONDS,
  rounds: 6,
  sliceWarmupMs: 200,
  maxBatchRecords: MAX_BATCH_RECORDS,
};

function ms(v: number): string {
  return Number.isNaN(v) ? '-' : v.toFixed(v >= 10 ? 1 : 2);
}

function rate(v: number): string {
  return Number.isNaN(v) ? '-' : formatNumber(v);
}

function mbPerSec(recordsPerSec: number): string {
  return Number.isNaN(recordsPerSec) ? '-' : ((recordsPerSec * RECORD_BYTES) / 1e6).toFixed(1);
}

function percent(v: number | null): string {
  return v === null ? '-' : `${Math.round(v * 100)}%`;
}

function failure(error: string | undefined): string {
  return error === undefined ? '' : `failed: ${error}`;
}

function printThroughput(rows: readonly TransactionRow[]): void {
  const cells = rows.flatMap((r) => {
    const b = r.baseline;
    return [
      [b.label, rate(b.unitsPerSec), mbPerSec(b.unitsPerSec), '-', '-', '-', '-', '-'],
      [
        r.label,
        rate(r.recordsPerSec),
        mbPerSec(r.recordsPerSec),
        rate(r.transactionsPerSec),
        Number.isNaN(r.recordsPerSec / b.unitsPerSec)
          ? '-'
          : (r.recordsPerSec / b.unitsPerSec).toFixed(2),
        ms(quantile(r.endTxnMs, 0.5)),
        ms(quantile(r.endTxnMs, 0.99)),
        r.retriesPerTransaction.toFixed(2),
      ],
    ].map((row, i) => [
      ...row,
      percent((i === 0 ? b : r).cpu.server),
      failure((i === 0 ? b : r).error),
    ]);
  });
  printAlignedTable(
    `Transactional produce next to idempotent produce of the same batches (${RECORD_BYTES} B records, up to ${MAX_BATCH_RECORDS} per request, ${IN_FLIGHT} requests in flight)`,
    [
      'case',
      'records/s',
      'MB/s',
      'txns/s',
      'x idempotent',
      'EndTxn p50 ms',
      'EndTxn p99 ms',
      'retries/txn',
      'srv CPU',
      '',
    ],
    cells,
  );
}

function printMarkers(m: MarkerResult): void {
  const idle = quantile(m.idleFetchMs, 0.5);
  const row = (label: string, values: Float64Array, note = ''): string[] => {
    const p50 = quantile(values, 0.5);
    return [
      label,
      String(values.length),
      ms(p50),
      ms(quantile(values, 0.99)),
      Number.isNaN(p50 / idle) ? '-' : (p50 / idle).toFixed(1),
      note,
    ];
  };
  printAlignedTable(
    'One-record transactions: EndTxn, and the committed record reaching a read_committed consumer',
    ['measure', 'reps', 'p50 ms', 'p99 ms', 'x fetch', ''],
    [
      row('EndTxn, sent to answered', m.endTxnMs),
      row(`EndTxn, sent to answered, after ${PARK_MS} ms idle`, m.endTxnAfterParkMs),
      row(
        'EndTxn answered to LSO past the record, polling',
        m.polledMs,
        `${ms(quantile(m.polls, 0.5))} fetches (p50)`,
      ),
      row('EndTxn sent to a parked long poll answering', m.parkedMs),
      row('baseline: read_committed fetch round trip, idle', m.idleFetchMs),
      ...(m.error === undefined ? [] : [['', '', '', '', '', failure(m.error)]]),
    ],
  );
}

function printKafkajs(rows: readonly KafkajsRow[]): void {
  const baseline = rows[0];
  const cells = rows.map((r) => [
    r.label,
    rate(r.recordsPerSec),
    r.transactionsPerSec === null ? '-' : rate(r.transactionsPerSec),
    r === baseline || baseline === undefined || Number.isNaN(r.recordsPerSec)
      ? '-'
      : (r.recordsPerSec / baseline.recordsPerSec).toFixed(2),
    r.commitMs === null ? '-' : ms(quantile(r.commitMs, 0.5)),
    r.commitMs === null ? '-' : ms(quantile(r.commitMs, 0.99)),
    failure(r.error),
  ]);
  printAlignedTable(
    `Cross-check: KafkaJS, ${KAFKAJS_RECORDS} records of ${RECORD_BYTES} B per send, one send at a time`,
    ['case', 'records/s', 'txns/s', 'x idempotent', 'commit p50 ms', 'commit p99 ms', ''],
    cells,
  );
}

async function main(): Promise<void> {
  printRunHeader('Transactions benchmark');
  console.log(
    `broker: node bin/samsa.js server as a child process, defaults; data dir ${dataDir} (removed at the end)`,
  );
  console.log(
    `producers: raw-socket drivers over the project's codecs, one connection each, pre-built Produce v9 requests (acks=-1, one uncompressed batch of up to ${MAX_BATCH_RECORDS} records of ${RECORD_BYTES} B, null keys), ${IN_FLIGHT} in flight; transactional: FindCoordinator (key type 1), InitProducerId, then per transaction AddPartitionsToTxn v3, the batches, EndTxn v3 (commit), waiting for each; AddPartitionsToTxn answered CONCURRENT_TRANSACTIONS (the previous transaction not yet complete) is sent again after ${RETRY_BACKOFF_MS} ms (retries/txn); idempotent: InitProducerId without a transactional id, the same batches without pause`,
  );
  console.log(
    `each case measured for ${SECONDS} s in ${settings.rounds} slices interleaved with its baseline, after ${settings.sliceWarmupMs} ms of untimed traffic per slice; a transactional slice ends with the transaction under way; records/s and MB/s count record values (MB = 1e6 B) of committed transactions; x idempotent = records/s over the idempotent row above it; EndTxn p50/p99: sent to answered; srv CPU: broker CPU time over wall time (100% = one core)`,
  );
  console.log(
    `markers: ${MARKER_REPS} one-record transactions on a fresh topic, alternating how a consumer of the partition waits: read_committed Fetch v12 (maxWaitMs 0) from the record's offset, sent when EndTxn is answered and again at once until the last stable offset passes the record and the record comes back, timed from the EndTxn answer; or a read_committed long poll (maxWaitMs ${LONG_POLL_WAIT_MS}) sent ${PARK_MS} ms before EndTxn, which the COMMIT marker must wake, timed from EndTxn sent; baseline: a read_committed fetch at the log end before each transaction; x fetch = p50 over the baseline p50`,
  );
  console.log(
    KAFKAJS
      ? `cross-check: KafkaJS producers (idempotent, maxInFlightRequests 1, default retry), one send of ${KAFKAJS_RECORDS} messages at a time, transactional: transaction(), send, commit()`
      : 'cross-check: KafkaJS skipped (SAMSA_BENCH_KAFKAJS=0)',
  );

  const brokerDir = join(dataDir, 'samsa');
  mkdirSync(brokerDir);
  const broker = await startChildBroker({ dataDir: brokerDir });
  let rows: TransactionRow[] = [];
  let markers: MarkerResult | null = null;
  let kafkajs: KafkajsRow[] = [];
  try {
    rows = await benchTransactionSizes(broker, settings, SIZES);
    markers = await benchMarkers(broker, settings, MARKER_REPS, MARKER_BOUND_MS);
    if (KAFKAJS) kafkajs = await kafkajsTransactions(broker.port, settings, KAFKAJS_RECORDS);
  } finally {
    await broker.stop();
  }
  printThroughput(rows);
  if (markers !== null) printMarkers(markers);
  if (kafkajs.length > 0) printKafkajs(kafkajs);
  if (
    rows.some((r) => r.error !== undefined || r.baseline.error !== undefined) ||
    markers?.error !== undefined ||
    kafkajs.some((r) => r.error !== undefined)
  ) {
    process.exitCode = 1;
  }
}

await main();
