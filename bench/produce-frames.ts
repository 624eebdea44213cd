// Pre-built produce traffic: one uncompressed magic-2 batch per request, shaped the way real
// producers batch (about 16 KiB, the Java producer's batch.size), encoded once as a Produce v9
// frame and copied into a small ring. The load generator only patches the correlation id of the
// ring slot it sends next (frameRing), so building requests costs the client nothing during a
// run. Every response is decoded and its error code checked, so a failing broker cannot post a
// good number.
import { randomBytes } from 'node:crypto';
import { Apis } from '../src/protocol/generated/index.js';
import { buildRecordBatch } from '../src/protocol/records/index.js';
import { decodeResponse, encodeRequest, frameRing } from './frame-connection.js';
import type { PipelinedTraffic } from './pipelined-load.js';

export const PRODUCE_VERSION = 9;

export interface RecordShape {
  /** Value size of each record; keys are null, as in kafka-producer-perf-test. */
  readonly recordBytes: number;
  readonly recordsPerBatch: number;
}

export interface ProduceFrames extends PipelinedTraffic {
  readonly shape: RecordShape;
  readonly acks: number;
  /** Bytes of one frame, size prefix included. */
  readonly frameBytes: number;
  /** Bytes of one record batch. */
  readonly batchBytes: number;
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
  const perBatch = shape.recordsPerBatch;
  return {
    shape,
    acks,
    frameBytes: template.length,
    batchBytes: batch.length,
    frame: frameRing(template, ringSize),
    settle(id: number, frame: Buffer): number {
      const response = decodeResponse(Apis.Produce, PRODUCE_VERSION, id, frame);
      const partition = response.responses[0]?.partitionResponses[0];
      if (partition === undefined || partition.errorCode !== 0) {
        throw new Error(
          `Produce failed: error code ${partition?.errorCode} ${partition?.errorMessage ?? ''}`,
        );
      }
      return perBatch;
    },
  };
}
