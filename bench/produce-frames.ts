// Pre-built produce traffic: one uncompressed magic-2 batch per request, shaped the way real
// producers batch (about 16 KiB, the Java producer's batch.size), encoded once as a Produce v9
// frame and copied into a small ring. The load generator only patches the correlation id of the
// ring slot it sends next, so building requests costs the client nothing during a run. A slot is
// reused only after its previous request was answered (the ring is larger than the number of
// requests in flight), so its bytes are never patched while the socket may still be writing them.
import { randomBytes } from 'node:crypto';
import { Apis } from '../src/protocol/generated/index.js';
import { buildRecordBatch } from '../src/protocol/records/index.js';
import { encodeRequest } from './frame-connection.js';

export const PRODUCE_VERSION = 9;
/** Offset of the correlation id in a frame: size (4), api key (2), api version (2). */
const CORRELATION_ID_AT = 8;

export interface RecordShape {
  /** Value size of each record; keys are null, as in kafka-producer-perf-test. */
  readonly recordBytes: number;
  readonly recordsPerBatch: number;
}

export interface ProduceFrames {
  readonly shape: RecordShape;
  readonly acks: number;
  /** Bytes of one frame, size prefix included. */
  readonly frameBytes: number;
  /** Bytes of one record batch. */
  readonly batchBytes: number;
  /** The frame for correlation id `id`, patched in place in its ring slot. */
  frame(id: number): Buffer;
}

export function shapeLabel(shape: RecordShape): string {
  const size =
    shape.recordBytes >= 1024 ? `${shape.recordBytes / 1024} KiB` : `${shape.recordBytes} B`;
  return `${size} x ${shape.recordsPerBatch}`;
}

export function buildProduceFrames(
  topic: string,
  shape: RecordShape,
  acks: number,
  ringSize: number,
): ProduceFrames {
  const value = randomBytes(shape.recordBytes);
  const timestamp = BigInt(Date.now());
  const batch = buildRecordBatch({
    records: Array.from({ length: shape.recordsPerBatch }, () => ({ key: null, value, timestamp })),
  });
  const template = encodeRequest(Apis.Produce, PRODUCE_VERSION, 0, {
    ...Apis.Produce.request.create(),
    transactionalId: null,
    acks,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
  });
  const ring = Array.from({ length: ringSize }, () => Buffer.from(template));
  return {
    shape,
    acks,
    frameBytes: template.length,
    batchBytes: batch.length,
    frame(id: number): Buffer {
      const slot = ring[id % ringSize]!;
      slot.writeInt32BE(id, CORRELATION_ID_AT);
      return slot;
    },
  };
}
