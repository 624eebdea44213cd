// Offsets committed inside a transaction (TxnOffsetCommit), Kafka's pending transactional
// offsets: kept per producer id until the transaction's end marker reaches this
// `__consumer_offsets` partition. A COMMIT marker makes them the groups' committed offsets; an
// ABORT drops them. An offset committed (or deleted) outside the transaction after the pending one
// was written wins over it, as Kafka decides by record offset.
//
// Pure data in replay order: the live path and a replay of the partition build the same state.

import type { OffsetAndMetadata } from './offset-store.js';

export interface PendingOffset {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: OffsetAndMetadata;
}

interface Entry extends PendingOffset {
  /** A later non-transactional commit or delete of the same partition: this one must not apply. */
  superseded: boolean;
}

const key = (group: string, topic: string, partition: number): string =>
  `${group}\u0000${topic}\u0000${partition}`;

export class PendingTransactionalOffsets {
  readonly #byProducer = new Map<bigint, Map<string, Entry>>();

  add(producerId: bigint, pending: PendingOffset): void {
    let entries = this.#byProducer.get(producerId);
    if (entries === undefined) this.#byProducer.set(producerId, (entries = new Map()));
    entries.set(key(pending.group, pending.topic, pending.partition), {
      ...pending,
      superseded: false,
    });
  }

  /** A commit or delete outside any transaction: pending offsets of that partition lose to it. */
  supersede(group: string, topic: string, partition: number): void {
    const k = key(group, topic, partition);
    for (const entries of this.#byProducer.values()) {
      const entry = entries.get(k);
      if (entry !== undefined) entry.superseded = true;
    }
  }

  /** Whether an open transaction holds an offset for the partition (OffsetFetch requireStable). */
  has(group: string, topic: string, partition: number): boolean {
    const k = key(group, topic, partition);
    for (const entries of this.#byProducer.values()) if (entries.has(k)) return true;
    return false;
  }

  /** Whether any open transaction holds offsets of the group. */
  hasGroup(group: string): boolean {
    for (const entries of this.#byProducer.values()) {
      for (const entry of entries.values()) if (entry.group === group) return true;
    }
    return false;
  }

  /**
   * The producer's transaction ended: its offsets to make committed (COMMIT, not superseded), or
   * none (ABORT). The producer's pending offsets are forgotten either way.
   */
  complete(producerId: bigint, commit: boolean): PendingOffset[] {
    const entries = this.#byProducer.get(producerId);
    this.#byProducer.delete(producerId);
    if (entries === undefined || !commit) return [];
    return [...entries.values()]
      .filter((e) => !e.superseded)
      .map(({ group, topic, partition, offset }) => ({ group, topic, partition, offset }));
  }

  /** Open transactions and their offsets, sorted, for the shard's snapshot. */
  snapshot(): unknown {
    return [...this.#byProducer]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([producerId, entries]) => ({
        producerId: String(producerId),
        offsets: [...entries.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([, e]) => e),
      }));
  }
}
