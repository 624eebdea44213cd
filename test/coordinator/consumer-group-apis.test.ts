// The other group APIs against KIP-848 consumer groups: classic JoinGroup/SyncGroup/Heartbeat/
// LeaveGroup, DescribeGroups, ListGroups, DeleteGroups, OffsetCommit/Fetch/Delete, and a
// consumer group taking over an empty classic group's id and the other way round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes as E } from '../../src/errors/generated/error-codes.js';
import { ClassicGroup, ConsumerGroup } from '../../src/coordinator/group/index.js';
import type { OffsetCommitRequest } from '../../src/protocol/generated/api/offset-commit.js';
import { Consumer, consumerDriver, consumerGroup, type ConsumerDriver } from './consumer-driver.js';
import { joinRequest, replayed } from './helpers.js';

function commitRequest(
  groupId: string,
  epoch: number,
  memberId: string,
  offset = 10n,
): OffsetCommitRequest {
  return {
    groupId,
    generationIdOrMemberEpoch: epoch,
    memberId,
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [
      {
        name: 't',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: offset,
            committedLeaderEpoch: -1,
            commitTimestamp: -1n,
            committedMetadata: null,
          },
        ],
      },
    ],
  };
}

function commit(d: ConsumerDriver, req: OffsetCommitRequest, apiVersion = 9): number {
  return d.record(d.shard.offsetCommit(req, d.ctx(apiVersion))).topics[0]!.partitions[0]!.errorCode;
}

function stableGroup(d: ConsumerDriver): Consumer {
  const a = new Consumer(d, 'g', 'a', { topics: ['t'], instanceId: 'ia' });
  a.heartbeat();
  return a;
}

test('classic requests against a consumer group get Kafka errors', async () => {
  const d = consumerDriver({ t: 2 });
  stableGroup(d);
  const join = await d.record(d.shard.joinGroup(joinRequest('g', ''), d.ctx(5)));
  assert.equal(join.errorCode, E.INCONSISTENT_GROUP_PROTOCOL.code);
  const sync = await d.shard.syncGroup(
    {
      groupId: 'g',
      generationId: 1,
      memberId: 'a',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [],
    },
    d.ctx(5),
  ).response;
  assert.equal(sync.errorCode, E.UNKNOWN_MEMBER_ID.code);
  const hb = (memberId: string, groupInstanceId: string | null): number =>
    d.shard.heartbeat({ groupId: 'g', generationId: 1, memberId, groupInstanceId }, d.ctx(4))
      .response.errorCode;
  assert.equal(hb('a', null), E.UNKNOWN_MEMBER_ID.code);
  assert.equal(hb('someone', 'ia'), E.FENCED_INSTANCE_ID.code);
  const leave = d.shard.leaveGroup(
    {
      groupId: 'g',
      memberId: '',
      members: [
        { memberId: 'a', groupInstanceId: null, reason: null },
        { memberId: 'x', groupInstanceId: 'ia', reason: null },
      ],
    },
    d.ctx(5),
  ).response;
  assert.equal(leave.errorCode, 0);
  assert.deepEqual(
    leave.members.map((m) => m.errorCode),
    [E.UNKNOWN_MEMBER_ID.code, E.FENCED_INSTANCE_ID.code],
  );
  const leaveV1 = d.shard.leaveGroup({ groupId: 'g', memberId: 'a', members: [] }, d.ctx(1));
  assert.equal(leaveV1.response.errorCode, E.UNKNOWN_MEMBER_ID.code);
  // None of this changed the group.
  assert.equal(consumerGroup(d, 'g').members.size, 1);
});

test('DescribeGroups does not describe a consumer group; ListGroups lists it with its type', () => {
  const d = consumerDriver({ t: 2 });
  stableGroup(d);
  d.record(d.shard.offsetCommit(commitRequest('simple', -1, ''), d.ctx(9)));
  const described = d.shard.describeGroups(
    { groups: ['g'], includeAuthorizedOperations: false },
    d.ctx(5),
  ).response.groups[0]!;
  assert.equal(described.groupState, 'Dead');
  assert.equal(described.protocolType, '');
  assert.deepEqual(described.members, []);

  const list = (statesFilter: string[], typesFilter: string[]): string[] =>
    d.shard
      .listGroups({ statesFilter, typesFilter }, d.ctx(5))
      .response.groups.map((g) => `${g.groupId}:${g.groupType}:${g.groupState}:${g.protocolType}`)
      .sort();
  assert.deepEqual(list([], []), ['g:consumer:Stable:consumer', 'simple:classic:Empty:']);
  assert.deepEqual(list([], ['Consumer']), ['g:consumer:Stable:consumer']);
  assert.deepEqual(list([], ['classic']), ['simple:classic:Empty:']);
  assert.deepEqual(list(['stable'], []), ['g:consumer:Stable:consumer']);
  assert.deepEqual(list(['reconciling', 'assigning'], []), []);
  assert.deepEqual(list([], ['share']), []);
});

test('DeleteGroups: NON_EMPTY_GROUP while members remain, then tombstones for every record', () => {
  const d = consumerDriver({ t: 2 });
  const a = stableGroup(d);
  assert.equal(commit(d, commitRequest('g', 1, 'a')), 0);
  const del = () =>
    d.record(d.shard.deleteGroups({ groupsNames: ['g'] }, d.ctx())).results[0]!.errorCode;
  assert.equal(del(), E.NON_EMPTY_GROUP.code);
  a.leave();
  const from = d.log.length;
  assert.equal(del(), 0);
  const deleted = d.log.slice(from);
  assert.ok(deleted.every((r) => r.value === null));
  // The offset, then target assignment epoch, subscription metadata and group epoch.
  assert.deepEqual(
    deleted.map((r) => r.key.readInt16BE(0)),
    [1, 6, 4, 3],
  );
  assert.equal(d.shard.groups.has('g'), false);
  assert.equal(del(), E.GROUP_ID_NOT_FOUND.code);
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());
  assert.equal(replayed(d.log).groups.has('g'), false);
});

