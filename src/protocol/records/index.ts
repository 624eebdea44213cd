export * from './batch-layout.js';
export { setBaseOffset, setLogAppendTime, setPartitionLeaderEpoch } from './batch-patch.js';
export { buildRecordBatch, type RecordBatchInput, type RecordInput } from './build-record-batch.js';
export {
  buildEndTransactionMarkerBatch,
  ControlRecordType,
  CONTROL_RECORD_KEY_VERSION,
  encodeControlRecordKey,
  encodeEndTransactionMarker,
  END_TXN_MARKER_VERSION,
  readControlRecordKey,
  readEndTransactionMarker,
  type ControlRecordKey,
  type EndTransactionMarker,
  type EndTransactionMarkerBatchInput,
} from './control-record.js';
export { crc32c } from './crc32c.js';
export { readRecord, type KafkaRecord, type RecordHeader } from './record.js';
export {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  iterateRecordBatches,
  readRecordBatches,
  RecordBatch,
  type ReadRecordsOptions,
  type RecordBatches,
} from './record-batch.js';
