import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassicGroup } from '../../src/coordinator/group/index.js';
import { ErrorCodes as E } from '../../src/errors/generated/error-codes.js';
import { harness, joinRequest, replayed, settled, type Harness } from './helpers.js';

/** Joins `n` members with the v4+ MEMBER_ID_REQUIRED flow and syncs them to Stable. */
async function stableGroup(
  h: Harness,
  groupId: string,
  n: number,
): Promise<{ ids: string[]; generation: number }> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const first = await h.record(h.shard.joinGroup(joinRequest(groupId), h.ctx()));
    assert.equal(first.errorCode, E.MEMBER_ID_REQUIRED.code);
    ids.push(first.memberId);
  }
  const joins = ids.map((id) =>
    h.record(h.shard.joinGroup(joinRequest(groupId, id, `meta-${id}`), h.ctx())),
  );
  h.record(h.shard.tick(h.clock.now));
  const responses = await Promise.all(joins);
  const generation = responses[0]!.generationId;
  const leader = responses.find((r) => r.members.length > 0)!;
  assert.equal(leader.memberId, leader.leader);
  const syncs = responses.map((r) =>
    h.record(
      h.shard.syncGroup(
        {
          groupId,
          generationId: generation,
          memberId: r.memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocolName: 'range',
          assignments:
            r.memberId === r.leader
              ? leader.members.map((m) => ({
                  memberId: m.memberId,
                  assignment: Buffer.from(`assign-${m.memberId}`),
                }))
              : [],
        },
        h.ctx(),
      ),
    ),
  );
  const synced = await Promise.all(syncs);
  synced.forEach((s, i) => {
    assert.equal(s.errorCode, 0);
    assert.equal(s.assignment.toString(), `assign-${responses[i]!.memberId}`);
  });
  return { ids: responses.map((r) => r.memberId), generation };
}

function hb(h: Harness, groupId: string, memberId: string, generationId: number): number {
  return h.shard.heartbeat({ groupId, generationId, memberId, groupInstanceId: null }, h.ctx())
    .response.errorCode;
}

test('one member joins and syncs to Stable', async () => {
  const h = harness();
  const { ids, generation } = await stableGroup(h, 'g', 1);
  assert.equal(generation, 1);
  assert.equal(h.shard.groups.get('g')!.state, 'Stable');
  assert.equal(hb(h, 'g', ids[0]!, 1), 0);
});

test('three members join, the leader sees all metadata and its assignment reaches everyone', async () => {
  const h = harness(3000);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++)
    ids.push((await h.shard.joinGroup(joinRequest('g'), h.ctx()).response).memberId);
  const joins = ids.map(
    (id) => h.shard.joinGroup(joinRequest('g', id, `meta-${id}`), h.ctx()).response,
  );
  // The initial rebalance delay holds the join phase open until tick passes it; members that
  // joined during the delay extend it once more (Kafka's tryCompleteInitialRebalanceElseSchedule).
  assert.equal(await settled(joins[0]!), false);
  h.clock.now += 3000;
  h.shard.tick(h.clock.now);
  assert.equal(await settled(joins[0]!), false);
  h.clock.now += 3000;
  h.shard.tick(h.clock.now);
  const responses = await Promise.all(joins);
  const leader = responses.filter((r) => r.members.length > 0);
  assert.equal(leader.length, 1);
  assert.deepEqual(
    leader[0]!.members.map((m) => m.metadata.toString()).sort(),
    ids.map((id) => `meta-${id}`).sort(),
  );
  assert.ok(
    responses.every(
      (r) => r.generationId === 1 && r.protocolName === 'range' && r.leader === leader[0]!.memberId,
    ),
  );

  const h2 = harness();
  const { ids: ids2 } = await stableGroup(h2, 'g', 3);
  assert.equal(h2.shard.groups.get('g')!.members.size, 3);
  assert.equal(ids2.length, 3);
  const described = h2.shard.describeGroups(
    { groups: ['g'], includeAuthorizedOperations: false },
    h2.ctx(),
  ).response;
  assert.equal(described.groups[0]!.groupState, 'Stable');
  assert.deepEqual(
    described.groups[0]!.members.map((m) => m.memberAssignment.toString()).sort(),
    ids2.map((id) => `assign-${id}`).sort(),
  );
});

