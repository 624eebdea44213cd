// Long-poll support: Fetch requests park here until the partition's high watermark passes the
// offset they wait for. The log calls notify() whenever the high watermark advances; nothing
// polls and no timer is created per waiter (the Fetch handler owns the max-wait timer and aborts).
interface Waiter {
  readonly offset: bigint;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

export class AppendWaiters {
  #waiters: Waiter[] = [];
  #closed = false;

  get size(): number {
    return this.#waiters.length;
  }

  /**
   * Resolves once notify() reports an end past `offset` (at once if `end` already is, or after
   * close()); rejects with the signal's reason when it aborts first.
   */
  wait(offset: bigint, end: bigint, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    if (end > offset || this.#closed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        offset,
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#remove(waiter);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Wakes every waiter whose offset is below `end`. */
  notify(end: bigint): void {
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (end > w.offset) this.#settle(w);
      else still.push(w);
    }
    this.#waiters = still;
  }

  /** Wakes everyone (the log closed); later waits resolve at once. */
  close(): void {
    this.#closed = true;
    const all = this.#waiters;
    this.#waiters = [];
    for (const w of all) this.#settle(w);
  }

  #settle(w: Waiter): void {
    w.signal?.removeEventListener('abort', w.onAbort);
    w.resolve();
  }

  #remove(w: Waiter): void {
    const i = this.#waiters.indexOf(w);
    if (i !== -1) this.#waiters.splice(i, 1);
  }
}
