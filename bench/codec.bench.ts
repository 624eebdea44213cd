// Codec benchmark: encode/decode rates of Produce and Fetch requests and responses, and CRC-32C
// throughput, against memcpy of the same bytes measured in the same run.
import { randomBytes } from 'node:crypto';
import { Apis } from '../src/protocol/generated/index.js';
import type { MessageCodec } from '../src/protocol/api.js';
import type { ProduceRequest } from '../src/protocol/generated/api/produce.js';
import type { FetchRequest, FetchResponse } from '../src/protocol/generated/api/fetch.js';
import { Reader, Writer } from '../src/protocol/primitives/index.js';
import { crc32c } from '../src/protocol/records/crc32c.js';
import { measure, printTable, type BenchCase } from './harness.js';

const TOPIC_ID = randomBytes(16).toString('base64url');

function produceRequest(partitions: number, batchBytes: number): ProduceRequest {
  return {
    ...Apis.Produce.request.create(),
    acks: -1,
    timeoutMs: 30_000,
    topicData: [
      {
        name: 'bench-topic',
        partitionData: Array.from({ length: partitions }, (_, index) => ({
          index,
          records: randomBytes(batchBytes),
        })),
      },
    ],
  };
}

function fetchRequest(partitions: number): FetchRequest {
  const base = Apis.Fetch.request.create();
  return {
    ...base,
    replicaId: -1,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 52_428_800,
    topics: [
      {
        topic: '',
        topicId: TOPIC_ID,
        partitions: Array.from({ length: partitions }, (_, partition) => ({
          partition,
          currentLeaderEpoch: 0,
          fetchOffset: 123_456n + BigInt(partition),
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: 1_048_576,
          replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
        })),
      },
    ],
  };
}

function fetchResponse(partitions: number, batchBytes: number): FetchResponse {
  const base = Apis.Fetch.response.create();
  const records = randomBytes(batchBytes);
  return {
    ...base,
    responses: [
      {
        topic: '',
        topicId: TOPIC_ID,
        partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
          partitionIndex,
          errorCode: 0,
          highWatermark: 1_000_000n,
          lastStableOffset: 1_000_000n,
          logStartOffset: 0n,
          divergingEpoch: { epoch: -1, endOffset: -1n },
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
          snapshotId: { endOffset: -1n, epoch: -1 },
          abortedTransactions: null,
          preferredReadReplica: -1,
          records,
        })),
      },
    ],
  };
}

function encoded<T>(codec: MessageCodec<T>, version: number, value: T): Buffer {
  const w = new Writer();
  codec.encode(w, version, value);
  return w.toBuffer();
}

function codecCases<T>(
  label: string,
  codec: MessageCodec<T>,
  version: number,
  value: T,
  messages: number,
): BenchCase[] {
  const bytes = encoded(codec, version, value);
  return [
    {
      name: `${label} encode`,
      bytes: bytes.length,
      messages,
      fn: () => {
        const w = new Writer(4096);
        codec.encode(w, version, value);
        return w.toChunks();
      },
    },
    {
      name: `${label} decode`,
      bytes: bytes.length,
      messages,
      fn: () => codec.decode(new Reader(bytes), version),
    },
  ];
}

const MiB = randomBytes(1 << 20);
const copyTarget = Buffer.allocUnsafe(MiB.length);
const baseline = measure({
  name: 'baseline: memcpy 1 MiB',
  bytes: MiB.length,
  fn: () => MiB.copy(copyTarget),
});

const produceOne = produceRequest(1, 16_384);
const produceMany = produceRequest(100, 1_024);
const fetchReq = fetchRequest(100);
const fetchRespOne = fetchResponse(1, 65_536);
const fetchRespMany = fetchResponse(100, 1_024);

const cases: BenchCase[] = [
  ...codecCases('Produce v9 request, 1 x 16 KiB batch', Apis.Produce.request, 9, produceOne, 1),
  ...codecCases('Produce v9 request, 100 x 1 KiB batches', Apis.Produce.request, 9, produceMany, 1),
  ...codecCases('Produce v7 request, 100 x 1 KiB batches', Apis.Produce.request, 7, produceMany, 1),
  ...codecCases('Fetch v15 request, 100 partitions', Apis.Fetch.request, 15, fetchReq, 1),
  ...codecCases(
    'Fetch v11 request, 100 partitions',
    Apis.Fetch.request,
    11,
    {
      ...fetchReq,
      topics: fetchReq.topics.map((t) => ({
        ...t,
        topic: 'bench-topic',
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
      })),
    },
    1,
  ),
  ...codecCases('Fetch v15 response, 1 x 64 KiB', Apis.Fetch.response, 15, fetchRespOne, 1),
  ...codecCases('Fetch v15 response, 100 x 1 KiB', Apis.Fetch.response, 15, fetchRespMany, 1),
  { name: 'CRC-32C 1 MiB (native)', bytes: MiB.length, fn: () => crc32c(MiB) },
  { name: 'CRC-32C 1 KiB (native)', bytes: 1024, fn: () => crc32c(MiB.subarray(0, 1024)) },
];

printTable(
  `Codec benchmark (Node ${process.versions.node}); ratio = MB/s relative to memcpy in this run`,
  baseline,
  cases.map((c) => measure(c)),
);
