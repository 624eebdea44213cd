// LogManager on real log dirs: placement across log.dirs, Kafka's checkpoint files and clean
// shutdown marker, reload with checkpoints, the periodic tick (flush.ms, retention, checkpoints,
// delayed removal of deleted partitions), and the startup checks.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KafkaError } from '../../src/errors/kafka-error.js';
import { isSamsaError } from '../../src/errors/samsa-error.js';
import { logConfig } from '../../src/storage/log-config.js';
import { LogManager } from '../../src/storage/log-manager.js';
import { ManualClock, batch, eventually, readAllBatches, tempDir } from './helpers.js';

const DAY = 24 * 60 * 60 * 1000;

async function manager(
  logDirs: string[],
  clock = new ManualClock(),
  extra = {},
): Promise<LogManager> {
  return LogManager.open({
    logDirs,
    clock,
    retentionCheckIntervalMs: 0,
    recoveryPointCheckpointIntervalMs: 0,
    logStartOffsetCheckpointIntervalMs: 0,
    ...extra,
  });
}

describe('LogManager', () => {
  it('spreads new partitions over the log dirs holding the fewest', async () => {
    const dirs = [tempDir(), tempDir()];
    const m = await manager(dirs);
    for (let p = 0; p < 4; p++) m.getOrCreateLog({ topic: 'orders', partition: p });
    assert.deepEqual(readdirSync(dirs[0]!).sort(), ['orders-0', 'orders-2']);
    assert.deepEqual(readdirSync(dirs[1]!).sort(), ['orders-1', 'orders-3']);
    assert.equal(
      m.getOrCreateLog({ topic: 'orders', partition: 1 }),
      m.getLog({ topic: 'orders', partition: 1 }),
    );
    await m.close();
  });

  it('writes Kafka checkpoint files and the clean shutdown marker, and reloads from them', async () => {
    const dir = tempDir();
    const m = await manager([dir]);
    const log = m.getOrCreateLog({ topic: 'orders', partition: 0 });
    for (let i = 0; i < 5; i++) await log.appendAsLeader(batch(), { leaderEpoch: 0 });
    await log.deleteRecordsBefore(2n);
    m.getOrCreateLog({ topic: 'audit', partition: 3 });
    await m.close();
    assert.equal(
      readFileSync(join(dir, 'recovery-point-offset-checkpoint'), 'utf8'),
      '0\n2\norders 0 5\naudit 3 0\n',
    );
    assert.equal(
      readFileSync(join(dir, 'log-start-offset-checkpoint'), 'utf8'),
      '0\n2\norders 0 2\naudit 3 0\n',
    );
    assert.ok(existsSync(join(dir, '.kafka_cleanshutdown')));
    const again = await manager([dir]);
    assert.equal(existsSync(join(dir, '.kafka_cleanshutdown')), false);
    const reloaded = again.getLog({ topic: 'orders', partition: 0 })!;
    assert.equal(reloaded.logEndOffset, 5n);
    assert.equal(reloaded.logStartOffset, 2n);
    assert.equal(reloaded.recoveryPoint, 5n);
    assert.equal(again.logs.length, 2);
    await again.close();
  });

  it('recovers after a crash using the checkpointed recovery points', async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const m = await manager([dir], clock);
    const log = m.getOrCreateLog({ topic: 'orders', partition: 0 });
    for (let i = 0; i < 5; i++) await log.appendAsLeader(batch(), { leaderEpoch: 0 });
    await log.flush();
    await m.tick();
    for (let i = 0; i < 3; i++) await log.appendAsLeader(batch(), { leaderEpoch: 0 });
    assert.equal(
      readFileSync(join(dir, 'recovery-point-offset-checkpoint'), 'utf8'),
      '0\n1\norders 0 5\n',
    );
    const crashed = join(tempDir(), 'crashed');
    cpSync(dir, crashed, { recursive: true });
    const after = await manager([crashed]);
    const recovered = after.getLog({ topic: 'orders', partition: 0 })!;
    assert.equal(recovered.logEndOffset, 8n);
    assert.equal((await readAllBatches(recovered)).length, 8);
    await after.close();
    await m.close();
  });

  it('runs flush.ms, retention and checkpoints from tick() with the injected clock', async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const size = batch().length;
    const config = logConfig({ flushMs: 1000, retentionMs: DAY, segmentBytes: size });
    const m = await manager([dir], clock, { configFor: () => config });
    const log = m.getOrCreateLog({ topic: 'orders', partition: 0 });
    for (let i = 0; i < 3; i++) {
      await log.appendAsLeader(batch({ timestamp: BigInt(clock.now()) }), { leaderEpoch: 0 });
    }
    await eventually(() => log.recoveryPoint === 2n, 'the rolled segments to be flushed');
    await m.tick();
    assert.equal(log.recoveryPoint, 2n);
    clock.advance(1000);
    await m.tick();
    assert.equal(log.recoveryPoint, 3n);
    clock.advance(2 * DAY);
    await log.appendAsLeader(batch({ timestamp: BigInt(clock.now()) }), { leaderEpoch: 0 });
    await m.tick();
    assert.deepEqual(log.segmentBaseOffsets, [3n]);
    assert.equal(log.logStartOffset, 3n);
    assert.equal(
      readFileSync(join(dir, 'log-start-offset-checkpoint'), 'utf8'),
      '0\n1\norders 0 3\n',
    );
    await m.close();
  });

  it('deletes a partition by renaming its dir, then removes it after file.delete.delay.ms', async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const m = await manager([dir], clock, {
      configFor: () => logConfig({ fileDeleteDelayMs: 5000 }),
    });
    const log = m.getOrCreateLog({ topic: 'orders', partition: 7 });
    await log.appendAsLeader(batch(), { leaderEpoch: 0 });
    assert.equal(await m.deleteLog({ topic: 'orders', partition: 7 }), true);
    assert.equal(await m.deleteLog({ topic: 'orders', partition: 7 }), false);
    const [renamed] = readdirSync(dir).filter((n) => n.startsWith('orders-7'));
    assert.match(renamed!, /^orders-7\.[0-9a-f]{32}-delete$/);
    await assert.rejects(log.appendAsLeader(batch(), { leaderEpoch: 0 }), (e: unknown) =>
      isSamsaError(e, 'SAMSA_ERR_LOG_CLOSED'),
    );
    assert.equal(m.getLog({ topic: 'orders', partition: 7 }), undefined);
    clock.advance(4999);
    await m.tick();
    assert.ok(existsSync(join(dir, renamed!)));
    clock.advance(1);
    await m.tick();
    assert.equal(existsSync(join(dir, renamed!)), false);
    const fresh = m.getOrCreateLog({ topic: 'orders', partition: 7 });
    assert.equal(fresh.logEndOffset, 0n);
    await m.close();
  });

  it('removes -delete dirs left behind at startup and ignores foreign entries', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'orders-1.0123456789abcdef0123456789abcdef-delete'));
    mkdirSync(join(dir, 'lost+found'));
    writeFileSync(join(dir, 'meta.properties'), 'version=1\n');
    const m = await manager([dir]);
    assert.deepEqual(readdirSync(dir).sort(), ['lost+found', 'meta.properties']);
    assert.equal(m.logs.length, 0);
    await m.close();
  });

  it('refuses a partition present in two log dirs, and a log dir that is a file', async () => {
    const [a, b] = [tempDir(), tempDir()];
    mkdirSync(join(a, 'orders-0'));
    mkdirSync(join(b, 'orders-0'));
    await assert.rejects(manager([a, b]), (e: unknown) =>
      isSamsaError(e, 'SAMSA_ERR_LOG_DIR_INVALID'),
    );
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    await assert.rejects(manager([file]), (e: unknown) =>
      isSamsaError(e, 'SAMSA_ERR_LOG_DIR_INVALID'),
    );
  });

  it('rejects topic names Kafka rejects', async () => {
    const m = await manager([tempDir()]);
    for (const topic of ['', '..', 'a/b', 'x'.repeat(250)]) {
      assert.throws(
        () => m.getOrCreateLog({ topic, partition: 0 }),
        (e: unknown) => e instanceof KafkaError && e.errorName === 'INVALID_TOPIC_EXCEPTION',
      );
    }
    await m.close();
  });

  it('recovers everything when a checkpoint file is corrupt', async () => {
    const dir = tempDir();
    const m = await manager([dir]);
    const log = m.getOrCreateLog({ topic: 'orders', partition: 0 });
    for (let i = 0; i < 3; i++) await log.appendAsLeader(batch(), { leaderEpoch: 0 });
    await m.close();
    writeFileSync(join(dir, 'recovery-point-offset-checkpoint'), 'garbage');
    const warnings: string[] = [];
    const again = await manager([dir], new ManualClock(), {
      logger: { warn: (w: string) => warnings.push(w) },
    });
    assert.equal(again.getLog({ topic: 'orders', partition: 0 })!.logEndOffset, 3n);
    assert.ok(warnings.some((w) => /recovery-point-offset-checkpoint/.test(w)));
    await again.close();
  });
});
