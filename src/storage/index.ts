// The storage layer's public surface: what the broker (handlers, replica manager, CLI tools)
// uses. Internals (segments, indexes, the validator) are exported for tools and tests.
export { AppendWaiters } from './append-waiters.js';
export {
  formatCheckpoint,
  formatOffsetCheckpoint,
  readCheckpoint,
  readOffsetCheckpoint,
} from './checkpoint-file.js';
export { SYSTEM_CLOCK, type Clock } from './clock.js';
export {
  checkTopicPartition,
  offsetFileStem,
  parsePartitionDirName,
  parseSegmentFileName,
  topicPartitionName,
  type TopicPartition,
} from './file-names.js';
export { FileRecords, type BatchHeader } from './file-records.js';
export { LeaderEpochFileCache, type EpochEntry } from './leader-epoch-cache.js';
export { LocalLog } from './local-log.js';
export {
  DEFAULT_LOG_CONFIG,
  logConfig,
  type CleanupPolicy,
  type LogConfig,
  type MessageTimestampType,
  type TopicCompressionType,
} from './log-config.js';
export { loadLog, type StorageLogger } from './log-loader.js';
export {
  CLEANER_OFFSET_CHECKPOINT_FILE,
  LogCleaner,
  type CleanerLogEntry,
  type CleaningResult,
  type LogCleanerOptions,
} from './log-cleaner.js';
export { LogManager, type LogManagerOptions } from './log-manager.js';
export { LogSegment } from './log-segment.js';
export { validateAndAssignOffsets, type ValidationResult } from './log-validator.js';
export { OffsetIndex, type OffsetPosition } from './offset-index.js';
export {
  ListOffsetsTimestamp,
  type ActiveProducer,
  type AppendOptions,
  type AppendOrigin,
  type AppendResult,
  type EpochEndOffset,
  type FetchIsolation,
  type PartitionLog,
  type ReadOptions,
  type ReadResult,
  type TimestampAndOffset,
} from './partition-log.js';
export {
  ProducerAppendInfo,
  endTxnMarkerOf,
  type CompletedTxn,
  type EndTxnMarker,
  type ProducerBatch,
} from './producer-append-info.js';
export {
  NUM_BATCHES_TO_RETAIN,
  ProducerStateEntry,
  type BatchMetadata,
} from './producer-state-entry.js';
export {
  DEFAULT_PRODUCER_ID_EXPIRATION_MS,
  ProducerStateManager,
  type TxnMetadata,
} from './producer-state-manager.js';
export { RecordValidationError, type RecordError } from './storage-errors.js';
export { NODE_STORAGE_FS, type FileStat, type StorageFs } from './storage-fs.js';
export { TailCache } from './tail-cache.js';
export { TimeIndex, type TimestampOffset } from './time-index.js';
export { TransactionIndex, type AbortedTransaction, type AbortedTxn } from './transaction-index.js';
export { DEFAULT_TAIL_CACHE_BYTES, UnifiedLog, type UnifiedLogOptions } from './unified-log.js';