test('OffsetCommit and OffsetFetch check the member epoch of consumer group members', () => {
  const d = consumerDriver({ t: 2 });
  const a = stableGroup(d);
  assert.equal(commit(d, commitRequest('g', a.epoch, 'a')), 0);
  assert.equal(commit(d, commitRequest('g', a.epoch + 1, 'a')), E.STALE_MEMBER_EPOCH.code);
  assert.equal(commit(d, commitRequest('g', a.epoch, 'ghost')), E.UNKNOWN_MEMBER_ID.code);
  assert.equal(commit(d, commitRequest('g', -1, '')), E.UNKNOWN_MEMBER_ID.code);
  assert.equal(commit(d, commitRequest('g', a.epoch, 'a'), 8), E.UNSUPPORTED_VERSION.code);

  const fetch = (memberId: string | null, memberEpoch: number) =>
    d.shard.offsetFetch(
      {
        groupId: '',
        topics: null,
        groups: [{ groupId: 'g', memberId, memberEpoch, topics: null }],
        requireStable: false,
      },
      d.ctx(9),
    ).response.groups[0]!;
  const ok = fetch('a', a.epoch);
  assert.equal(ok.errorCode, 0);
  assert.equal(ok.topics[0]!.partitions[0]!.committedOffset, 10n);
  assert.equal(fetch(null, -1).errorCode, 0, 'the admin client fetches without a member');
  assert.equal(fetch('a', a.epoch - 1).errorCode, E.STALE_MEMBER_EPOCH.code);
  assert.deepEqual(fetch('a', a.epoch - 1).topics, []);
  assert.equal(fetch('ghost', 1).errorCode, E.UNKNOWN_MEMBER_ID.code);

  // Once empty, anyone may commit with epoch -1 (the admin client resetting offsets).
  a.leave();
  assert.equal(commit(d, commitRequest('g', -1, '', 3n)), 0);
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());
});

test('OffsetDelete refuses topics the consumer group subscribes to', () => {
  const d = consumerDriver({ t: 2, other: 1 });
  const a = stableGroup(d);
  assert.equal(commit(d, commitRequest('g', a.epoch, 'a')), 0);
  const req = {
    groupId: 'g',
    topics: [
      { name: 't', partitions: [{ partitionIndex: 0 }] },
      { name: 'other', partitions: [{ partitionIndex: 0 }] },
    ],
  };
  const res = d.record(d.shard.offsetDelete(req, d.ctx()));
  assert.equal(res.errorCode, 0);
  assert.deepEqual(
    res.topics.map((t) => t.partitions[0]!.errorCode),
    [E.GROUP_SUBSCRIBED_TO_TOPIC.code, 0],
  );
  a.leave();
  const after = d.record(d.shard.offsetDelete(req, d.ctx()));
  assert.deepEqual(
    after.topics.map((t) => t.partitions[0]!.errorCode),
    [0, 0],
  );
  assert.equal(d.shard.offsets.get('g', 't', 0), undefined);
});

test('an empty classic group gives way to a consumer group, and an empty consumer group to a classic one', async () => {
  const d = consumerDriver({ t: 2 });
  // A "simple" classic group holding offsets only.
  d.record(d.shard.offsetCommit(commitRequest('g', -1, ''), d.ctx(9)));
  assert.ok(d.shard.groups.get('g') instanceof ClassicGroup);
  const from = d.log.length;
  const a = new Consumer(d, 'g', 'a', { topics: ['t'] });
  assert.equal(a.heartbeat().errorCode, 0);
  // A GroupMetadata tombstone first; the offsets stay.
  assert.equal(d.log[from]!.key.readInt16BE(0), 2);
  assert.equal(d.log[from]!.value, null);
  assert.ok(d.shard.groups.get('g') instanceof ConsumerGroup);
  assert.equal(d.shard.offsets.get('g', 't', 0)?.committedOffset, 10n);
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());

  // Emptied, the consumer group gives way to a classic JoinGroup.
  a.leave();
  const joining = d.record(d.shard.joinGroup(joinRequest('g', ''), d.ctx(3)));
  d.advance(0);
  const join = await joining;
  assert.equal(join.errorCode, 0);
  assert.ok(d.shard.groups.get('g') instanceof ClassicGroup);
  assert.equal(d.shard.offsets.get('g', 't', 0)?.committedOffset, 10n);
  // The consumer group's records were tombstoned (the classic group persists once it syncs).
  assert.ok(!(replayed(d.log).groups.get('g') instanceof ConsumerGroup));

  // A non-empty classic group is not a consumer group.
  const b = new Consumer(d, 'g', 'b', { topics: ['t'] });
  const refused = b.heartbeat();
  assert.equal(refused.errorCode, E.GROUP_ID_NOT_FOUND.code);
  const described = d.shard.consumerGroupDescribe(
    { groupIds: ['g'], includeAuthorizedOperations: false },
    d.ctx(0),
  ).response.groups[0]!;
  assert.equal(described.errorCode, E.GROUP_ID_NOT_FOUND.code);
});
