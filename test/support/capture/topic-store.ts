// In-memory topics for the capture server: each partition keeps the batches clients produced,
// with the broker-owned base offset written in (it lies outside the CRC, so the CRC stays valid).
// Good enough to lead a client through produce and fetch; not a log (no retention, no disk).
import { randomBytes } from 'node:crypto';
import { readBatchHeaders } from './batch-headers.js';

export interface StoredBatch {
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
  bytes: Buffer;
}

export class PartitionData {
  readonly batches: StoredBatch[] = [];
  logStartOffset = 0n;
  /** The next offset to assign (Kafka's log end offset, also our high watermark). */
  logEndOffset = 0n;

  /** Appends every batch in `records`; returns the base offset of the first. */
  append(records: Buffer): bigint {
    const first = this.logEndOffset;
    for (const batch of readBatchHeaders(records)) {
      const bytes = Buffer.from(records.subarray(batch.position, batch.position + batch.size));
      bytes.writeBigInt64BE(this.logEndOffset, 0);
      const lastOffset = this.logEndOffset + BigInt(batch.lastOffsetDelta);
      this.batches.push({
        baseOffset: this.logEndOffset,
        lastOffset,
        maxTimestamp: batch.maxTimestamp,
        bytes,
      });
      this.logEndOffset = lastOffset + 1n;
    }
    return first;
  }

  /** Whole batches from the one holding `offset`, up to maxBytes but always at least one. */
  read(offset: bigint, maxBytes: number): Buffer {
    const out: Buffer[] = [];
    let size = 0;
    for (const batch of this.batches) {
      if (batch.lastOffset < offset) continue;
      if (out.length > 0 && size + batch.bytes.length > maxBytes) break;
      out.push(batch.bytes);
      size += batch.bytes.length;
    }
    return Buffer.concat(out);
  }

  /** The first offset whose batch has a timestamp at or after `timestamp`, or null. */
  offsetForTimestamp(timestamp: bigint): bigint | null {
    const batch = this.batches.find((b) => b.maxTimestamp >= timestamp);
    return batch === undefined ? null : batch.baseOffset;
  }
}

export interface Topic {
  name: string;
  /** Kafka's Uuid text form (22 characters of base64url). */
  id: string;
  partitions: PartitionData[];
}

export class TopicStore {
  readonly #byName = new Map<string, Topic>();
  readonly #byId = new Map<string, Topic>();

  get topics(): Topic[] {
    return [...this.#byName.values()];
  }

  byName(name: string): Topic | undefined {
    return this.#byName.get(name);
  }

  byId(id: string): Topic | undefined {
    return this.#byId.get(id);
  }

  create(name: string, partitionCount = 1): Topic {
    const existing = this.#byName.get(name);
    if (existing !== undefined) return existing;
    const topic: Topic = {
      name,
      id: randomBytes(16).toString('base64url'),
      partitions: Array.from({ length: partitionCount }, () => new PartitionData()),
    };
    this.#byName.set(name, topic);
    this.#byId.set(topic.id, topic);
    return topic;
  }
}
