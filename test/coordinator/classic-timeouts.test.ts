// The classic group's timers, as Kafka's GroupMetadataManager arms them: session expiry
// (hasSatisfiedHeartbeat), the new-member join timeout, pending member ids, pending syncs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes as E } from '../../src/errors/generated/error-codes.js';
import { NEW_MEMBER_JOIN_TIMEOUT_MS } from '../../src/coordinator/group/classic-group-manager.js';
import { joinRequest, settled } from './helpers.js';
import { driver, heartbeat, stable, sync } from './classic-driver.js';

test('a follower parked in SyncGroup outlives its session; its session restarts with the assignment', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [{}, {}]);
  const [a, b] = ids as [string, string];
  // A (the leader) rejoins; B rejoins too; generation + 1 is CompletingRebalance.
  const joins = [a, b].map((id) => d.record(d.shard.joinGroup(joinRequest('g', id), d.ctx())));
  const [ra] = await Promise.all(joins);
  const gen = ra!.generationId;
  assert.equal(gen, generation + 1);
  const bSync = sync(d, 'g', b, gen);
  // B waits 15 s for the leader, longer than its 10 s session: it is not expired.
  for (let t = 0; t < 3; t++) {
    d.advance(5_000);
    assert.equal(heartbeat(d, 'g', a, gen), 0);
  }
  assert.equal(d.shard.groups.get('g')!.members.has(b), true);
  const aSync = sync(d, 'g', a, gen, {
    assignments: [
      { memberId: a, assignment: Buffer.from('pa') },
      { memberId: b, assignment: Buffer.from('pb') },
    ],
  });
  assert.equal((await bSync).assignment.toString(), 'pb');
  assert.equal((await aSync).assignment.toString(), 'pa');
  // Its session restarted when the assignment was sent, not when it parked the request.
  d.advance(5_000);
  assert.equal(d.shard.groups.get('g')!.members.has(b), true);
  assert.equal(heartbeat(d, 'g', b, gen), 0);
});

test('a new member parked in JoinGroup is dropped after the new-member join timeout', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [{}]);
  const [a] = ids as [string];
  const first = await d.record(d.shard.joinGroup(joinRequest('g'), d.ctx()));
  assert.equal(first.errorCode, E.MEMBER_ID_REQUIRED.code);
  // A long rebalance timeout keeps the join phase open; A keeps heartbeating without rejoining.
  const nJoin = d.record(
    d.shard.joinGroup(
      joinRequest('g', first.memberId, 'sub', { rebalanceTimeoutMs: 600_000 }),
      d.ctx(),
    ),
  );
  assert.equal(d.shard.groups.get('g')!.state, 'PreparingRebalance');
  let elapsed = 0;
  while (elapsed + 5_000 < NEW_MEMBER_JOIN_TIMEOUT_MS) {
    d.advance(5_000);
    elapsed += 5_000;
    assert.equal(heartbeat(d, 'g', a, generation), E.REBALANCE_IN_PROGRESS.code);
  }
  assert.equal(await settled(nJoin), false);
  d.advance(NEW_MEMBER_JOIN_TIMEOUT_MS - elapsed);
  const dropped = await nJoin;
  assert.equal(dropped.errorCode, E.UNKNOWN_MEMBER_ID.code);
  assert.equal(dropped.memberId, '');
  const group = d.shard.groups.get('g')!;
  assert.deepEqual([...group.members.keys()], [a]);
  assert.equal(group.state, 'PreparingRebalance');
});

test('an established member parked in JoinGroup is not expired by its session timeout', async () => {
  const d = driver();
  const { ids } = await stable(d, 'g', [{}, {}]);
  const [a, b] = ids as [string, string];
  const aJoin = d.record(d.shard.joinGroup(joinRequest('g', a), d.ctx()));
  d.advance(20_000); // twice A's session timeout; B does not rejoin
  assert.equal(d.shard.groups.get('g')!.members.has(a), true);
  assert.equal(d.shard.groups.get('g')!.members.has(b), false, 'B did not heartbeat');
  const r = await aJoin;
  assert.deepEqual(
    r.members.map((m) => m.memberId),
    [a],
  );
});

