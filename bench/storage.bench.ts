// Storage benchmark: leader appends (validation, offset assignment, one pwrite, index and tail
// cache updates) and tail-cache reads, next to the raw limit measured in the same run: copying
// the batch and pwrite-ing it to a file with nothing else. Runs on a temp dir; never asserts.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompressionType } from '../src/protocol/compression/index.js';
import { buildRecordBatch } from '../src/protocol/records/index.js';
import { logConfig } from '../src/storage/log-config.js';
import { UnifiedLog } from '../src/storage/unified-log.js';
import { measure, printTable, type BenchCase } from './harness.js';

const root = mkdtempSync(join(tmpdir(), 'samsa-bench-storage-'));
const config = logConfig({ segmentBytes: 256 * 1024 * 1024 });

function producerBatch(records: number, valueBytes: number, compression: CompressionType): Buffer {
  return buildRecordBatch({
    compression,
    records: Array.from({ length: records }, (_, i) => ({
      key: Buffer.from(`key-${i}`),
      value: Buffer.alloc(valueBytes, i % 251),
      timestamp: BigInt(Date.now()),
    })),
  });
}

let logs = 0;
function appendCase(name: string, batch: Buffer, records: number): BenchCase {
  const log = UnifiedLog.open({
    dir: join(root, `bench-${logs++}`),
    topicPartition: { topic: 'bench', partition: 0 },
    config,
  });
  return {
    name,
    bytes: batch.length,
    messages: records,
    // The append patches its input in place (baseOffset), so each call gets a fresh copy.
    fn: () => log.appendAsLeader(Buffer.from(batch), { leaderEpoch: 0 }),
  };
}

const rawFd = openSync(join(root, 'raw.log'), 'w');
let rawPosition = 0;
function rawCase(batch: Buffer, records: number): BenchCase {
  return {
    name: `raw: copy + pwrite, ${batch.length} B`,
    bytes: batch.length,
    messages: records,
    fn: () => {
      const copy = Buffer.from(batch);
      rawPosition += writeSync(rawFd, copy, 0, copy.length, rawPosition);
    },
  };
}

const small = producerBatch(10, 100, CompressionType.none);
const large = producerBatch(100, 160, CompressionType.none);
const lz4 = producerBatch(100, 160, CompressionType.lz4);

const tailLog = UnifiedLog.open({
  dir: join(root, 'tail'),
  topicPartition: { topic: 'bench', partition: 0 },
  config,
});
for (let i = 0; i < 1000; i++) await tailLog.appendAsLeader(Buffer.from(small), { leaderEpoch: 0 });
const tailRead: BenchCase = {
  name: 'tail-cache read of the newest batch',
  bytes: small.length,
  messages: 10,
  fn: () => tailLog.read(tailLog.logEndOffset - 1n, { maxBytes: 1 << 20 }),
};

const baseline = measure(rawCase(large, 100));
const results = [
  measure(rawCase(small, 10)),
  measure(appendCase(`append ${small.length} B batch, 10 records`, small, 10)),
  measure(appendCase(`append ${large.length} B batch, 100 records`, large, 100)),
  measure(appendCase(`append ${lz4.length} B lz4 batch, 100 records`, lz4, 100)),
  measure(tailRead),
];
printTable(
  `Storage benchmark (Node ${process.versions.node}); ratio = MB/s relative to raw copy + pwrite of the ${large.length} B batch`,
  baseline,
  results,
);
closeSync(rawFd);
rmSync(root, { recursive: true, force: true });
