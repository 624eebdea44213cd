// Static membership (KIP-345), as Kafka's GroupMetadataManager handles it for classic groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassicGroup } from '../../src/coordinator/group/index.js';
import { ErrorCodes as E } from '../../src/errors/generated/error-codes.js';
import { decodeRecord } from '../../src/coordinator/group/index.js';
import { joinRequest, replayed, settled } from './helpers.js';
import {
  commit,
  commitRequest,
  driver,
  heartbeat,
  stable,
  sync,
  type Driver,
} from './classic-driver.js';

function staticJoin(
  d: Driver,
  groupId: string,
  instanceId: string,
  apiVersion = 9,
  memberId = '',
  metadata = 'sub',
  protocols?: { name: string; metadata: Buffer }[],
) {
  return d.record(
    d.shard.joinGroup(
      joinRequest(groupId, memberId, metadata, {
        groupInstanceId: instanceId,
        ...(protocols === undefined ? {} : { protocols }),
      }),
      d.ctx(apiVersion),
    ),
  );
}

test('a restarted static follower takes over its old member id without a rebalance', async () => {
  const d = driver();
  const { ids, generation, leader } = await stable(d, 'g', [
    { instanceId: 'i1' },
    { instanceId: 'i2' },
  ]);
  const [a, b] = ids as [string, string];
  assert.equal(leader, a);
  assert.match(b, /^i2-id\d+$/, 'static member ids start with the instance id');
  const before = d.log.length;

  const rejoin = await staticJoin(d, 'g', 'i2');
  assert.equal(rejoin.errorCode, 0);
  assert.notEqual(rejoin.memberId, b);
  assert.match(rejoin.memberId, /^i2-/);
  assert.equal(rejoin.generationId, generation, 'same generation: no rebalance');
  assert.equal(rejoin.leader, a);
  assert.deepEqual(rejoin.members, []);
  assert.equal(rejoin.skipAssignment, false);
  const group = d.shard.groups.get('g') as ClassicGroup;
  assert.equal(group.state, 'Stable');
  assert.deepEqual([...group.members.keys()].sort(), [a, rejoin.memberId].sort());

  // The replacement is persisted, with the old assignment under the new member id.
  assert.equal(d.log.length, before + 1);
  const rec = decodeRecord(d.log.at(-1)!.key, d.log.at(-1)!.value);
  assert.ok(rec.type === 'group-metadata' && rec.value !== null);
  const persisted = rec.value.members.find((m) => m.groupInstanceId === 'i2');
  assert.equal(persisted?.memberId, rejoin.memberId);
  assert.equal(persisted?.assignment.toString(), `assign-${b}`);
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());

  // The new member syncs to its kept assignment; the old id is fenced or unknown.
  const s = await sync(d, 'g', rejoin.memberId, generation, { groupInstanceId: 'i2' });
  assert.equal(s.errorCode, 0);
  assert.equal(s.assignment.toString(), `assign-${b}`);
  assert.equal(heartbeat(d, 'g', b, generation, 'i2'), E.FENCED_INSTANCE_ID.code);
  assert.equal(heartbeat(d, 'g', b, generation), E.UNKNOWN_MEMBER_ID.code);
  assert.equal(heartbeat(d, 'g', rejoin.memberId, generation, 'i2'), E.NONE.code);
});

test('a restarted static leader: v9 gets the members with skipAssignment, v8 is named a follower', async () => {
  for (const apiVersion of [9, 8]) {
    const d = driver();
    const { ids, generation } = await stable(d, 'g', [{ instanceId: 'i1' }, { instanceId: 'i2' }]);
    const [a, b] = ids as [string, string];
    const rejoin = await staticJoin(d, 'g', 'i1', apiVersion);
    assert.equal(rejoin.errorCode, 0);
    assert.equal(rejoin.generationId, generation);
    const group = d.shard.groups.get('g') as ClassicGroup;
    assert.equal(group.state, 'Stable');
    assert.equal(group.leaderId, rejoin.memberId, 'the new id leads');
    if (apiVersion >= 9) {
      assert.equal(rejoin.skipAssignment, true);
      assert.equal(rejoin.leader, rejoin.memberId);
      assert.deepEqual(rejoin.members.map((m) => m.memberId).sort(), [b, rejoin.memberId].sort());
    } else {
      // Kafka answers with the leader id from before the replacement and no members, so an old
      // client takes the follower path and does not compute an assignment.
      assert.equal(rejoin.skipAssignment, false);
      assert.equal(rejoin.leader, a);
      assert.deepEqual(rejoin.members, []);
    }
    const s = await sync(d, 'g', rejoin.memberId, generation);
    assert.equal(s.assignment.toString(), `assign-${a}`);
  }
});