test('JoinGroup v4+ without a member id gets MEMBER_ID_REQUIRED; v3 joins directly', async () => {
  const h = harness();
  const r = await h.shard.joinGroup(joinRequest('g'), h.ctx(4, 'c')).response;
  assert.equal(r.errorCode, E.MEMBER_ID_REQUIRED.code);
  assert.match(r.memberId, /^c-id\d+$/);
  assert.equal(h.shard.groups.get('g')!.members.size, 0);
  const v3 = h.shard.joinGroup(joinRequest('g2'), h.ctx(3)).response;
  h.shard.tick(h.clock.now); // the (zero) initial rebalance delay fires from tick
  const old = await v3;
  assert.equal(old.errorCode, 0);
  assert.equal(old.generationId, 1);
  // A pending id not used within the session timeout expires.
  h.clock.now += 10_000;
  h.shard.tick(h.clock.now);
  const late = await h.shard.joinGroup(joinRequest('g', r.memberId), h.ctx()).response;
  assert.equal(late.errorCode, E.UNKNOWN_MEMBER_ID.code);
});

test('a new member triggers a rebalance that completes when everyone rejoins', async () => {
  const h = harness();
  const { ids, generation } = await stableGroup(h, 'g', 2);
  const newId = (await h.shard.joinGroup(joinRequest('g'), h.ctx()).response).memberId;
  const newJoin = h.shard.joinGroup(joinRequest('g', newId), h.ctx()).response;
  assert.equal(h.shard.groups.get('g')!.state, 'PreparingRebalance');
  assert.equal(hb(h, 'g', ids[0]!, generation), E.REBALANCE_IN_PROGRESS.code);
  const sync = await h.shard.syncGroup(
    {
      groupId: 'g',
      generationId: generation,
      memberId: ids[0]!,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    },
    h.ctx(),
  ).response;
  assert.equal(sync.errorCode, E.REBALANCE_IN_PROGRESS.code);
  const rejoins = ids.map(
    (id) => h.shard.joinGroup(joinRequest('g', id, `meta-${id}`), h.ctx()).response,
  );
  const all = await Promise.all([newJoin, ...rejoins]);
  assert.ok(all.every((r) => r.errorCode === 0 && r.generationId === generation + 1));
  assert.equal(h.shard.groups.get('g')!.state, 'CompletingRebalance');
});

test('the rebalance timeout drops members that do not rejoin', async () => {
  const h = harness();
  const { ids, generation } = await stableGroup(h, 'g', 2);
  const rejoin = h.shard.joinGroup(joinRequest('g', ids[0]!, 'changed'), h.ctx()).response;
  assert.equal(await settled(rejoin), false);
  h.clock.now += 9_000;
  assert.equal(hb(h, 'g', ids[1]!, generation), E.REBALANCE_IN_PROGRESS.code);
  h.clock.now += 21_000; // the 30 s rebalance timeout
  h.shard.tick(h.clock.now);
  const r = await rejoin;
  assert.equal(r.generationId, generation + 1);
  assert.deepEqual(
    r.members.map((m) => m.memberId),
    [ids[0]],
  );
  assert.equal(hb(h, 'g', ids[1]!, generation), E.UNKNOWN_MEMBER_ID.code);
});

