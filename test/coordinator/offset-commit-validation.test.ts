// Who may commit offsets to a classic group (Kafka's OffsetMetadataManager.validateOffsetCommit
// and ClassicGroup.validateOffsetCommit), what a commit stores, OffsetFetch of unknown groups, and
// DescribeGroups of unknown groups per version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassicGroup } from '../../src/coordinator/group/index.js';
import { ErrorCodes as E } from '../../src/errors/generated/error-codes.js';
import { decodeRecord } from '../../src/coordinator/group/index.js';
import { joinRequest, replayed } from './helpers.js';
import { START, commit, commitRequest, driver, heartbeat, stable, sync } from './classic-driver.js';

test('an unknown group: generation -1 creates a simple group, a generation is refused per version', () => {
  const d = driver();
  assert.equal(commit(d, commitRequest('g1', 3, 'm'), 8), E.ILLEGAL_GENERATION.code);
  assert.equal(commit(d, commitRequest('g1', 3, 'm'), 9), E.GROUP_ID_NOT_FOUND.code);
  assert.equal(commit(d, commitRequest('g1', 0, ''), 9), E.GROUP_ID_NOT_FOUND.code);
  assert.equal(d.shard.groups.has('g1'), false);
  // Generation -1 is accepted whatever member id or instance id it names.
  assert.equal(commit(d, commitRequest('g2', -1, 'someone'), 9), E.NONE.code);
  assert.equal(commit(d, commitRequest('g3', -1, '', { groupInstanceId: 'i1' }), 9), E.NONE.code);
  assert.equal(d.shard.groups.get('g2')?.state, 'Empty');
  assert.equal(d.shard.groups.get('g2')?.protocolType, null);
});

test('an Empty group takes generation -1 commits only', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [{}]);
  d.record(d.shard.leaveGroup({ groupId: 'g', memberId: ids[0]!, members: [] }, d.ctx(2)));
  const group = d.shard.groups.get('g') as ClassicGroup;
  assert.equal(group.state, 'Empty');
  const current = group.generationId;
  assert.equal(current, generation + 1);
  assert.equal(commit(d, commitRequest('g', -1, '')), E.NONE.code);
  assert.equal(commit(d, commitRequest('g', -1, 'former-member')), E.NONE.code);
  assert.equal(commit(d, commitRequest('g', current, '')), E.UNKNOWN_MEMBER_ID.code);
  assert.equal(commit(d, commitRequest('g', current, ids[0]!)), E.UNKNOWN_MEMBER_ID.code);
});

test('a Stable group: member, generation and instance id are checked, in Kafka order', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [{}, {}]);
  const [a] = ids as [string, string];
  assert.equal(commit(d, commitRequest('g', generation, a)), E.NONE.code);
  assert.equal(commit(d, commitRequest('g', generation, 'ghost')), E.UNKNOWN_MEMBER_ID.code);
  assert.equal(commit(d, commitRequest('g', generation + 1, a)), E.ILLEGAL_GENERATION.code);
  assert.equal(commit(d, commitRequest('g', -1, a)), E.ILLEGAL_GENERATION.code);
  // No member and no generation: only an Empty group takes that.
  assert.equal(commit(d, commitRequest('g', -1, '')), E.UNKNOWN_MEMBER_ID.code);
  // An unknown instance id is checked before the member.
  assert.equal(
    commit(d, commitRequest('g', generation, a, { groupInstanceId: 'i9' })),
    E.UNKNOWN_MEMBER_ID.code,
  );
});

test('CompletingRebalance answers REBALANCE_IN_PROGRESS; PreparingRebalance takes the current generation', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [{}, {}]);
  const [a, b] = ids as [string, string];
  // A's rejoin (the leader) starts a rebalance: commits of the current generation still count.
  const aJoin = d.record(d.shard.joinGroup(joinRequest('g', a), d.ctx()));
  assert.equal(d.shard.groups.get('g')!.state, 'PreparingRebalance');
  assert.equal(commit(d, commitRequest('g', generation, b)), E.NONE.code);
  assert.equal(commit(d, commitRequest('g', generation + 1, b)), E.ILLEGAL_GENERATION.code);
  const bJoin = d.record(d.shard.joinGroup(joinRequest('g', b), d.ctx()));
  const [ra] = await Promise.all([aJoin, bJoin]);
  assert.equal(d.shard.groups.get('g')!.state, 'CompletingRebalance');
  assert.equal(commit(d, commitRequest('g', ra.generationId, b)), E.REBALANCE_IN_PROGRESS.code);
  assert.equal(commit(d, commitRequest('g', generation, b)), E.ILLEGAL_GENERATION.code);
});

