// Flush policy: Kafka's defaults never fsync on append (the OS writes back; acks survive kill -9
// because the bytes are in the kernel), flush.messages fsyncs before acknowledging the append
// that reaches it, flush.ms fsyncs on a tick once the oldest unflushed append is that old,
// rolled segments are flushed in the background, and a failed fsync takes the log offline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSamsaError } from '../../src/errors/samsa-error.js';
import { toErrorCode } from '../../src/errors/kafka-error.js';
import { NODE_STORAGE_FS, type StorageFs } from '../../src/storage/storage-fs.js';
import { ManualClock, appendMany, batch, eventually, openLog, tempDir } from './helpers.js';

function countingFs(fail = (): boolean => false): { fs: StorageFs; fsyncs: () => number } {
  let fsyncs = 0;
  const fs: StorageFs = {
    ...NODE_STORAGE_FS,
    fsync: async (fd: number) => {
      fsyncs++;
      if (fail()) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
      return NODE_STORAGE_FS.fsync(fd);
    },
  };
  return { fs, fsyncs: () => fsyncs };
}

describe('flush policy', () => {
  it('never fsyncs on append with the defaults', async () => {
    const { fs, fsyncs } = countingFs();
    const log = openLog(`${tempDir()}/orders-0`, new ManualClock(), {}, { fs });
    await appendMany(log, 50);
    assert.equal(fsyncs(), 0);
    assert.equal(log.recoveryPoint, 0n);
    await log.flush();
    assert.ok(fsyncs() > 0);
    assert.equal(log.recoveryPoint, 50n);
    await log.close();
  });

  it('flush.messages=3 fsyncs before the third append is acknowledged', async () => {
    const { fs, fsyncs } = countingFs();
    const log = openLog(`${tempDir()}/orders-0`, new ManualClock(), { flushMessages: 3 }, { fs });
    await appendMany(log, 2);
    assert.equal(log.recoveryPoint, 0n);
    assert.equal(fsyncs(), 0);
    await appendMany(log, 1);
    assert.equal(log.recoveryPoint, 3n);
    assert.ok(fsyncs() > 0);
    await log.close();
  });

  it('groups concurrent appends under flush.messages=1 into few fsyncs', async () => {
    const { fs, fsyncs } = countingFs();
    const log = openLog(`${tempDir()}/orders-0`, new ManualClock(), { flushMessages: 1 }, { fs });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => log.appendAsLeader(batch(), { leaderEpoch: 0 })),
    );
    assert.deepEqual(
      results.map((r) => r.firstOffset),
      Array.from({ length: 20 }, (_, i) => BigInt(i)),
    );
    assert.equal(log.recoveryPoint, 20n);
    // One fsync per file (log, 2 indexes) for the first append, one round covering the rest.
    assert.ok(fsyncs() <= 2 * 4, `${fsyncs()} fsyncs`);
    await log.close();
  });

  it('flush.ms fsyncs once the oldest unflushed append is that old', async () => {
    const clock = new ManualClock();
    const log = openLog(`${tempDir()}/orders-0`, clock, { flushMs: 1000 });
    await appendMany(log, 2);
    clock.advance(600);
    await appendMany(log, 1);
    await log.maybeFlush(clock.now());
    assert.equal(log.recoveryPoint, 0n);
    clock.advance(400);
    await log.maybeFlush(clock.now());
    assert.equal(log.recoveryPoint, 3n);
    clock.advance(5000);
    await log.maybeFlush(clock.now()); // nothing unflushed: nothing to do
    await appendMany(log, 1);
    await log.maybeFlush(clock.now() + 999);
    assert.equal(log.recoveryPoint, 3n);
    await log.close();
  });

  it('flushes a rolled segment in the background, advancing the recovery point to it', async () => {
    const size = batch().length;
    const log = openLog(`${tempDir()}/orders-0`, new ManualClock(), { segmentBytes: size * 2 });
    await appendMany(log, 5);
    await eventually(() => log.recoveryPoint === 4n, 'the rolled segments to be flushed');
    assert.equal(log.logEndOffset, 5n);
    await log.close();
  });

  it('takes the log offline when fsync fails, keeping the recovery point', async () => {
    let failing = false;
    const { fs } = countingFs(() => failing);
    const log = openLog(`${tempDir()}/orders-0`, new ManualClock(), {}, { fs });
    await appendMany(log, 2);
    await log.flush();
    await appendMany(log, 2);
    failing = true;
    const waiting = log.waitForAppend(10n);
    await assert.rejects(log.flush(), (err: unknown) => {
      assert.ok(isSamsaError(err, 'SAMSA_ERR_LOG_OFFLINE'));
      assert.equal(toErrorCode(err), 56); // KAFKA_STORAGE_ERROR
      return true;
    });
    await waiting; // long polls are released
    assert.equal(log.recoveryPoint, 2n);
    assert.equal(log.isOffline, true);
    await assert.rejects(log.appendAsLeader(batch(), { leaderEpoch: 0 }), (err: unknown) =>
      isSamsaError(err, 'SAMSA_ERR_LOG_OFFLINE'),
    );
    await assert.rejects(log.read(0n, { maxBytes: 100 }), (err: unknown) =>
      isSamsaError(err, 'SAMSA_ERR_LOG_OFFLINE'),
    );
    await log.close();
  });
});