test('session timeout expiry via tick removes the member and rebalances; the last one leaves the group Empty', async () => {
  const h = harness();
  const { ids, generation } = await stableGroup(h, 'g', 2);
  h.clock.now += 5_000;
  assert.equal(hb(h, 'g', ids[0]!, generation), 0);
  h.clock.now += 5_000; // ids[1] last heard from 10 s ago
  const before = h.log.length;
  h.record(h.shard.tick(h.clock.now));
  const group = h.shard.groups.get('g') as ClassicGroup;
  assert.equal(group.members.has(ids[1]!), false);
  assert.equal(group.state, 'PreparingRebalance');
  assert.equal(h.log.length, before);
  h.clock.now += 40_000;
  h.record(h.shard.tick(h.clock.now));
  assert.equal(group.state, 'Empty');
  assert.equal(group.generationId, generation + 1);
  assert.equal(h.log.length, before + 1, 'the Empty group is persisted');
});

test('LeaveGroup removes a batch of members and reports unknown ones', async () => {
  const h = harness();
  const { ids } = await stableGroup(h, 'g', 3);
  const res = h.record(
    h.shard.leaveGroup(
      {
        groupId: 'g',
        memberId: '',
        members: [
          { memberId: ids[0]!, groupInstanceId: null, reason: null },
          { memberId: 'nobody', groupInstanceId: null, reason: null },
          { memberId: ids[1]!, groupInstanceId: null, reason: null },
        ],
      },
      h.ctx(5),
    ),
  );
  assert.equal(res.errorCode, 0);
  assert.deepEqual(
    res.members.map((m) => m.errorCode),
    [0, E.UNKNOWN_MEMBER_ID.code, 0],
  );
  const group = h.shard.groups.get('g') as ClassicGroup;
  assert.deepEqual([...group.members.keys()], [ids[2]]);
  assert.equal(group.leaderId, ids[2]);
  const v0 = h.shard.leaveGroup(
    { groupId: 'g', memberId: 'nobody', members: [] },
    h.ctx(0),
  ).response;
  assert.equal(v0.errorCode, E.UNKNOWN_MEMBER_ID.code);
  const last = h.record(
    h.shard.leaveGroup({ groupId: 'g', memberId: ids[2]!, members: [] }, h.ctx(2)),
  );
  assert.equal(last.errorCode, 0);
  assert.equal(group.state, 'Empty');
});

test('UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION and INCONSISTENT_GROUP_PROTOCOL', async () => {
  const h = harness();
  const { ids, generation } = await stableGroup(h, 'g', 1);
  assert.equal(hb(h, 'g', 'ghost', generation), E.UNKNOWN_MEMBER_ID.code);
  assert.equal(hb(h, 'nogroup', 'ghost', generation), E.UNKNOWN_MEMBER_ID.code);
  assert.equal(hb(h, 'g', ids[0]!, generation + 7), E.ILLEGAL_GENERATION.code);
  const sync = await h.shard.syncGroup(
    {
      groupId: 'g',
      generationId: 0,
      memberId: ids[0]!,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    },
    h.ctx(),
  ).response;
  assert.equal(sync.errorCode, E.ILLEGAL_GENERATION.code);
  const join = await h.shard.joinGroup(joinRequest('g', 'ghost'), h.ctx()).response;
  assert.equal(join.errorCode, E.UNKNOWN_MEMBER_ID.code);
  const other = await h.shard.joinGroup(
    joinRequest('g', '', 'x', { protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] }),
    h.ctx(3),
  ).response;
  assert.equal(other.errorCode, E.INCONSISTENT_GROUP_PROTOCOL.code);
  const badSession = await h.shard.joinGroup(
    joinRequest('g', '', 'x', { sessionTimeoutMs: 1 }),
    h.ctx(),
  ).response;
  assert.equal(badSession.errorCode, E.INVALID_SESSION_TIMEOUT.code);
});

