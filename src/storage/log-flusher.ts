// LogFlusher: a partition's fsyncs, one at a time. Flushes queue behind the one in flight; a
// flush "to the log end" reads the log end offset when it starts, so appends that arrived during
// the previous fsync share the next one (group commit under flush.messages=1). It also tracks the
// oldest append not yet flushed, which flush.ms measures.
import type { LocalLog } from './local-log.js';

export class LogFlusher {
  readonly #local: LocalLog;
  #chain: Promise<void> = Promise.resolve();
  #oldestUnflushedMs: number | null;

  constructor(local: LocalLog, now: number) {
    this.#local = local;
    this.#oldestUnflushedMs = local.recoveryPoint < local.logEndOffset ? now : null;
  }

  /** Records an append at `now` (the first one since the last full flush starts the flush.ms clock). */
  appended(now: number): void {
    this.#oldestUnflushedMs ??= now;
  }

  /** Whether flush.ms says a flush is due. */
  isDue(now: number, flushMs: number): boolean {
    return this.#oldestUnflushedMs !== null && now - this.#oldestUnflushedMs >= flushMs;
  }

  /**
   * Queues an fsync up to `target` (null: the log end when it starts). `beforeRun` may throw to
   * fail it or return false to skip it; `onError` turns an I/O failure into what callers see.
   */
  flush(
    target: bigint | null,
    beforeRun: () => boolean,
    onError: (err: unknown) => Error,
  ): Promise<void> {
    const run = async (): Promise<void> => {
      if (!beforeRun()) return;
      const upTo = target ?? this.#local.logEndOffset;
      const since = this.#oldestUnflushedMs;
      if (upTo >= this.#local.logEndOffset) this.#oldestUnflushedMs = null;
      try {
        await this.#local.flush(upTo);
      } catch (err) {
        if (since !== null) this.#oldestUnflushedMs = since;
        throw onError(err);
      }
    };
    const done = this.#chain.then(run, run);
    this.#chain = done.catch(() => undefined);
    return done;
  }
}