test('a static member rejoining with protocols that change the selected one rebalances', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [{ instanceId: 'i1' }]);
  // New metadata for the same protocol: no rebalance, the new subscription is persisted.
  const same = await staticJoin(d, 'g', 'i1', 9, '', 'new-sub');
  assert.equal(same.generationId, generation);
  assert.equal(d.shard.groups.get('g')!.state, 'Stable');
  const rec = decodeRecord(d.log.at(-1)!.key, d.log.at(-1)!.value);
  assert.ok(rec.type === 'group-metadata' && rec.value !== null);
  assert.equal(rec.value.members[0]!.subscription.toString(), 'new-sub');
  assert.notEqual(same.memberId, ids[0]);

  // Preferring another protocol changes the group's choice: a rebalance to a new generation.
  const changed = d.shard.joinGroup(
    joinRequest('g', '', 'x', {
      groupInstanceId: 'i1',
      protocols: [
        { name: 'roundrobin', metadata: Buffer.from('rr') },
        { name: 'range', metadata: Buffer.from('r') },
      ],
    }),
    d.ctx(),
  ).response;
  const r = await changed;
  assert.equal(r.errorCode, 0);
  assert.equal(r.generationId, generation + 1);
  assert.equal(r.protocolName, 'roundrobin');
  assert.equal(d.shard.groups.get('g')!.state, 'CompletingRebalance');
});

test('replacing a static member fences its parked JoinGroup and SyncGroup', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [
    { instanceId: 'i1' },
    { instanceId: 'i2' },
    { instanceId: 'i3' },
  ]);
  const [a, b, c] = ids as [string, string, string];
  // The leader rejoins: a rebalance; B's old incarnation parks a JoinGroup.
  const aJoin = staticJoin(d, 'g', 'i1', 9, a);
  const oldB = staticJoin(d, 'g', 'i2', 9, b);
  assert.equal(d.shard.groups.get('g')!.state, 'PreparingRebalance');
  const newB = staticJoin(d, 'g', 'i2');
  const fenced = await oldB;
  assert.equal(fenced.errorCode, E.FENCED_INSTANCE_ID.code);
  assert.equal(fenced.memberId, b);
  const cJoin = staticJoin(d, 'g', 'i3', 9, c);
  const [ra, rb] = await Promise.all([aJoin, newB, cJoin]);
  assert.equal(ra.generationId, generation + 1);
  assert.equal(rb.generationId, generation + 1);
  assert.deepEqual(ra.members.map((m) => m.memberId).sort(), [a, c, rb.memberId].sort());

  // CompletingRebalance: B restarts again while A waits in SyncGroup. The old B's parked
  // SyncGroup is fenced, A's gets REBALANCE_IN_PROGRESS, and the group rebalances.
  const gen2 = ra.generationId;
  const bSync = sync(d, 'g', rb.memberId, gen2);
  const cSync = sync(d, 'g', c, gen2);
  const newerB = staticJoin(d, 'g', 'i2');
  assert.equal((await bSync).errorCode, E.FENCED_INSTANCE_ID.code);
  assert.equal((await cSync).errorCode, E.REBALANCE_IN_PROGRESS.code);
  assert.equal(d.shard.groups.get('g')!.state, 'PreparingRebalance');
  assert.equal(await settled(newerB), false);
});

test('FENCED_INSTANCE_ID and UNKNOWN_MEMBER_ID follow Kafka validateMember', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [{ instanceId: 'i1' }, { instanceId: 'i2' }]);
  const [a] = ids as [string, string];
  // A known member id with an instance id mapped to another member.
  assert.equal((await staticJoin(d, 'g', 'i2', 9, a)).errorCode, E.FENCED_INSTANCE_ID.code);
  // An unknown member id with a known instance id.
  assert.equal((await staticJoin(d, 'g', 'i2', 9, 'ghost')).errorCode, E.FENCED_INSTANCE_ID.code);
  // A known member id with an unknown instance id.
  assert.equal((await staticJoin(d, 'g', 'i9', 9, a)).errorCode, E.UNKNOWN_MEMBER_ID.code);
  assert.equal(heartbeat(d, 'g', a, generation, 'i2'), E.FENCED_INSTANCE_ID.code);
  assert.equal(heartbeat(d, 'g', a, generation, 'i9'), E.UNKNOWN_MEMBER_ID.code);
  const s = await sync(d, 'g', 'ghost', generation, { groupInstanceId: 'i1' });
  assert.equal(s.errorCode, E.FENCED_INSTANCE_ID.code);
  assert.equal(
    commit(d, commitRequest('g', generation, a, { groupInstanceId: 'i2' })),
    E.FENCED_INSTANCE_ID.code,
  );
  assert.equal(
    commit(d, commitRequest('g', generation, a, { groupInstanceId: 'i1' })),
    E.NONE.code,
  );
  assert.equal(d.shard.groups.get('g')!.state, 'Stable');
});

