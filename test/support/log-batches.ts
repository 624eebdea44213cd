// Reads the record batch headers of a partition's segment files straight from the data dir, so
// a test can check what the broker stored (which codec, which timestamp type) without going
// through the broker, and find batch boundaries to tear or corrupt. Magic-2 batch header:
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
//   attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 | …
// A tail that does not hold a whole batch ends the walk (it is what recovery would truncate).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StoredBatch {
  /** Segment file name, e.g. 00000000000000000000.log */
  file: string;
  /** Byte position of the batch in its segment. */
  position: number;
  /** Whole batch size, the 12-byte log overhead included. */
  size: number;
  baseOffset: bigint;
  lastOffset: bigint;
  attributes: number;
  /** Attributes bits 0-2. */
  codec: number;
  logAppendTime: boolean;
  maxTimestamp: bigint;
}

const LOG_OVERHEAD = 12;
const HEADER_BYTES = 61;

export function partitionDir(dataDir: string, topic: string, partition: number): string {
  return join(dataDir, `${topic}-${partition}`);
}

/** Segment files of a partition, oldest first. */
export function segmentFiles(dataDir: string, topic: string, partition: number): string[] {
  return readdirSync(partitionDir(dataDir, topic, partition))
    .filter((f) => /^\d{20}\.log$/.test(f))
    .sort();
}

export function storedBatches(dataDir: string, topic: string, partition = 0): StoredBatch[] {
  const batches: StoredBatch[] = [];
  for (const file of segmentFiles(dataDir, topic, partition)) {
    const bytes = readFileSync(join(partitionDir(dataDir, topic, partition), file));
    let at = 0;
    while (bytes.length - at >= HEADER_BYTES) {
      const size = LOG_OVERHEAD + bytes.readInt32BE(at + 8);
      if (size < HEADER_BYTES || at + size > bytes.length) break;
      const baseOffset = bytes.readBigInt64BE(at);
      const attributes = bytes.readInt16BE(at + 21);
      batches.push({
        file,
        position: at,
        size,
        baseOffset,
        lastOffset: baseOffset + BigInt(bytes.readInt32BE(at + 23)),
        attributes,
        codec: attributes & 0x07,
        logAppendTime: (attributes & 0x08) !== 0,
        maxTimestamp: bytes.readBigInt64BE(at + 35),
      });
      at += size;
    }
  }
  return batches;
}

/**
 * Why librdkafka 2.0.2 may silently send a codec's batches uncompressed: it enables gzip, snappy
 * and lz4 only when ApiVersions advertises Produce v0 (Kafka 4 advertises 0+ for this reason,
 * KAFKA-18659), lz4 only when FindCoordinator is advertised, zstd only with Produce v7 and Fetch
 * v10. Samsa advertises all of them, so every codec must arrive compressed.
 */
export const LIBRDKAFKA_CODEC_HINT =
  'librdkafka 2.0.2 compresses gzip/snappy/lz4 only when ApiVersions advertises Produce from v0 ' +
  '(KAFKA-18659), and lz4 only when FindCoordinator is advertised';

/** The stored batch that holds `offset`. */
export function batchHolding(batches: readonly StoredBatch[], offset: bigint): StoredBatch {
  const batch = batches.find((b) => b.baseOffset <= offset && offset <= b.lastOffset);
  if (batch === undefined) throw new Error(`No stored batch holds offset ${offset}`);
  return batch;
}

/**
 * Checks the codec a client used: the batch holding `compressibleOffset` (a record every codec
 * shrinks) must carry `codec`; other batches carry it too or none at all, since clients such as
 * librdkafka send a batch uncompressed when compression would not make it smaller.
 */
export function codecProblems(
  batches: readonly StoredBatch[],
  codec: number,
  compressibleOffset: bigint,
): string[] {
  const problems: string[] = [];
  const holding = batchHolding(batches, compressibleOffset);
  if (holding.codec !== codec)
    problems.push(
      `batch ${holding.baseOffset}-${holding.lastOffset} (with the compressible record) has codec ${holding.codec}, expected ${codec}`,
    );
  for (const b of batches) {
    if (b.codec !== codec && b.codec !== 0)
      problems.push(
        `batch ${b.baseOffset}-${b.lastOffset} has codec ${b.codec}, expected ${codec} or 0`,
      );
  }
  return problems;
}