test('a member that never sends SyncGroup is removed at the pending-sync deadline, even in Stable', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [{}, {}]);
  const [a, b] = ids as [string, string];
  const joins = [a, b].map((id) => d.record(d.shard.joinGroup(joinRequest('g', id), d.ctx())));
  const [ra] = await Promise.all(joins);
  const gen = ra!.generationId;
  assert.equal(gen, generation + 1);
  // Only the leader syncs; the group is Stable, B heartbeats but never syncs.
  await sync(d, 'g', a, gen, { assignments: [{ memberId: a, assignment: Buffer.from('x') }] });
  const group = d.shard.groups.get('g')!;
  assert.equal(group.state, 'Stable');
  for (let t = 0; t < 5; t++) {
    d.advance(5_000);
    assert.equal(heartbeat(d, 'g', a, gen), 0);
    assert.equal(heartbeat(d, 'g', b, gen), 0);
  }
  assert.equal(group.members.has(b), true);
  d.advance(5_000); // 30 s, the rebalance timeout, after the join phase ended
  assert.equal(group.members.has(b), false);
  assert.equal(group.state, 'PreparingRebalance');
});

test('a member id handed out with MEMBER_ID_REQUIRED holds the join phase until it expires', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [{}]);
  const [a] = ids as [string];
  const pending = await d.record(d.shard.joinGroup(joinRequest('g'), d.ctx()));
  assert.equal(pending.errorCode, E.MEMBER_ID_REQUIRED.code);
  const aJoin = d.record(d.shard.joinGroup(joinRequest('g', a), d.ctx()));
  d.advance(9_999);
  assert.equal(await settled(aJoin), false);
  d.advance(1); // the pending id's session timeout
  const r = await aJoin;
  assert.equal(r.generationId, generation + 1);
  assert.deepEqual(
    r.members.map((m) => m.memberId),
    [a],
  );
  // A pending id that is used later than that is unknown.
  const late = await d.record(d.shard.joinGroup(joinRequest('g', pending.memberId), d.ctx()));
  assert.equal(late.errorCode, E.UNKNOWN_MEMBER_ID.code);
});

test('group.max.size counts members in Stable and members waiting to join in PreparingRebalance', async () => {
  const d = driver({ groupMaxSize: 2 });
  const { ids } = await stable(d, 'g', [{}, {}]);
  const [a] = ids as [string, string];
  const full = await d.record(d.shard.joinGroup(joinRequest('g'), d.ctx()));
  assert.equal(full.errorCode, E.GROUP_MAX_SIZE_REACHED.code);
  assert.equal(full.memberId, '');
  // A known member may always rejoin.
  const aJoin = d.record(d.shard.joinGroup(joinRequest('g', a), d.ctx()));
  assert.equal(d.shard.groups.get('g')!.state, 'PreparingRebalance');
  assert.equal(await settled(aJoin), false);
});

test('a request sees a session that ended between ticks as expired (expireDue), as exact timers would', async () => {
  const d = driver();
  await stable(d, 'g', [{ instanceId: 'static-1' }]);
  const group = d.shard.groups.get('g')!;
  assert.equal(group.state, 'Stable');
  // Past the session timeout (10 s in joinRequest) without a tick: the periodic tick is late.
  d.clock.now += 10_000;
  assert.equal(group.state, 'Stable', 'nothing fired yet');
  const expired = d.shard.expireDue('g', d.clock.now);
  assert.equal(group.state, 'Empty');
  assert.ok(expired.length > 0, 'the Empty group metadata is written');
  assert.deepEqual(d.shard.expireDue('other', d.clock.now), [], 'unknown groups have nothing due');
  const deleted = d.shard.deleteGroups({ groupsNames: ['g'] }, d.ctx()).response;
  assert.equal(deleted.results[0]?.errorCode, E.NONE.code);
});