test('LeaveGroup v3+ removes a static member by group.instance.id', async () => {
  const d = driver();
  const { ids } = await stable(d, 'g', [{ instanceId: 'i1' }, { instanceId: 'i2' }]);
  const [a, b] = ids as [string, string];
  const res = d.record(
    d.shard.leaveGroup(
      {
        groupId: 'g',
        memberId: '',
        members: [
          { memberId: '', groupInstanceId: 'i2', reason: null },
          { memberId: '', groupInstanceId: 'i9', reason: null },
          { memberId: a, groupInstanceId: 'i2', reason: null },
          { memberId: '', groupInstanceId: null, reason: null },
        ],
      },
      d.ctx(5),
    ),
  );
  assert.equal(res.errorCode, 0);
  assert.deepEqual(
    res.members.map((m) => m.errorCode),
    [0, E.UNKNOWN_MEMBER_ID.code, E.UNKNOWN_MEMBER_ID.code, E.UNKNOWN_MEMBER_ID.code],
  );
  const group = d.shard.groups.get('g') as ClassicGroup;
  assert.deepEqual([...group.members.keys()], [a]);
  assert.equal(group.members.has(b), false);
  assert.equal(group.state, 'PreparingRebalance');
  const fenced = d.shard.leaveGroup(
    {
      groupId: 'g',
      memberId: '',
      members: [{ memberId: 'ghost', groupInstanceId: 'i1', reason: null }],
    },
    d.ctx(3),
  ).response;
  assert.equal(fenced.members[0]!.errorCode, E.FENCED_INSTANCE_ID.code);
});

test('a join phase keeps static members that did not rejoin and drops dynamic ones', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [
    { instanceId: 'i1' },
    { instanceId: 'i2' },
    {},
  ]);
  const [a, b, c] = ids as [string, string, string];
  const aJoin = staticJoin(d, 'g', 'i1', 9, a, 'changed');
  d.advance(9_000);
  assert.equal(heartbeat(d, 'g', b, generation, 'i2'), E.REBALANCE_IN_PROGRESS.code);
  d.advance(21_000); // the 30 s rebalance timeout
  const r = await aJoin;
  assert.equal(r.generationId, generation + 1);
  assert.deepEqual(r.members.map((m) => m.memberId).sort(), [a, b].sort());
  const group = d.shard.groups.get('g') as ClassicGroup;
  assert.equal(group.state, 'CompletingRebalance');
  assert.equal(group.members.has(c), false);
  // B stayed without rejoining; it must still sync within the rebalance timeout, else it is
  // removed and the group rebalances again (Kafka's pending-sync expiry).
  const aSync = sync(d, 'g', a, r.generationId, {
    assignments: [{ memberId: a, assignment: Buffer.from('x') }],
  });
  assert.equal((await aSync).errorCode, 0);
  assert.equal(group.state, 'Stable');
  for (let t = 0; t < 3; t++) {
    d.advance(9_000);
    assert.equal(heartbeat(d, 'g', a, r.generationId), 0);
    assert.equal(heartbeat(d, 'g', b, r.generationId, 'i2'), 0);
  }
  d.advance(3_000);
  assert.equal(group.members.has(b), false, 'B never sent SyncGroup');
  assert.equal(group.state, 'PreparingRebalance');
});

test('a join phase no static member rejoined waits another rebalance timeout', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [
    { instanceId: 'i1' },
    { instanceId: 'i2' },
    {},
  ]);
  const [a, b, c] = ids as [string, string, string];
  // The dynamic member leaves; neither static member rejoins in time.
  d.record(d.shard.leaveGroup({ groupId: 'g', memberId: c, members: [] }, d.ctx(2)));
  const group = d.shard.groups.get('g') as ClassicGroup;
  assert.equal(group.state, 'PreparingRebalance');
  for (let t = 0; t < 4; t++) {
    d.advance(9_000);
    assert.equal(heartbeat(d, 'g', a, generation, 'i1'), E.REBALANCE_IN_PROGRESS.code);
    assert.equal(heartbeat(d, 'g', b, generation, 'i2'), E.REBALANCE_IN_PROGRESS.code);
  }
  assert.equal(group.state, 'PreparingRebalance', 'postponed past the first rebalance timeout');
  assert.equal(group.generationId, generation);
  // A rejoins; B does not, so the phase still ends only at the (postponed) deadline.
  const aJoin = staticJoin(d, 'g', 'i1', 9, a);
  for (let t = 0; t < 3; t++) {
    d.advance(9_000);
    heartbeat(d, 'g', b, generation, 'i2');
  }
  assert.equal(await settled(aJoin), false);
  d.advance(9_000);
  const r = await aJoin;
  assert.equal(r.generationId, generation + 1);
  assert.deepEqual(r.members.map((m) => m.memberId).sort(), [a, b].sort());
});

test('a static member whose session expires is removed and the group rebalances', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [{ instanceId: 'i1' }, { instanceId: 'i2' }]);
  const [a, b] = ids as [string, string];
  d.advance(5_000);
  assert.equal(heartbeat(d, 'g', a, generation, 'i1'), 0);
  d.advance(5_000);
  const group = d.shard.groups.get('g') as ClassicGroup;
  assert.equal(group.members.has(b), false);
  assert.equal(group.findByInstanceId('i2'), undefined);
  assert.equal(group.state, 'PreparingRebalance');
  // The instance id is free again: a new incarnation joins as a new member.
  const again = staticJoin(d, 'g', 'i2');
  const aJoin = staticJoin(d, 'g', 'i1', 9, a);
  const [ra, rb] = await Promise.all([aJoin, again]);
  assert.equal(ra.generationId, generation + 1);
  assert.equal(rb.generationId, generation + 1);
});
