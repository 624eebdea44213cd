// Drivers for the transaction coordinator shard tests: a fake clock, a producer id allocator, a
// record log, and request builders.
import assert from 'node:assert/strict';
import {
  TransactionCoordinatorShard,
  type CoordinatorResultWithMarkers,
  type InitProducerIdResult,
  type TransactionCoordinatorConfig,
  type TransactionMarkers,
} from '../../../src/coordinator/transaction/index.js';
import type { CoordinatorRecord } from '../../../src/coordinator/group/index.js';
import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
} from '../../../src/protocol/generated/api/init-producer-id.js';
import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
} from '../../../src/protocol/generated/api/add-partitions-to-txn.js';
import type { EndTxnResponse } from '../../../src/protocol/generated/api/end-txn.js';

/** Topics that exist, with their partition counts. */
export const TOPICS: ReadonlyMap<string, number> = new Map([
  ['orders', 3],
  ['payments', 2],
]);

export const START = 1_000_000;

export interface Txns {
  shard: TransactionCoordinatorShard;
  clock: { now: number };
  /** Every record the shard emitted, in order. */
  log: CoordinatorRecord[];
  /** Markers handed out and not yet completed, in order. */
  markers: TransactionMarkers[];
  /** The service's producer id allocator; it is only asked when the shard needs an id. */
  allocate: () => bigint;
  /** Producer ids the allocator handed out. */
  allocated: bigint[];
  /** Collects a result's records and markers and returns its response. */
  record: <T>(result: CoordinatorResultWithMarkers<T>) => T;
  /** Advances the clock and ticks the shard. */
  advance: (ms: number) => void;
}

export function txns(
  config: Partial<TransactionCoordinatorConfig> = {},
  coordinatorEpoch = 0,
): Txns {
  const clock = { now: START };
  let nextProducerId = 1000n;
  const shard = new TransactionCoordinatorShard({
    clock: () => clock.now,
    config,
    coordinatorEpoch,
    partitionExists: (topic, partition) => partition >= 0 && partition < (TOPICS.get(topic) ?? 0),
  });
  const t: Txns = {
    shard,
    clock,
    log: [],
    markers: [],
    allocate: () => {
      const id = nextProducerId++;
      t.allocated.push(id);
      return id;
    },
    allocated: [],
    record: (result) => {
      t.log.push(...result.records);
      t.markers.push(...result.markers);
      return result.response;
    },
    advance: (ms) => {
      clock.now += ms;
      t.record(shard.tick(clock.now));
    },
  };
  return t;
}

export function initRequest(
  transactionalId: string,
  overrides: Partial<InitProducerIdRequest> = {},
): InitProducerIdRequest {
  return {
    transactionalId,
    transactionTimeoutMs: 60_000,
    producerId: -1n,
    producerEpoch: -1,
    ...overrides,
  };
}

/**
 * InitProducerId as the service runs it: when the shard needs a producer id, one is allocated
 * and the request is run again with it.
 */
export function init(
  t: Txns,
  transactionalId: string,
  overrides: Partial<InitProducerIdRequest> = {},
  apiVersion = 5,
): InitProducerIdResponse {
  const request = initRequest(transactionalId, overrides);
  let result: InitProducerIdResult = t.shard.initProducerId(request, { apiVersion });
  if (result.needsProducerId) {
    result = t.shard.initProducerId(request, { apiVersion }, t.allocate());
    assert.equal(result.needsProducerId, false, 'a second call never asks again');
  }
  if (result.needsProducerId) throw new Error('unreachable');
  return t.record(result);
}

/** A producer: its transactional id, producer id and epoch. */
export interface Producer {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
}

/** InitProducerId that must succeed. */
export function producer(t: Txns, transactionalId: string, timeoutMs = 60_000): Producer {
  const r = init(t, transactionalId, { transactionTimeoutMs: timeoutMs });
  assert.equal(r.errorCode, 0);
  return { transactionalId, producerId: r.producerId, producerEpoch: r.producerEpoch };
}

export function addRequest(
  p: Producer,
  topics: Record<string, number[]>,
): AddPartitionsToTxnRequest {
  return {
    transactions: [],
    v3AndBelowTransactionalId: p.transactionalId,
    v3AndBelowProducerId: p.producerId,
    v3AndBelowProducerEpoch: p.producerEpoch,
    v3AndBelowTopics: Object.entries(topics).map(([name, partitions]) => ({ name, partitions })),
  };
}

/** AddPartitionsToTxn v3 (a client): the error of every partition, as "topic-p: code". */
export function addPartitions(
  t: Txns,
  p: Producer,
  topics: Record<string, number[]>,
  apiVersion = 3,
): Record<string, number> {
  const response: AddPartitionsToTxnResponse = t.record(
    t.shard.addPartitionsToTxn(addRequest(p, topics), { apiVersion }),
  );
  return partitionErrors(response.resultsByTopicV3AndBelow);
}

export function partitionErrors(
  topicResults: readonly {
    name: string;
    resultsByPartition: readonly { partitionIndex: number; partitionErrorCode: number }[];
  }[],
): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const topic of topicResults) {
    for (const r of topic.resultsByPartition) {
      errors[`${topic.name}-${r.partitionIndex}`] = r.partitionErrorCode;
    }
  }
  return errors;
}

export function endTxn(t: Txns, p: Producer, committed: boolean, apiVersion = 4): EndTxnResponse {
  return t.record(
    t.shard.endTxn(
      {
        transactionalId: p.transactionalId,
        producerId: p.producerId,
        producerEpoch: p.producerEpoch,
        committed,
      },
      { apiVersion },
    ),
  );
}

/** Writes every outstanding marker: completes each transaction it belongs to. */
export function writeMarkers(t: Txns): void {
  const pending = t.markers.splice(0);
  for (const m of pending) assert.equal(t.record(t.shard.completeTransaction(m)), true);
}

/** The shard rebuilt by replaying `log`. */
export function replayed(
  log: readonly CoordinatorRecord[],
  clock = () => START,
): TransactionCoordinatorShard {
  const shard = new TransactionCoordinatorShard({ clock });
  for (const r of log) shard.replay(r.key, r.value);
  return shard;
}
