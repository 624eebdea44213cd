// Kafka's checkpoint text format (version, count, entries) for the offset checkpoints and the
// leader epoch checkpoint, its corruption checks, and the LeaderEpochFileCache rules that
// OffsetForLeaderEpoch relies on.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isSamsaError } from '../../src/errors/samsa-error.js';
import {
  formatOffsetCheckpoint,
  readCheckpoint,
  readOffsetCheckpoint,
  writeCheckpoint,
  writeCheckpointSync,
} from '../../src/storage/checkpoint-file.js';
import { LeaderEpochFileCache } from '../../src/storage/leader-epoch-cache.js';
import { NODE_STORAGE_FS as fs } from '../../src/storage/storage-fs.js';
import { tempDir } from './helpers.js';

describe('checkpoint files', () => {
  it('writes version 0, the count, then one "topic partition offset" line per entry', async () => {
    const path = join(tempDir(), 'recovery-point-offset-checkpoint');
    const content = formatOffsetCheckpoint([
      { tp: { topic: 'orders', partition: 0 }, offset: 1042n },
      { tp: { topic: 'my.topic-x', partition: 12 }, offset: 0n },
    ]);
    await writeCheckpoint(fs, path, content);
    assert.equal(readFileSync(path, 'utf8'), '0\n2\norders 0 1042\nmy.topic-x 12 0\n');
    const read = readOffsetCheckpoint(fs, path)!;
    assert.equal(read.get('orders-0')?.offset, 1042n);
    assert.deepEqual(read.get('my.topic-x-12')?.tp, { topic: 'my.topic-x', partition: 12 });
  });

  it('reads a missing file as null and an empty one as no entries', () => {
    const dir = tempDir();
    assert.equal(readCheckpoint(fs, join(dir, 'absent'), 3), null);
    writeCheckpointSync(fs, join(dir, 'empty'), Buffer.from('0\n0\n'));
    assert.deepEqual(readCheckpoint(fs, join(dir, 'empty'), 3), []);
  });

  it('reports every deviation as SAMSA_ERR_CHECKPOINT_CORRUPT', () => {
    const dir = tempDir();
    const bad = [
      '1\n0\n',
      '0\n2\norders 0 1\n',
      '0\n1\norders 0\n',
      '0\n1\norders  0 1\n',
      '0\nx\n',
      '0\n1\norders zero 1\n',
      '0\n1\norders 0 1.5\n',
      '',
    ];
    for (const [i, text] of bad.entries()) {
      const path = join(dir, `bad-${i}`);
      writeFileSync(path, text);
      assert.throws(
        () => readOffsetCheckpoint(fs, path),
        (err: unknown) => isSamsaError(err, 'SAMSA_ERR_CHECKPOINT_CORRUPT'),
        JSON.stringify(text),
      );
    }
  });
});

describe('LeaderEpochFileCache', () => {
  it('persists "epoch startOffset" lines on every change', () => {
    const dir = tempDir();
    const cache = new LeaderEpochFileCache(fs, dir);
    cache.assign(0, 0n);
    cache.assign(0, 5n); // same epoch, later offset: no change
    cache.assign(3, 10n);
    assert.equal(readFileSync(join(dir, 'leader-epoch-checkpoint'), 'utf8'), '0\n2\n0 0\n3 10\n');
    assert.deepEqual(LeaderEpochFileCache.read(fs, dir), [
      { epoch: 0, startOffset: 0n },
      { epoch: 3, startOffset: 10n },
    ]);
  });

  it('drops entries a new assignment would make non-monotonic', () => {
    const cache = new LeaderEpochFileCache(fs, tempDir());
    cache.assign(1, 0n);
    cache.assign(2, 10n);
    cache.assign(3, 20n);
    cache.assign(4, 15n); // a later epoch starting earlier: the epoch-3 entry goes
    assert.deepEqual(cache.entries, [
      { epoch: 1, startOffset: 0n },
      { epoch: 2, startOffset: 10n },
      { epoch: 4, startOffset: 15n },
    ]);
    cache.assign(2, 5n); // an older epoch: newer entries go
    assert.deepEqual(cache.entries, [
      { epoch: 1, startOffset: 0n },
      { epoch: 2, startOffset: 5n },
    ]);
    cache.assign(-1, 30n); // no epoch: ignored
    assert.equal(cache.latestEpoch, 2);
  });

  it('answers endOffsetFor as Kafka does', () => {
    const cache = new LeaderEpochFileCache(fs, tempDir());
    cache.assign(2, 10n);
    cache.assign(4, 20n);
    cache.assign(7, 40n);
    const leo = 55n;
    assert.deepEqual(cache.endOffsetFor(7, leo), { leaderEpoch: 7, endOffset: 55n });
    assert.deepEqual(cache.endOffsetFor(4, leo), { leaderEpoch: 4, endOffset: 40n });
    assert.deepEqual(cache.endOffsetFor(5, leo), { leaderEpoch: 4, endOffset: 40n });
    assert.deepEqual(cache.endOffsetFor(1, leo), { leaderEpoch: 1, endOffset: 10n });
    assert.deepEqual(cache.endOffsetFor(8, leo), { leaderEpoch: -1, endOffset: -1n });
    assert.deepEqual(cache.endOffsetFor(-1, leo), { leaderEpoch: -1, endOffset: -1n });
    assert.equal(cache.epochForOffset(25n), 4);
    assert.equal(cache.epochForOffset(5n), null);
  });

  it('truncates from the end and from the start', () => {
    const cache = new LeaderEpochFileCache(fs, tempDir());
    cache.assign(1, 0n);
    cache.assign(2, 10n);
    cache.assign(3, 20n);
    cache.truncateFromEnd(20n);
    assert.deepEqual(
      cache.entries.map((e) => e.epoch),
      [1, 2],
    );
    cache.truncateFromStart(15n);
    assert.deepEqual(cache.entries, [{ epoch: 2, startOffset: 15n }]);
    cache.truncateFromStart(5n); // before the first entry: nothing to do
    assert.deepEqual(cache.entries, [{ epoch: 2, startOffset: 15n }]);
  });

  it('reads a missing, malformed or unordered file as null so the loader rebuilds', () => {
    const dir = tempDir();
    assert.equal(LeaderEpochFileCache.read(fs, dir), null);
    const path = join(dir, 'leader-epoch-checkpoint');
    for (const text of ['0\n1\n1\n', '0\n2\n3 10\n2 20\n', '0\n1\n-1 0\n', 'garbage']) {
      writeFileSync(path, text);
      assert.equal(LeaderEpochFileCache.read(fs, dir), null, JSON.stringify(text));
    }
  });
});
