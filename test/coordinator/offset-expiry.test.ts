// offsets.retention.minutes: expired offsets and then empty groups are tombstoned from `tick`,
// every offsets.retention.check.interval.ms, as Kafka's cleanupGroupMetadata does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes as E } from '../../src/errors/generated/error-codes.js';
import {
  DEFAULT_GROUP_COORDINATOR_CONFIG,
  decodeRecord,
} from '../../src/coordinator/group/index.js';
import { replayed } from './helpers.js';
import {
  commit,
  commitRequest,
  driver,
  heartbeat,
  stable,
  subscription,
  type Driver,
} from './classic-driver.js';

const RETENTION = 100_000;
const CHECK = 10_000;

function expiryDriver(): Driver {
  return driver({ offsetsRetentionMs: RETENTION, offsetsRetentionCheckIntervalMs: CHECK });
}

function tombstones(d: Driver, from: number): string[] {
  return d.log.slice(from).map((r) => {
    assert.equal(r.value, null);
    const rec = decodeRecord(r.key, r.value);
    if (rec.type === 'offset-commit')
      return `offset ${rec.key.group}/${rec.key.topic}-${rec.key.partition}`;
    if (rec.type === 'group-metadata') return `group ${rec.group}`;
    return rec.type;
  });
}

test('defaults: offsets.retention.minutes 10080 and a 10 minute check interval', () => {
  assert.equal(DEFAULT_GROUP_COORDINATOR_CONFIG.offsetsRetentionMs, 10080 * 60_000);
  assert.equal(DEFAULT_GROUP_COORDINATOR_CONFIG.offsetsRetentionCheckIntervalMs, 600_000);
});

test('a simple group expires per commit timestamp, only when the check interval comes round', () => {
  const d = expiryDriver();
  assert.equal(commit(d, commitRequest('s', -1, '', {}, { index: 0 })), 0);
  d.advance(50_000);
  assert.equal(commit(d, commitRequest('s', -1, '', {}, { index: 1 })), 0);
  const before = d.log.length;
  d.advance(55_000); // partition 0 is 105 s old: expired, partition 1 is not
  assert.deepEqual(tombstones(d, before), ['offset s/t-0']);
  assert.equal(d.shard.offsets.get('s', 't', 1)?.committedOffset, 42n);
  d.advance(44_000); // a pass runs: partition 1 is 99 s old
  const mid = d.log.length;
  assert.equal(mid, before + 1);
  d.advance(5_000); // 104 s old, but the next pass is only due 10 s after the last one
  assert.equal(d.log.length, mid);
  d.advance(5_000);
  assert.deepEqual(tombstones(d, mid), ['offset s/t-1', 'group s']);
  assert.equal(d.shard.groups.has('s'), false);
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());
  assert.equal(replayed(d.log).groups.has('s'), false);
});

test('an Empty consumer group counts retention from when it became Empty', async () => {
  const d = expiryDriver();
  const { ids, generation } = await stable(d, 'g', [{}]);
  assert.equal(commit(d, commitRequest('g', generation, ids[0]!)), 0);
  // Stable with unparseable subscriptions: offsets never expire while members are there.
  for (let t = 0; t < 14; t++) {
    d.advance(9_000);
    assert.equal(heartbeat(d, 'g', ids[0]!, generation), 0);
  }
  assert.ok(d.shard.offsets.hasOffsets('g'), '126 s after the commit, the group is not Empty');
  d.record(d.shard.leaveGroup({ groupId: 'g', memberId: ids[0]!, members: [] }, d.ctx(2)));
  const emptySince = d.clock.now;
  assert.equal(d.shard.groups.get('g')!.state, 'Empty');
  const before = d.log.length;
  while (d.clock.now + CHECK < emptySince + RETENTION) d.advance(CHECK);
  assert.equal(d.log.length, before, 'not yet: retention counts from the Empty transition');
  d.advance(CHECK);
  assert.deepEqual(tombstones(d, before), ['offset g/t-0', 'group g']);
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());
});

test('a Stable consumer group expires offsets of topics no member subscribes to', async () => {
  const d = expiryDriver();
  const { ids, generation } = await stable(d, 'g', [
    { metadata: subscription('a') },
    { metadata: subscription('a', 'b') },
  ]);
  for (const topic of ['a', 'b', 'gone']) {
    assert.equal(commit(d, commitRequest('g', generation, ids[0]!, {}, { topic })), 0);
  }
  const before = d.log.length;
  for (let t = 0; t < 22; t++) {
    d.advance(CHECK / 2);
    for (const id of ids) assert.equal(heartbeat(d, 'g', id, generation), 0);
  }
  assert.deepEqual(tombstones(d, before), ['offset g/gone-0']);
  assert.equal(d.shard.groups.get('g')!.state, 'Stable');
  assert.ok(d.shard.offsets.get('g', 'a', 0) !== undefined);
  assert.ok(d.shard.offsets.get('g', 'b', 0) !== undefined);
});

test('offsets of a rebalancing group do not expire', async () => {
  const d = expiryDriver();
  const { ids, generation } = await stable(d, 'g', [
    { metadata: subscription('a'), rebalanceTimeoutMs: 300_000 },
    { metadata: subscription('a') },
  ]);
  assert.equal(commit(d, commitRequest('g', generation, ids[0]!, {}, { topic: 'gone' })), 0);
  // The leader rejoins; the other member keeps heartbeating but does not rejoin.
  void d.shard.joinGroup(
    {
      groupId: 'g',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 300_000,
      memberId: ids[0]!,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription('a') }],
      reason: null,
    },
    d.ctx(),
  ).response;
  const before = d.log.length;
  for (let t = 0; t < 24; t++) {
    d.advance(CHECK / 2);
    assert.equal(heartbeat(d, 'g', ids[1]!, generation), E.REBALANCE_IN_PROGRESS.code);
  }
  assert.equal(d.shard.groups.get('g')!.state, 'PreparingRebalance');
  assert.equal(d.log.length, before);
});

test('an explicit retention (OffsetCommit v2-4) expires at its own time', () => {
  const d = expiryDriver();
  assert.equal(commit(d, commitRequest('s', -1, '', { retentionTimeMs: 5_000n }), 2), 0);
  const before = d.log.length;
  d.advance(CHECK);
  assert.deepEqual(tombstones(d, before), ['offset s/t-0', 'group s']);
});

test('an Empty group without offsets is deleted; one with live offsets is kept', async () => {
  const d = expiryDriver();
  const { ids } = await stable(d, 'g', [{}]);
  d.record(d.shard.leaveGroup({ groupId: 'g', memberId: ids[0]!, members: [] }, d.ctx(2)));
  assert.equal(commit(d, commitRequest('kept', -1, '')), 0);
  const before = d.log.length;
  d.advance(CHECK);
  assert.deepEqual(tombstones(d, before), ['group g']);
  assert.equal(d.shard.groups.has('g'), false);
  assert.equal(d.shard.groups.has('kept'), true);
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());
});
