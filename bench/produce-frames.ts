// Pre-built produce traffic: one uncompressed magic-2 batch per request, shaped the way real
// producers batch (about 16 KiB, the Java producer's batch.size), encoded once as a Produce v9
// frame and copied into a small ring. The load generator only patches the correlation id of the
// ring slot it sends next (frameRing), so building requests costs the client nothing during a
// run. Every response is decoded and its error code checked, so a failing broker cannot post a
// good number.
//
// With a producer identity (an idempotent or transactional producer's id and epoch), each frame
// also gets the producer's next base sequence, so the sequences run on across requests as a real
// producer's do, and the batch CRC (which covers the sequence) is computed again: a few
// microseconds for a 16 KiB batch.
import { randomBytes } from 'node:crypto';
import { Apis } from '../src/protocol/generated/index.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  buildRecordBatch,
  crc32c,
  CRC_OFFSET,
} from '../src/protocol/records/index.js';
import { decodeResponse, encodeRequest, frameRing } from './frame-connection.js';
import type { PipelinedTraffic } from './pipelined-load.js';

export const PRODUCE_VERSION = 9;

export interface RecordShape {
  /** Value size of each record; keys are null, as in kafka-producer-perf-test. */
  readonly recordBytes: number;
  readonly recordsPerBatch: number;
}

/** Who produces: an idempotent producer (transactionalId null) or a transactional one. */
export interface ProducerIdentity {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly transactionalId: string | null;
}

export interface ProduceFrames extends PipelinedTraffic {
  readonly shape: RecordShape;
  readonly acks: number;
  /** Bytes of one frame, size prefix included. */
  readonly frameBytes: number;
  /** Bytes of one record batch. */
  readonly batchBytes: number;
  /** Offset of the last record of the latest acknowledged batch (-1 before the first). */
  readonly lastOffset: bigint;
}

export function shapeLabel(shape: RecordShape): string {
  const size =
    shape.recordBytes >= 1024 ? `${shape.recordBytes / 1024} KiB` : `${shape.recordBytes} B`;
  return `${size} x ${shape.recordsPerBatch}`;
}

/** Kafka's sequence numbers wrap from Integer.MAX_VALUE to 0. */
const SEQUENCE_LIMIT = 2 ** 31;

export function buildProduceFrames(
  topic: string,
  shape: RecordShape,
  acks: number,
  ringSize: number,
  producer?: ProducerIdentity,
): ProduceFrames {
  const value = randomBytes(shape.recordBytes);
  const timestamp = BigInt(Date.now());
  const batch = buildRecordBatch({
    records: Array.from({ length: shape.recordsPerBatch }, () => ({ key: null, value, timestamp })),
    ...(producer === undefined
      ? {}
      : {
          producerId: producer.producerId,
          producerEpoch: producer.producerEpoch,
          baseSequence: 0,
          isTransactional: producer.transactionalId !== null,
        }),
  });
  const template = encodeRequest(Apis.Produce, PRODUCE_VERSION, 0, {
    ...Apis.Produce.request.create(),
    transactionalId: producer?.transactionalId ?? null,
    acks,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
  });
  const perBatch = shape.recordsPerBatch;
  const ring = frameRing(template, ringSize);
  let frame = ring;
  if (producer !== undefined) {
    const batchAt = template.indexOf(batch);
    if (batchAt < 0) throw new Error('The record batch is not in its produce frame');
    const batchEnd = batchAt + batch.length;
    let sequence = 0;
    frame = (id) => {
      const slot = ring(id);
      slot.writeInt32BE(sequence, batchAt + BASE_SEQUENCE_OFFSET);
      slot.writeUInt32BE(
        crc32c(slot.subarray(batchAt + ATTRIBUTES_OFFSET, batchEnd)),
        batchAt + CRC_OFFSET,
      );
      sequence = (sequence + perBatch) % SEQUENCE_LIMIT;
      return slot;
    };
  }
  let lastOffset = -1n;
  return {
    shape,
    acks,
    frameBytes: template.length,
    batchBytes: batch.length,
    get lastOffset() {
      return lastOffset;
    },
    frame,
    settle(id: number, frame: Buffer): number {
      const response = decodeResponse(Apis.Produce, PRODUCE_VERSION, id, frame);
      const partition = response.responses[0]?.partitionResponses[0];
      if (partition === undefined || partition.errorCode !== 0) {
        throw new Error(
          `Produce failed: error code ${partition?.errorCode} ${partition?.errorMessage ?? ''}`,
        );
      }
      lastOffset = partition.baseOffset + BigInt(perBatch - 1);
      return perBatch;
    },
  };
}
