// Committed offsets of every group in one `__consumer_offsets` partition, Kafka's
// OffsetMetadataManager state: group → topic → partition → OffsetAndMetadata. Pure data; the
// validation of who may commit lives in the shard. Null metadata is stored as "" as Kafka does.

import type { OffsetCommitValue } from '../../protocol/generated/group-coordinator/offset-commit-value.js';

export interface OffsetAndMetadata {
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string;
  commitTimestamp: bigint;
  expireTimestamp: bigint;
}

export function offsetFromRecordValue(v: OffsetCommitValue): OffsetAndMetadata {
  return {
    committedOffset: v.offset,
    committedLeaderEpoch: v.leaderEpoch,
    metadata: v.metadata,
    commitTimestamp: v.commitTimestamp,
    expireTimestamp: v.expireTimestamp,
  };
}

export function offsetToRecordValue(o: OffsetAndMetadata): OffsetCommitValue {
  return {
    offset: o.committedOffset,
    leaderEpoch: o.committedLeaderEpoch,
    metadata: o.metadata,
    commitTimestamp: o.commitTimestamp,
    expireTimestamp: o.expireTimestamp,
  };
}

export class OffsetStore {
  readonly #offsets = new Map<string, Map<string, Map<number, OffsetAndMetadata>>>();

  get(group: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.#offsets.get(group)?.get(topic)?.get(partition);
  }

  set(group: string, topic: string, partition: number, offset: OffsetAndMetadata): void {
    let topics = this.#offsets.get(group);
    if (topics === undefined) this.#offsets.set(group, (topics = new Map()));
    let partitions = topics.get(topic);
    if (partitions === undefined) topics.set(topic, (partitions = new Map()));
    partitions.set(partition, offset);
  }

  delete(group: string, topic: string, partition: number): boolean {
    const topics = this.#offsets.get(group);
    const partitions = topics?.get(topic);
    if (topics === undefined || partitions === undefined) return false;
    const had = partitions.delete(partition);
    if (partitions.size === 0) topics.delete(topic);
    if (topics.size === 0) this.#offsets.delete(group);
    return had;
  }

  hasOffsets(group: string): boolean {
    return this.#offsets.has(group);
  }

  /** Every committed offset of a group, topics and partitions in insertion order. */
  list(group: string): { topic: string; partition: number; offset: OffsetAndMetadata }[] {
    const out: { topic: string; partition: number; offset: OffsetAndMetadata }[] = [];
    for (const [topic, partitions] of this.#offsets.get(group) ?? []) {
      for (const [partition, offset] of partitions) out.push({ topic, partition, offset });
    }
    return out;
  }
}
