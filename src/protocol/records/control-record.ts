// Control batches carry transaction markers: one record whose key is version int16 + type int16
// (0 abort, 1 commit; KRaft uses further types) and, for commit/abort, whose value is version
// int16 + coordinatorEpoch int32 (Kafka's EndTransactionMarker). Newer versions may append fields,
// which are ignored, as Kafka does.
import { SamsaError } from '../../errors/samsa-error.js';
import { Reader } from '../primitives/reader.js';
import { buildRecordBatch } from './build-record-batch.js';

export const ControlRecordType = {
  ABORT: 0,
  COMMIT: 1,
} as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

export const CONTROL_RECORD_KEY_VERSION = 0;
export const END_TXN_MARKER_VERSION = 0;

export interface ControlRecordKey {
  version: number;
  /** 0 abort, 1 commit; other values are KRaft's and left to their readers. */
  type: number;
}

export interface EndTransactionMarker {
  version: number;
  coordinatorEpoch: number;
}

function invalid(message: string): SamsaError {
  return new SamsaError('SAMSA_ERR_DECODE_INVALID_VALUE', message);
}

export function readControlRecordKey(key: Buffer | null): ControlRecordKey {
  if (key === null) throw invalid('Control record has a null key');
  const reader = new Reader(key);
  const version = reader.readInt16();
  if (version < 0) throw invalid(`Control record key has a negative version ${version}`);
  return { version, type: reader.readInt16() };
}

export function readEndTransactionMarker(value: Buffer | null): EndTransactionMarker {
  if (value === null) throw invalid('End transaction marker has a null value');
  const reader = new Reader(value);
  const version = reader.readInt16();
  if (version < 0) throw invalid(`End transaction marker has a negative version ${version}`);
  return { version, coordinatorEpoch: reader.readInt32() };
}

export function encodeControlRecordKey(type: number): Buffer {
  const key = Buffer.allocUnsafe(4);
  key.writeInt16BE(CONTROL_RECORD_KEY_VERSION, 0);
  key.writeInt16BE(type, 2);
  return key;
}

export function encodeEndTransactionMarker(coordinatorEpoch: number): Buffer {
  const value = Buffer.allocUnsafe(6);
  value.writeInt16BE(END_TXN_MARKER_VERSION, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

export interface EndTransactionMarkerBatchInput {
  type: ControlRecordType;
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  timestamp: bigint;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
}

/** A commit or abort marker batch, as the transaction coordinator has partition leaders write. */
export function buildEndTransactionMarkerBatch(input: EndTransactionMarkerBatchInput): Buffer {
  return buildRecordBatch({
    baseOffset: input.baseOffset ?? 0n,
    partitionLeaderEpoch: input.partitionLeaderEpoch ?? -1,
    baseTimestamp: input.timestamp,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: -1,
    isTransactional: true,
    isControl: true,
    records: [
      {
        key: encodeControlRecordKey(input.type),
        value: encodeEndTransactionMarker(input.coordinatorEpoch),
        timestampDelta: 0,
        offsetDelta: 0,
      },
    ],
  });
}
