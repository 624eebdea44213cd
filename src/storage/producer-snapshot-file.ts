// The producer state snapshot: `<partition dir>/<offset, 20 digits>.snapshot` holds every
// producer's state as it was after all batches below <offset> (Kafka's file name; the contents
// are Samsa's own format). Written when a segment rolls (at its base offset) and on clean
// shutdown (at the log end offset); read on startup so only the batches after it are replayed.
//
// Kafka's snapshot (version 1, starting with int16 1) keeps only each producer's last batch, so
// after a restart only the latest batch of a producer is recognised as a duplicate; this format
// keeps all five, so a producer retrying its whole in-flight window across a clean restart is
// still deduplicated. All integers are big-endian:
//
//   magic                  4 bytes  "SPSN" (never a Kafka snapshot, which starts 0x00 0x01)
//   version                int16    1
//   crc                    uint32   CRC-32C of every byte after this field
//   producerCount          int32
//   per producer:
//     producerId           int64
//     producerEpoch        int16
//     coordinatorEpoch     int32    -1 until transactions
//     currentTxnFirstOffset int64   -1: no open transaction
//     lastTimestamp        int64
//     batchCount           int8     0..5, oldest first
//     per batch:
//       lastSequence       int32
//       lastOffset         int64
//       offsetDelta        int32    lastOffset - firstOffset
//       timestamp          int64    the batch's max timestamp as stored
//
// Any deviation (magic, version, CRC, a count that does not match the length) makes the file
// corrupt: the loader deletes it and falls back to an older snapshot or to replaying the log.
import { SamsaError } from '../errors/samsa-error.js';
import { crc32c } from '../protocol/records/index.js';
import {
  NUM_BATCHES_TO_RETAIN,
  ProducerStateEntry,
  type BatchMetadata,
} from './producer-state-entry.js';

const MAGIC = Buffer.from('SPSN', 'latin1');
export const PRODUCER_SNAPSHOT_VERSION = 1;
const CRC_AT = 6;
const BODY_AT = 10;
const PRODUCER_FIXED_BYTES = 8 + 2 + 4 + 8 + 8 + 1;
const BATCH_BYTES = 4 + 8 + 4 + 8;

export function encodeProducerSnapshot(entries: Iterable<ProducerStateEntry>): Buffer {
  const list = [...entries];
  let size = BODY_AT + 4;
  for (const e of list) size += PRODUCER_FIXED_BYTES + e.batches.length * BATCH_BYTES;
  const buf = Buffer.alloc(size);
  MAGIC.copy(buf, 0);
  buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, 4);
  let at = BODY_AT;
  at = buf.writeInt32BE(list.length, at);
  for (const e of list) {
    at = buf.writeBigInt64BE(e.producerId, at);
    at = buf.writeInt16BE(e.producerEpoch, at);
    at = buf.writeInt32BE(e.coordinatorEpoch, at);
    at = buf.writeBigInt64BE(e.currentTxnFirstOffset ?? -1n, at);
    at = buf.writeBigInt64BE(e.lastTimestamp, at);
    at = buf.writeInt8(e.batches.length, at);
    for (const b of e.batches) {
      at = buf.writeInt32BE(b.lastSeq, at);
      at = buf.writeBigInt64BE(b.lastOffset, at);
      at = buf.writeInt32BE(b.offsetDelta, at);
      at = buf.writeBigInt64BE(b.timestamp, at);
    }
  }
  buf.writeUInt32BE(crc32c(buf.subarray(BODY_AT)), CRC_AT);
  return buf;
}

function corrupt(path: string, detail: string): SamsaError {
  return new SamsaError(
    'SAMSA_ERR_PRODUCER_SNAPSHOT_CORRUPT',
    `Producer state snapshot ${path} is corrupt: ${detail}`,
  );
}

/** Throws SAMSA_ERR_PRODUCER_SNAPSHOT_CORRUPT on anything but a whole, valid snapshot. */
export function decodeProducerSnapshot(buf: Buffer, path: string): ProducerStateEntry[] {
  if (buf.length < BODY_AT + 4 || !buf.subarray(0, 4).equals(MAGIC)) {
    throw corrupt(path, 'not a Samsa producer snapshot');
  }
  const version = buf.readInt16BE(4);
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw corrupt(path, `unknown version ${version}`);
  const stored = buf.readUInt32BE(CRC_AT);
  const computed = crc32c(buf.subarray(BODY_AT));
  if (stored !== computed) throw corrupt(path, `stored crc ${stored}, computed crc ${computed}`);
  const count = buf.readInt32BE(BODY_AT);
  if (count < 0) throw corrupt(path, `negative producer count ${count}`);
  const entries: ProducerStateEntry[] = [];
  let at = BODY_AT + 4;
  const need = (bytes: number): void => {
    if (at + bytes > buf.length) throw corrupt(path, `truncated after ${entries.length} producers`);
  };
  for (let i = 0; i < count; i++) {
    need(PRODUCER_FIXED_BYTES);
    const producerId = buf.readBigInt64BE(at);
    const producerEpoch = buf.readInt16BE(at + 8);
    const coordinatorEpoch = buf.readInt32BE(at + 10);
    const txnFirst = buf.readBigInt64BE(at + 14);
    const lastTimestamp = buf.readBigInt64BE(at + 22);
    const batchCount = buf.readInt8(at + 30);
    at += PRODUCER_FIXED_BYTES;
    if (batchCount < 0 || batchCount > NUM_BATCHES_TO_RETAIN) {
      throw corrupt(path, `producer ${producerId} has ${batchCount} batches`);
    }
    need(batchCount * BATCH_BYTES);
    const batches: BatchMetadata[] = [];
    for (let b = 0; b < batchCount; b++) {
      batches.push({
        lastSeq: buf.readInt32BE(at),
        lastOffset: buf.readBigInt64BE(at + 4),
        offsetDelta: buf.readInt32BE(at + 12),
        timestamp: buf.readBigInt64BE(at + 16),
      });
      at += BATCH_BYTES;
    }
    entries.push(
      new ProducerStateEntry(producerId, {
        producerEpoch,
        coordinatorEpoch,
        lastTimestamp,
        currentTxnFirstOffset: txnFirst >= 0n ? txnFirst : null,
        batches,
      }),
    );
  }
  if (at !== buf.length) throw corrupt(path, `${buf.length - at} bytes after the last producer`);
  return entries;
}
