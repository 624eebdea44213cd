// Kafka's on-disk names.
//
//   <log.dir>/<topic>-<partition>/                 one directory per partition
//     00000000000000000000.log                     record batches, byte for byte as served
//     00000000000000000000.index                   offset index (see offset-index.ts)
//     00000000000000000000.timeindex               time index (see time-index.ts)
//     00000000000000000000.txnindex                aborted transactions (transaction-index.ts), only
//                                                  for segments holding an ABORT marker
//     leader-epoch-checkpoint                      see leader-epoch-cache.ts
//     00000000000000000000.snapshot                producer state at that offset (producer-snapshot-file.ts)
//   <log.dir>/recovery-point-offset-checkpoint     see checkpoint-file.ts
//   <log.dir>/log-start-offset-checkpoint
//   <log.dir>/.kafka_cleanshutdown                 present only between a clean stop and startup
//   <log.dir>/<topic>-<partition>.<uuid>-delete/   a deleted partition awaiting removal
//
// A segment is named by its base offset as a 20-digit zero-padded decimal. Files being deleted are
// renamed with a `.deleted` suffix first, so a crash mid-delete leaves nothing that looks live.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { KafkaError } from '../errors/kafka-error.js';

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';
export const TXN_INDEX_FILE_SUFFIX = '.txnindex';
export const DELETED_FILE_SUFFIX = '.deleted';
export const CLEANED_FILE_SUFFIX = '.cleaned';
export const SWAP_FILE_SUFFIX = '.swap';
export const TMP_FILE_SUFFIX = '.tmp';
export const PRODUCER_SNAPSHOT_FILE_SUFFIX = '.snapshot';

export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
export const DELETE_DIR_SUFFIX = '-delete';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** `<topic>-<partition>`, Kafka's TopicPartition.toString and directory name. */
export function topicPartitionName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** `00000000000000000042` for offset 42. */
export function offsetFileStem(offset: bigint): string {
  return offset.toString().padStart(20, '0');
}

export function segmentFilePath(dir: string, baseOffset: bigint, suffix: string): string {
  return join(dir, offsetFileStem(baseOffset) + suffix);
}

const SEGMENT_FILE = /^(\d{20})(\.log|\.index|\.timeindex|\.txnindex)$/;

/** The base offset and suffix of a segment file name, or null for any other name. */
export function parseSegmentFileName(name: string): { baseOffset: bigint; suffix: string } | null {
  const m = SEGMENT_FILE.exec(name);
  if (m === null) return null;
  return { baseOffset: BigInt(m[1]!), suffix: m[2]! };
}

const SNAPSHOT_FILE = /^(\d{20})\.snapshot$/;

/** The offset of a `<offset>.snapshot` producer state file, or null for any other name. */
export function parseProducerSnapshotFileName(name: string): bigint | null {
  const m = SNAPSHOT_FILE.exec(name);
  return m === null ? null : BigInt(m[1]!);
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

/** Rejects names Kafka rejects, which also keeps a topic name from escaping its log dir. */
export function checkTopicPartition(tp: TopicPartition): void {
  if (!LEGAL_TOPIC.test(tp.topic) || tp.topic === '.' || tp.topic === '..') {
    throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic name "${tp.topic}" is illegal`);
  }
  if (!Number.isInteger(tp.partition) || tp.partition < 0 || tp.partition > 0x7fffffff) {
    throw new KafkaError(
      'INVALID_TOPIC_EXCEPTION',
      `Partition ${tp.partition} of topic "${tp.topic}" is not a non-negative int32`,
    );
  }
}

const PARTITION_DIR = /^([a-zA-Z0-9._-]+)-(\d+)$/;
const DELETE_DIR = /^[a-zA-Z0-9._-]+-\d+\.[0-9a-f]{32}-delete$/;

/** The partition a live `<topic>-<partition>` directory holds, or null for any other name. */
export function parsePartitionDirName(name: string): TopicPartition | null {
  const m = PARTITION_DIR.exec(name);
  if (m === null) return null;
  const partition = Number(m[2]);
  if (!Number.isSafeInteger(partition) || partition > 0x7fffffff) return null;
  return { topic: m[1]!, partition };
}

export function isDeleteDirName(name: string): boolean {
  return DELETE_DIR.test(name);
}

/**
 * `<topic>-<partition>.<uuid>-delete`, with the topic cut so the name stays within 255 bytes,
 * as Kafka does for long topic names.
 */
export function deleteDirName(tp: TopicPartition): string {
  const suffix = `-${tp.partition}.${randomUUID().replaceAll('-', '')}${DELETE_DIR_SUFFIX}`;
  return tp.topic.slice(0, 255 - suffix.length) + suffix;
}