test('offset commit and fetch echo metadata; unknown partitions fetch as -1', async () => {
  const h = harness();
  const { ids, generation } = await stableGroup(h, 'g', 1);
  const commit = h.record(
    h.shard.offsetCommit(
      {
        groupId: 'g',
        generationIdOrMemberEpoch: generation,
        memberId: ids[0]!,
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [
          {
            name: 't',
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 42n,
                committedLeaderEpoch: 3,
                commitTimestamp: -1n,
                committedMetadata: 'hello',
              },
            ],
          },
        ],
      },
      h.ctx(8),
    ),
  );
  assert.equal(commit.topics[0]!.partitions[0]!.errorCode, 0);
  const stale = h.shard.offsetCommit(
    {
      groupId: 'g',
      generationIdOrMemberEpoch: generation + 1,
      memberId: ids[0]!,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [
        {
          name: 't',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 1n,
              committedLeaderEpoch: -1,
              commitTimestamp: -1n,
              committedMetadata: null,
            },
          ],
        },
      ],
    },
    h.ctx(8),
  ).response;
  assert.equal(stale.topics[0]!.partitions[0]!.errorCode, E.ILLEGAL_GENERATION.code);
  const v7 = h.shard.offsetFetch(
    {
      groupId: 'g',
      topics: [{ name: 't', partitionIndexes: [0, 1] }],
      groups: [],
      requireStable: false,
    },
    h.ctx(7),
  ).response;
  assert.deepEqual(v7.topics[0]!.partitions, [
    {
      partitionIndex: 0,
      committedOffset: 42n,
      committedLeaderEpoch: 3,
      metadata: 'hello',
      errorCode: 0,
    },
    {
      partitionIndex: 1,
      committedOffset: -1n,
      committedLeaderEpoch: -1,
      metadata: '',
      errorCode: 0,
    },
  ]);
  const v8 = h.shard.offsetFetch(
    {
      groupId: '',
      topics: null,
      groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: null }],
      requireStable: false,
    },
    h.ctx(8),
  ).response;
  assert.equal(v8.groups[0]!.topics[0]!.partitions[0]!.committedOffset, 42n);
});

test('a simple group commits offsets without joining; delete group tombstones everything', async () => {
  const h = harness();
  const commit = h.record(
    h.shard.offsetCommit(
      {
        groupId: 's',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [
          {
            name: 't',
            partitions: [
              {
                partitionIndex: 2,
                committedOffset: 7n,
                committedLeaderEpoch: -1,
                commitTimestamp: -1n,
                committedMetadata: null,
              },
            ],
          },
        ],
      },
      h.ctx(2),
    ),
  );
  assert.equal(commit.topics[0]!.partitions[0]!.errorCode, 0);
  assert.equal(h.shard.groups.get('s')!.state, 'Empty');
  const listed = h.shard.listGroups({ statesFilter: ['empty'], typesFilter: [] }, h.ctx()).response;
  assert.deepEqual(
    listed.groups.map((g) => g.groupId),
    ['s'],
  );
  const deleted = h.record(h.shard.deleteGroups({ groupsNames: ['s', 'missing'] }, h.ctx()));
  assert.deepEqual(
    deleted.results.map((r) => r.errorCode),
    [0, E.GROUP_ID_NOT_FOUND.code],
  );
  assert.equal(h.log.at(-1)!.value, null);
  assert.equal(h.log.at(-2)!.value, null);
  assert.equal(h.shard.groups.has('s'), false);
  assert.deepEqual(replayed(h.log).snapshot(), h.shard.snapshot());
  assert.equal(replayed(h.log).groups.has('s'), false);
});

test('DeleteGroups refuses a non-empty group; OffsetDelete refuses subscribed topics', async () => {
  const h = harness();
  await stableGroup(h, 'g', 1);
  assert.equal(
    h.shard.deleteGroups({ groupsNames: ['g'] }, h.ctx()).response.results[0]!.errorCode,
    E.NON_EMPTY_GROUP.code,
  );
  // 'sub' is not a valid consumer subscription, so the subscribed topics are unknown.
  assert.equal(
    h.shard.offsetDelete({ groupId: 'g', topics: [] }, h.ctx()).response.errorCode,
    E.NON_EMPTY_GROUP.code,
  );
});
