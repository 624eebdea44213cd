// Shared by the producer state and transaction tests: batches of an idempotent or transactional
// producer, transaction markers as the coordinator writes them, and appends that report the Kafka
// error name they were refused with.
import assert from 'node:assert/strict';
import { KafkaError } from '../../src/errors/kafka-error.js';
import { CompressionType } from '../../src/protocol/compression/index.js';
import {
  ControlRecordType,
  buildEndTransactionMarkerBatch,
  buildRecordBatch,
  type RecordInput,
} from '../../src/protocol/records/index.js';
import type { AppendResult, PartitionLog } from '../../src/storage/partition-log.js';

export interface ProducerBatchOptions {
  pid?: bigint;
  epoch?: number;
  seq: number;
  count?: number;
  tag?: string;
  timestamp?: bigint;
  compression?: CompressionType;
  /** A transactional batch (attribute bit 4). */
  transactional?: boolean;
  /** Record keys; k0, k1, … by default. */
  keys?: readonly string[];
}

/** A batch of `count` records (default 1) from producer `pid` (default 7) at sequence `seq`. */
export function producerBatch(o: ProducerBatchOptions): Buffer {
  const count = o.count ?? 1;
  const ts = o.timestamp ?? 1_700_000_000_000n;
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    records.push({
      key: Buffer.from(o.keys?.[i] ?? `k${i}`),
      value: Buffer.from(`${o.tag ?? `s${o.seq}`}-${i}`),
      timestamp: ts + BigInt(i),
    });
  }
  return buildRecordBatch({
    compression: o.compression ?? CompressionType.none,
    producerId: o.pid ?? 7n,
    producerEpoch: o.epoch ?? 0,
    baseSequence: o.seq,
    isTransactional: o.transactional ?? false,
    records,
  });
}

/** producerBatch with the transactional bit set. */
export function txnBatch(o: ProducerBatchOptions): Buffer {
  return producerBatch({ ...o, transactional: true });
}

export interface MarkerOptions {
  pid?: bigint;
  epoch?: number;
  coordinatorEpoch?: number;
  timestamp?: bigint;
}

/** The COMMIT or ABORT control batch the transaction coordinator has the partition write. */
export function markerBatch(type: 'commit' | 'abort', o: MarkerOptions = {}): Buffer {
  return buildEndTransactionMarkerBatch({
    type: type === 'commit' ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
    producerId: o.pid ?? 7n,
    producerEpoch: o.epoch ?? 0,
    coordinatorEpoch: o.coordinatorEpoch ?? 0,
    timestamp: o.timestamp ?? 1_700_000_000_000n,
  });
}

/** Writes a marker as the coordinator does (origin 'coordinator'). */
export function writeMarker(
  log: PartitionLog,
  type: 'commit' | 'abort',
  o: MarkerOptions = {},
): Promise<AppendResult> {
  return log.appendAsLeader(markerBatch(type, o), { leaderEpoch: 0, origin: 'coordinator' });
}

/** Expects a rejection with Kafka error `name`, and that nothing was written. */
export async function refusedWith(
  log: PartitionLog,
  write: () => Promise<unknown>,
  name: string,
): Promise<void> {
  const end = log.logEndOffset;
  await assert.rejects(write(), (err: unknown) => {
    assert.ok(err instanceof KafkaError, `expected a KafkaError, got ${String(err)}`);
    assert.equal(err.errorName, name, err.message);
    return true;
  });
  assert.equal(log.logEndOffset, end, 'a refused append writes nothing');
}

export function append(log: PartitionLog, records: Buffer): Promise<AppendResult> {
  return log.appendAsLeader(records, { leaderEpoch: 0 });
}

/** Appends and expects a refusal with Kafka error `name`; checks that nothing was written. */
export async function appendRefused(
  log: PartitionLog,
  records: Buffer,
  name: string,
): Promise<void> {
  const end = log.logEndOffset;
  await assert.rejects(append(log, records), (err: unknown) => {
    assert.ok(err instanceof KafkaError, `expected a KafkaError, got ${String(err)}`);
    assert.equal(err.errorName, name, err.message);
    return true;
  });
  assert.equal(log.logEndOffset, end, 'a refused append writes nothing');
}

/** Appends a fresh copy of a batch that was already appended; expects the original offsets. */
export async function appendDuplicate(
  log: PartitionLog,
  records: Buffer,
  firstOffset: bigint,
  lastOffset: bigint,
): Promise<AppendResult> {
  const end = log.logEndOffset;
  const result = await append(log, records);
  assert.equal(result.duplicate, true, 'recognised as a retry');
  assert.deepEqual([result.firstOffset, result.lastOffset], [firstOffset, lastOffset]);
  assert.equal(log.logEndOffset, end, 'a duplicate is not written again');
  return result;
}
