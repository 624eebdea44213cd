// The consume load generator: one fetch in flight at a time, as a consumer does with one
// partition on one broker. A pass opens a connection and reads from offset 0 until it has read
// the records asked for (or its deadline passes); the benchmark alternates passes over the raw
// limit's file and Samsa's log. Against Samsa a pass sends Fetch v12 (max_bytes 50 MiB,
// partition_max_bytes 1 MiB) and walks the returned batches' headers for their record counts and
// the next offset; against the raw limit it sends the same request and walks the produce frames
// the raw server sends back from its file. Neither parses records: both do header walks.
import { performance } from 'node:perf_hooks';
import type { FetchRequest } from '../src/protocol/generated/api/fetch.js';
import { Apis } from '../src/protocol/generated/index.js';
import {
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  RECORDS_OFFSET,
} from '../src/protocol/records/index.js';
import { decodeResponse, encodeRequest, FrameConnection } from './frame-connection.js';
import type { WindowHooks } from './pipelined-load.js';

export const FETCH_VERSION = 12;
const MAX_BYTES = 50 * 1024 * 1024;
const PARTITION_MAX_BYTES = 1024 * 1024;

/** What to read: a Samsa topic (partition 0), or the raw server's file of produce frames. */
export type ConsumeSource =
  | { readonly kind: 'broker'; readonly topic: string }
  | { readonly kind: 'raw'; readonly recordsPerFrame: number };

export interface ConsumePass {
  readonly records: number;
  /** Bytes of records (Samsa) or produce frames (raw) received. */
  readonly bytes: number;
  readonly requests: number;
  readonly seconds: number;
  /** False when the deadline stopped the pass before it had read every record asked for. */
  readonly complete: boolean;
}

interface StepResult {
  readonly records: number;
  readonly bytes: number;
}

/** Sends one frame and resolves with the next response frame. */
function roundTrip(conn: FrameConnection, frame: Buffer): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    conn.listen(resolve, reject);
    conn.send(frame);
  });
}

export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;

/** A Fetch v12 request for partition 0 of `topic` from `fetchOffset`. */
export function fetchRequest(
  topic: string,
  fetchOffset: bigint,
  isolationLevel = READ_UNCOMMITTED,
  maxWaitMs = 500,
): FetchRequest {
  return {
    ...Apis.Fetch.request.create(),
    replicaId: -1,
    maxWaitMs,
    minBytes: 1,
    maxBytes: MAX_BYTES,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: PARTITION_MAX_BYTES,
            replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  };
}

function fetchFrame(topic: string, correlationId: number, fetchOffset: bigint): Buffer {
  return encodeRequest(Apis.Fetch, FETCH_VERSION, correlationId, fetchRequest(topic, fetchOffset));
}

/** Fetches from `offset`; returns what came back and the offset to fetch next. */
async function brokerStep(
  conn: FrameConnection,
  topic: string,
  id: number,
  offset: bigint,
): Promise<StepResult & { next: bigint }> {
  const frame = await roundTrip(conn, fetchFrame(topic, id, offset));
  const response = decodeResponse(Apis.Fetch, FETCH_VERSION, id, frame);
  const partition = response.responses[0]?.partitions[0];
  if (response.errorCode !== 0 || partition === undefined || partition.errorCode !== 0) {
    throw new Error(
      `Fetch failed at offset ${offset}: error code ${response.errorCode || partition?.errorCode}`,
    );
  }
  const data = partition.records ?? Buffer.alloc(0);
  let records = 0;
  let next = offset;
  let at = 0;
  while (at + RECORDS_OFFSET <= data.length) {
    const size = LOG_OVERHEAD + data.readInt32BE(at + BATCH_LENGTH_OFFSET);
    if (at + size > data.length) break;
    records += data.readInt32BE(at + RECORDS_COUNT_OFFSET);
    next = data.readBigInt64BE(at) + BigInt(data.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET)) + 1n;
    at += size;
  }
  return { records, bytes: data.length, next };
}

/** The raw server's next whole frames on this connection; none at the end of its file. */
async function rawStep(
  conn: FrameConnection,
  recordsPerFrame: number,
  id: number,
): Promise<StepResult> {
  const frame = await roundTrip(conn, fetchFrame('raw', id, 0n));
  if (frame.readInt32BE(0) !== id) throw new Error('Raw fetch answered out of order');
  // correlation id (4) and the empty tagged fields of header v1 (1), then the frames.
  let records = 0;
  let at = 5;
  while (at + 4 <= frame.length) {
    const size = frame.readInt32BE(at);
    if (at + 4 + size > frame.length) break;
    records += recordsPerFrame;
    at += 4 + size;
  }
  return { records, bytes: frame.length - 5 };
}

/**
 * One pass on a new connection: from offset 0 (the start of the raw file) until `targetRecords`
 * have been read, the source has nothing more, or `deadline` (performance.now()) passes.
 */
export async function consumePass(
  port: number,
  source: ConsumeSource,
  targetRecords: number,
  deadline: number,
  hooks?: WindowHooks,
): Promise<ConsumePass> {
  const conn = await FrameConnection.open(port);
  const start = performance.now();
  hooks?.start?.();
  let records = 0;
  let bytes = 0;
  let requests = 0;
  let offset = 0n;
  try {
    while (records < targetRecords && performance.now() < deadline) {
      const id = ++requests;
      let got: StepResult;
      if (source.kind === 'broker') {
        const step = await brokerStep(conn, source.topic, id, offset);
        offset = step.next;
        got = step;
      } else {
        got = await rawStep(conn, source.recordsPerFrame, id);
      }
      records += got.records;
      bytes += got.bytes;
      if (got.bytes === 0 && source.kind === 'raw') break;
    }
  } finally {
    hooks?.end?.();
    conn.close();
  }
  const seconds = (performance.now() - start) / 1000;
  return { records, bytes, requests, seconds, complete: records >= targetRecords };
}