test('an offset commit keeps the member session alive in Stable', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [{}]);
  d.advance(9_000);
  assert.equal(commit(d, commitRequest('g', generation, ids[0]!)), E.NONE.code);
  d.advance(9_000); // 18 s after the last heartbeat, 9 s after the commit
  assert.equal(d.shard.groups.get('g')!.members.has(ids[0]!), true);
  assert.equal(heartbeat(d, 'g', ids[0]!, generation), 0);
  d.advance(10_000);
  assert.equal(d.shard.groups.get('g')!.members.has(ids[0]!), false);
});

test('v1 commit timestamps and v2-4 retention times are stored and persisted', () => {
  const d = driver();
  assert.equal(
    commit(d, commitRequest('g', -1, '', {}, { commitTimestamp: 12_345n }), 1),
    E.NONE.code,
  );
  assert.equal(d.shard.offsets.get('g', 't', 0)?.commitTimestamp, 12_345n);
  assert.equal(commit(d, commitRequest('g', -1, '', { retentionTimeMs: 60_000n }), 2), 0);
  const stored = d.shard.offsets.get('g', 't', 0)!;
  assert.equal(stored.commitTimestamp, BigInt(START));
  assert.equal(stored.expireTimestamp, BigInt(START + 60_000));
  // Only OffsetCommitValue v1 has expireTimestamp: Kafka writes v1 for such commits, else v3.
  const [first, second] = d.log;
  assert.equal(first!.value!.readInt16BE(0), 3);
  assert.equal(second!.value!.readInt16BE(0), 1);
  const decoded = decodeRecord(second!.key, second!.value);
  assert.equal(
    decoded.type === 'offset-commit' ? decoded.value?.expireTimestamp : 0n,
    BigInt(START + 60_000),
  );
  assert.deepEqual(replayed(d.log).offsets.get('g', 't', 0), stored);
});

test('OffsetFetch of a group without offsets: -1 for named partitions, nothing for all', () => {
  const d = driver();
  const named = d.shard.offsetFetch(
    {
      groupId: 'nobody',
      topics: [{ name: 't', partitionIndexes: [0, 3] }],
      groups: [],
      requireStable: false,
    },
    d.ctx(7),
  ).response;
  assert.equal(named.errorCode, 0);
  assert.deepEqual(
    named.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode]),
    [
      [0, -1n, 0],
      [3, -1n, 0],
    ],
  );
  const all = d.shard.offsetFetch(
    {
      groupId: '',
      topics: null,
      groups: [{ groupId: 'nobody', memberId: null, memberEpoch: -1, topics: null }],
      requireStable: true,
    },
    d.ctx(8),
  ).response;
  assert.deepEqual(all.groups, [{ groupId: 'nobody', topics: [], errorCode: 0 }]);
  assert.equal(d.shard.groups.has('nobody'), false, 'a fetch creates nothing');
});

test('DescribeGroups of an unknown group: Dead before v6, GROUP_ID_NOT_FOUND from v6', async () => {
  const d = driver();
  await stable(d, 'g', [{}]);
  const describe = (apiVersion: number) =>
    d.shard.describeGroups(
      { groups: ['missing', 'g'], includeAuthorizedOperations: false },
      d.ctx(apiVersion),
    ).response.groups;
  for (const v of [0, 5]) {
    const [missing, known] = describe(v);
    assert.equal(missing!.errorCode, E.NONE.code);
    assert.equal(missing!.groupState, 'Dead');
    assert.equal(known!.groupState, 'Stable');
  }
  const [missing, known] = describe(6);
  assert.equal(missing!.errorCode, E.GROUP_ID_NOT_FOUND.code);
  assert.equal(missing!.groupState, '');
  assert.deepEqual(missing!.members, []);
  assert.equal(known!.errorCode, E.NONE.code);
  assert.equal(known!.groupState, 'Stable');
});

test('SyncGroup of a removed member in an Empty group answers UNKNOWN_MEMBER_ID', async () => {
  const d = driver();
  const { ids, generation } = await stable(d, 'g', [{}]);
  d.record(d.shard.leaveGroup({ groupId: 'g', memberId: ids[0]!, members: [] }, d.ctx(2)));
  assert.equal((await sync(d, 'g', ids[0]!, generation)).errorCode, E.UNKNOWN_MEMBER_ID.code);
});
