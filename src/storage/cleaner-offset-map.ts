// OffsetMap: for each key in the dirty section of a log, the offset of its latest record — what
// the cleaner keeps (Kafka's OffsetMap / SkimpyOffsetMap).
//
// Kafka stores a 16-byte MD5 of each key in a fixed array, so two keys may (very rarely) collide
// and one's latest value be dropped for the other's. Here keys are compared by their bytes: the
// map is keyed by the key's latin1 string (one character per byte), so distinct keys never meet.
// Memory is bounded like Kafka's dedupe buffer: each entry is charged its key length plus a
// fixed overhead, and once `budgetBytes` would be passed the map is full and the cleaner cleans
// only up to the last offset it mapped (latestOffset), leaving the rest for the next pass.

/** What a Map entry with a short string key and a bigint costs in V8, roughly. */
const ENTRY_OVERHEAD_BYTES = 96;

export class OffsetMap {
  readonly #entries = new Map<string, bigint>();
  readonly budgetBytes: number;
  #usedBytes = 0;
  #latestOffset: bigint;

  /** An empty map for a dirty section starting at `startOffset`. */
  constructor(budgetBytes: number, startOffset: bigint) {
    this.budgetBytes = budgetBytes;
    this.#latestOffset = startOffset - 1n;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * The last offset the map accounts for: records after it were not mapped, so the cleaner keeps
   * them whatever their key.
   */
  get latestOffset(): bigint {
    return this.#latestOffset;
  }

  /** Share of the budget in use (Kafka's buffer utilization). */
  get utilization(): number {
    return this.budgetBytes === 0 ? 1 : this.#usedBytes / this.budgetBytes;
  }

  /**
   * Records `offset` as the latest of `key`; false (storing nothing) once the map is full, unless
   * `overBudget` (the cleaner maps its first batch whole, so every pass makes progress).
   */
  put(key: Buffer, offset: bigint, overBudget = false): boolean {
    const k = key.toString('latin1');
    if (!this.#entries.has(k)) {
      const cost = key.length + ENTRY_OVERHEAD_BYTES;
      if (this.#usedBytes + cost > this.budgetBytes && !overBudget) return false;
      this.#usedBytes += cost;
    }
    this.#entries.set(k, offset);
    return true;
  }

  /** The latest offset of `key`, or -1 when the dirty section does not hold it. */
  get(key: Buffer): bigint {
    return this.#entries.get(key.toString('latin1')) ?? -1n;
  }

  updateLatestOffset(offset: bigint): void {
    if (offset > this.#latestOffset) this.#latestOffset = offset;
  }
}
