// ConsumerGroupHeartbeat (KIP-848) on one shard: joining, incremental reconciliation, leaving,
// timeouts, static members, fencing and the request validation errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes as E } from '../../src/errors/generated/error-codes.js';
import {
  ConsumerGroup,
  GroupCoordinatorShard,
  decodeRecord,
} from '../../src/coordinator/group/index.js';
import {
  Consumer,
  START,
  byName,
  consumerDriver,
  consumerGroup,
  converge,
  hbRequest,
  type ConsumerDriver,
} from './consumer-driver.js';
import { replayed } from './helpers.js';

function keyVersions(d: ConsumerDriver, from = 0): number[] {
  return d.log.slice(from).map((r) => r.key.readInt16BE(0));
}

test('a first member joins: epoch 1, every partition, records with key versions 5, 4, 3, 7, 6, 8', () => {
  const d = consumerDriver({ t: 3 });
  const a = new Consumer(d, 'g', 'member-a', { topics: ['t'] });
  const res = a.heartbeat();
  assert.equal(res.errorCode, 0);
  assert.equal(res.memberId, 'member-a');
  assert.equal(res.memberEpoch, 1);
  assert.equal(res.heartbeatIntervalMs, 5000);
  assert.deepEqual(a.ownedByName(), { t: [0, 1, 2] });
  assert.deepEqual(keyVersions(d), [5, 4, 3, 7, 6, 8]);
  const group = consumerGroup(d, 'g');
  assert.equal(group.state, 'Stable');
  assert.equal(group.groupEpoch, 1);
  assert.equal(group.assignmentEpoch, 1);
  // A heartbeat that changes nothing writes nothing and sends no assignment back.
  const before = d.log.length;
  const again = a.heartbeat();
  assert.equal(again.memberEpoch, 1);
  assert.equal(again.assignment, null);
  assert.equal(d.log.length, before);
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());
});

test('member ids: v0 may join with an empty id and gets one; v1 must bring its own', () => {
  const d = consumerDriver({ t: 1 });
  const v0 = d.shard.consumerGroupHeartbeat(
    hbRequest('g', '', { subscribedTopicNames: ['t'] }),
    d.ctx(0),
  ).response;
  assert.equal(v0.errorCode, 0);
  assert.equal(v0.memberId, 'gen1');
  const v1 = d.shard.consumerGroupHeartbeat(
    hbRequest('g', '', { subscribedTopicNames: ['t'] }),
    d.ctx(1),
  ).response;
  assert.equal(v1.errorCode, E.INVALID_REQUEST.code);
  assert.equal(v1.errorMessage, "MemberId can't be empty.");
  assert.equal(v1.memberId, null);
});

test('incremental reconciliation: a partition moves only after its owner revoked it', () => {
  const d = consumerDriver({ t: 4 });
  const a = new Consumer(d, 'g', 'a', { topics: ['t'] });
  a.heartbeat();
  assert.deepEqual(a.ownedByName(), { t: [0, 1, 2, 3] });

  // b joins: epoch 2, the target splits t, but b's partitions are still a's.
  const b = new Consumer(d, 'g', 'b', { topics: ['t'] });
  const joined = b.heartbeat();
  assert.equal(joined.memberEpoch, 2);
  assert.deepEqual(byName(d, joined.assignment?.topicPartitions), {});
  const group = consumerGroup(d, 'g');
  assert.equal(group.members.get('b')!.state, 'UNRELEASED_PARTITIONS');
  assert.equal(group.state, 'Reconciling');
  assert.deepEqual(
    byName(
      d,
      [...group.targetAssignment.get('b')!].map(([topicId, p]) => ({
        topicId,
        partitions: [...p],
      })),
    ),
    { t: [2, 3] },
  );

  // a learns it must give up 2 and 3: it stays in epoch 1 until it acknowledges.
  const revoking = a.heartbeat({
    topicPartitions: [{ topicId: d.topics.id('t'), partitions: [0, 1, 2, 3] }],
  });
  assert.equal(revoking.memberEpoch, 1);
  assert.deepEqual(byName(d, revoking.assignment?.topicPartitions), { t: [0, 1] });
  assert.equal(group.members.get('a')!.state, 'UNREVOKED_PARTITIONS');
  // b still waits: the partitions are pending revocation at a.
  assert.equal(b.heartbeat().assignment, null);
  assert.deepEqual(b.ownedByName(), {});

  // a reports it owns only 0 and 1: it moves to epoch 2; then b gets 2 and 3.
  const acked = a.heartbeat();
  assert.equal(acked.memberEpoch, 2);
  assert.equal(group.members.get('a')!.state, 'STABLE');
  const released = b.heartbeat();
  assert.deepEqual(byName(d, released.assignment?.topicPartitions), { t: [2, 3] });
  assert.equal(group.members.get('b')!.state, 'STABLE');
  assert.equal(group.state, 'Stable');
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());
});

test('a lost response: the member may come back with its previous epoch', () => {
  const d = consumerDriver({ t: 2 });
  const a = new Consumer(d, 'g', 'a', { topics: ['t'] });
  a.heartbeat();
  const b = new Consumer(d, 'g', 'b', { topics: ['t'] });
  b.heartbeat();
  converge([a, b]);
  assert.equal(a.epoch, 2);
  // The previous epoch with owned partitions inside the assignment is accepted...
  const previous = a.heartbeat({ memberEpoch: 1 });
  assert.equal(previous.errorCode, 0);
  assert.equal(previous.memberEpoch, 2);
  // ...an older or a newer one is fenced.
  assert.equal(a.heartbeat({ memberEpoch: 0 + 5 }).errorCode, E.FENCED_MEMBER_EPOCH.code);
  const c = new Consumer(d, 'g', 'c', { topics: ['t'] });
  c.heartbeat();
  converge([a, b, c]);
  assert.equal(a.epoch, 3);
  assert.equal(a.heartbeat({ memberEpoch: 1 }).errorCode, E.FENCED_MEMBER_EPOCH.code);
});

test('leaving with epoch -1 removes the member and bumps the epoch; the others take over', () => {
  const d = consumerDriver({ t: 4 });
  const a = new Consumer(d, 'g', 'a', { topics: ['t'] });
  const b = new Consumer(d, 'g', 'b', { topics: ['t'] });
  a.heartbeat();
  b.heartbeat();
  converge([a, b]);
  assert.deepEqual(b.ownedByName(), { t: [2, 3] });
  const from = d.log.length;
  const left = b.leave();
  assert.equal(left.errorCode, 0);
  assert.equal(left.memberEpoch, -1);
  assert.equal(left.heartbeatIntervalMs, 0);
  // Tombstones of the current and target assignments and of the subscription, then the epoch.
  assert.deepEqual(keyVersions(d, from), [8, 7, 5, 3]);
  assert.deepEqual(
    d.log.slice(from, from + 3).map((r) => r.value),
    [null, null, null],
  );
  const group = consumerGroup(d, 'g');
  assert.equal(group.groupEpoch, 3);
  assert.equal(group.state, 'Assigning');
  converge([a]);
  assert.deepEqual(a.ownedByName(), { t: [0, 1, 2, 3] });
  assert.equal(group.state, 'Stable');
  assert.equal(a.leave().errorCode, 0);
  assert.equal(group.state, 'Empty');
  assert.equal(b.leave().errorCode, E.UNKNOWN_MEMBER_ID.code);
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());
});

test('the session timeout fences a silent member; the rebalance timeout one that does not revoke', () => {
  const d = consumerDriver({ t: 4 }, { consumerGroupSessionTimeoutMs: 45_000 });
  const a = new Consumer(d, 'g', 'a', { topics: ['t'] });
  const b = new Consumer(d, 'g', 'b', { topics: ['t'] });
  a.heartbeat();
  b.heartbeat();
  converge([a, b]);
  d.advance(40_000);
  a.heartbeat();
  d.advance(5_000); // b last heartbeat 45 s ago
  const group = consumerGroup(d, 'g');
  assert.deepEqual([...group.members.keys()], ['a']);
  assert.equal(b.heartbeat().errorCode, E.UNKNOWN_MEMBER_ID.code);

  // c joins; a is asked to revoke but keeps reporting everything it owns.
  converge([a]);
  const c = new Consumer(d, 'g', 'c', { topics: ['t'] });
  c.heartbeat();
  const owned = a.owned.map((tp) => ({ ...tp }));
  a.heartbeat({ topicPartitions: owned });
  assert.equal(group.members.get('a')!.state, 'UNREVOKED_PARTITIONS');
  for (let i = 0; i < 5; i++) {
    d.advance(5_000);
    a.heartbeat({ topicPartitions: owned });
    assert.ok(group.members.has('a'));
  }
  d.advance(5_000); // 30 s rebalance timeout
  assert.equal(group.members.has('a'), false);
  assert.equal(a.heartbeat({ topicPartitions: owned }).errorCode, E.UNKNOWN_MEMBER_ID.code);
  converge([c]);
  assert.deepEqual(c.ownedByName(), { t: [0, 1, 2, 3] });
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());
});

test('after a replay, sessions restart from the load time', () => {
  const d = consumerDriver({ t: 1 });
  const a = new Consumer(d, 'g', 'a', { topics: ['t'] });
  a.heartbeat();
  const clock = { now: START + 1_000_000 };
  const loaded = new GroupCoordinatorShard({ clock: () => clock.now });
  for (const r of d.log) loaded.replay(r.key, r.value);
  const group = loaded.groups.get('g');
  assert.ok(group instanceof ConsumerGroup);
  assert.equal(group.sessionDeadlines.get('a'), clock.now + 45_000);
  loaded.tick(clock.now + 44_999);
  assert.equal(group.members.size, 1);
  loaded.tick(clock.now + 45_000);
  assert.equal(group.members.size, 0);
});

test('static members: -2 keeps the partitions for a replacement; the instance id is guarded', () => {
  const d = consumerDriver({ t: 4 });
  const a = new Consumer(d, 'g', 'a1', { topics: ['t'], instanceId: 'ia' });
  const b = new Consumer(d, 'g', 'b1', { topics: ['t'], instanceId: 'ib' });
  a.heartbeat();
  b.heartbeat();
  converge([a, b]);
  const group = consumerGroup(d, 'g');
  const epoch = group.groupEpoch;

  // Another member cannot take an instance id still in use.
  const intruder = d.shard.consumerGroupHeartbeat(
    hbRequest('g', 'x', { instanceId: 'ia', subscribedTopicNames: ['t'] }),
    d.ctx(),
  ).response;
  assert.equal(intruder.errorCode, E.UNRELEASED_INSTANCE_ID.code);
  assert.equal(a.heartbeat({ memberId: 'other' }).errorCode, E.FENCED_INSTANCE_ID.code);

  const owned = a.ownedByName();
  const left = a.leave(-2);
  assert.equal(left.memberEpoch, -2);
  assert.equal(group.members.get('a1')!.memberEpoch, -2);
  assert.equal(group.groupEpoch, epoch, 'a temporary leave does not rebalance');

  // The restarted instance joins with a new member id and gets the same partitions back.
  const a2 = new Consumer(d, 'g', 'a2', { topics: ['t'], instanceId: 'ia' });
  const back = a2.heartbeat();
  assert.equal(back.errorCode, 0);
  assert.deepEqual(a2.ownedByName(), owned);
  assert.equal(group.members.has('a1'), false);
  assert.equal(group.groupEpoch, epoch);
  assert.equal(back.memberEpoch, epoch);

  // A static member leaving for good (-1) is removed.
  assert.equal(b.leave(-1).errorCode, 0);
  assert.equal(group.members.has('b1'), false);
  // -2 needs an instance id.
  const noInstance = d.shard.consumerGroupHeartbeat(
    hbRequest('g', 'a2', { memberEpoch: -2 }),
    d.ctx(),
  ).response;
  assert.equal(noInstance.errorCode, E.INVALID_REQUEST.code);
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());
});

test('request validation: INVALID_REQUEST, UNSUPPORTED_ASSIGNOR, unknown groups and members', () => {
  const d = consumerDriver({ t: 1 });
  const code = (req: Parameters<typeof hbRequest>[2], memberId = 'm', groupId = 'g'): number =>
    d.shard.consumerGroupHeartbeat(hbRequest(groupId, memberId, req), d.ctx()).response.errorCode;
  assert.equal(code({ subscribedTopicNames: ['t'] }, 'm', ' '), E.INVALID_REQUEST.code);
  assert.equal(
    code({ rebalanceTimeoutMs: -1, subscribedTopicNames: ['t'] }),
    E.INVALID_REQUEST.code,
  );
  assert.equal(
    code({ subscribedTopicNames: ['t'], topicPartitions: null }),
    E.INVALID_REQUEST.code,
  );
  assert.equal(code({ subscribedTopicNames: null }), E.INVALID_REQUEST.code);
  assert.equal(code({ subscribedTopicNames: ['t'], instanceId: '' }), E.INVALID_REQUEST.code);
  assert.equal(code({ subscribedTopicNames: ['t'], rackId: ' ' }), E.INVALID_REQUEST.code);
  assert.equal(code({ memberEpoch: -3 }), E.INVALID_REQUEST.code);
  assert.equal(
    code({ subscribedTopicNames: ['t'], serverAssignor: 'sticky' }),
    E.UNSUPPORTED_ASSIGNOR.code,
  );
  assert.equal(code({ memberEpoch: 1 }), E.GROUP_ID_NOT_FOUND.code);
  assert.equal(code({ memberEpoch: -1 }), E.GROUP_ID_NOT_FOUND.code);
  assert.equal(d.log.length, 0, 'errors write nothing');
  assert.equal(d.shard.groups.size, 0);
  assert.equal(code({ subscribedTopicNames: ['t'] }), 0);
  assert.equal(code({ memberEpoch: 1 }, 'ghost'), E.UNKNOWN_MEMBER_ID.code);
  assert.equal(code({ memberEpoch: 3 }), E.FENCED_MEMBER_EPOCH.code);
});

test('group.consumer.max.size refuses a new member; a known one still heartbeats', () => {
  const d = consumerDriver({ t: 1 }, { consumerGroupMaxSize: 1 });
  const a = new Consumer(d, 'g', 'a', { topics: ['t'] });
  assert.equal(a.heartbeat().errorCode, 0);
  const b = new Consumer(d, 'g', 'b', { topics: ['t'] });
  assert.equal(b.heartbeat().errorCode, E.GROUP_MAX_SIZE_REACHED.code);
  assert.equal(a.heartbeat().errorCode, 0);
});

test('server assignors: uniform by default, range when members ask, class names in the config', () => {
  const d = consumerDriver({ x: 3, y: 3 });
  const a = new Consumer(d, 'g', 'a', { topics: ['x', 'y'], assignor: 'range' });
  const b = new Consumer(d, 'g', 'b', { topics: ['x', 'y'], assignor: 'range' });
  a.heartbeat();
  b.heartbeat();
  converge([a, b]);
  // Range co-partitions: the same partition numbers of x and y.
  assert.deepEqual(a.ownedByName(), { x: [0, 1], y: [0, 1] });
  assert.deepEqual(b.ownedByName(), { x: [2], y: [2] });
  const described = d.shard.consumerGroupDescribe(
    { groupIds: ['g'], includeAuthorizedOperations: false },
    d.ctx(0),
  ).response;
  assert.equal(described.groups[0]!.assignorName, 'range');

  const cfg = consumerDriver(
    { x: 3 },
    { consumerGroupAssignors: ['org.apache.kafka.coordinator.group.assignor.RangeAssignor'] },
  );
  const only = new Consumer(cfg, 'g', 'a', { topics: ['x'] });
  only.heartbeat();
  assert.equal(
    cfg.shard.consumerGroupDescribe(
      { groupIds: ['g'], includeAuthorizedOperations: false },
      cfg.ctx(0),
    ).response.groups[0]!.assignorName,
    'range',
  );
  assert.equal(
    only.heartbeat({ serverAssignor: 'uniform' }).errorCode,
    E.UNSUPPORTED_ASSIGNOR.code,
  );
  assert.throws(
    () => consumerDriver({}, { consumerGroupAssignors: ['com.example.Mine'] }),
    /group\.consumer\.assignors/,
  );
});

test('a changed subscription bumps the epoch; an unknown topic joins the metadata when created', () => {
  const d = consumerDriver({ a: 2 });
  const m = new Consumer(d, 'g', 'm', { topics: ['a', 'later'] });
  m.heartbeat();
  const group = consumerGroup(d, 'g');
  assert.deepEqual([...group.subscriptionMetadata.keys()], ['a']);
  assert.deepEqual(m.ownedByName(), { a: [0, 1] });
  d.topics.set('later', 2);
  const from = d.log.length;
  d.record(d.shard.onTopicsChanged());
  assert.deepEqual(keyVersions(d, from), [4, 3]);
  assert.equal(group.groupEpoch, 2);
  assert.equal(d.shard.onTopicsChanged().records.length, 0, 'nothing changed since');
  converge([m]);
  assert.deepEqual(m.ownedByName(), { a: [0, 1], later: [0, 1] });
  // Unsubscribing from a: the epoch moves and a's partitions are revoked.
  const res = m.heartbeat({ subscribedTopicNames: ['later'] });
  assert.equal(group.groupEpoch, 3);
  assert.deepEqual(byName(d, res.assignment?.topicPartitions), { later: [0, 1] });
  converge([m]);
  assert.equal(group.state, 'Stable');
  // Growing partitions also rebalances.
  d.topics.set('later', 3);
  d.record(d.shard.onTopicsChanged());
  converge([m]);
  assert.deepEqual(m.ownedByName(), { later: [0, 1, 2] });
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());
});

test('regex subscriptions match whole topic names and follow created and deleted topics', () => {
  const d = consumerDriver({ 'orders-eu': 1, 'orders-us': 1, orders: 1, reorders: 1 });
  const m = new Consumer(d, 'g', 'm', { regex: 'orders-.*' });
  assert.equal(m.heartbeat().errorCode, 0);
  assert.deepEqual(m.ownedByName(), { 'orders-eu': [0], 'orders-us': [0] });
  d.topics.set('orders-asia', 2);
  d.record(d.shard.onTopicsChanged());
  converge([m]);
  assert.deepEqual(m.ownedByName(), { 'orders-asia': [0, 1], 'orders-eu': [0], 'orders-us': [0] });
  d.topics.delete('orders-eu');
  d.record(d.shard.onTopicsChanged());
  const epoch = consumerGroup(d, 'g').groupEpoch;
  converge([m]);
  assert.equal(m.epoch, epoch);
  assert.deepEqual(m.ownedByName(), { 'orders-asia': [0, 1], 'orders-us': [0] });
  // OffsetDelete sees topics matched by the regex as subscribed.
  const del = d.shard.offsetDelete(
    { groupId: 'g', topics: [{ name: 'orders-us', partitions: [{ partitionIndex: 0 }] }] },
    d.ctx(),
  ).response;
  assert.equal(del.topics[0]!.partitions[0]!.errorCode, E.GROUP_SUBSCRIBED_TO_TOPIC.code);

  const bad = new Consumer(d, 'g', 'bad', { regex: 'orders-(' });
  const res = bad.heartbeat();
  assert.equal(res.errorCode, E.INVALID_REGULAR_EXPRESSION.code);
  assert.equal(consumerGroup(d, 'g').members.has('bad'), false);
  const unbalanced = new Consumer(d, 'g', 'bad2', { regex: 'a)|(b' });
  assert.equal(unbalanced.heartbeat().errorCode, E.INVALID_REGULAR_EXPRESSION.code);
  assert.deepEqual(replayed(d.log).snapshot(), d.shard.snapshot());
});

test('ConsumerGroupDescribe: members with current and target assignment; unknown and classic groups are not found', () => {
  const d = consumerDriver({ t: 2 });
  const a = new Consumer(d, 'g', 'a', { topics: ['t'], instanceId: 'ia' });
  a.heartbeat();
  d.record(
    d.shard.offsetCommit(
      {
        groupId: 'simple',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [],
      },
      d.ctx(9),
    ),
  );
  const res = d.shard.consumerGroupDescribe(
    { groupIds: ['g', 'nope', 'simple'], includeAuthorizedOperations: false },
    d.ctx(0),
  ).response;
  const [g, nope, simple] = res.groups;
  assert.equal(g!.errorCode, 0);
  assert.equal(g!.groupState, 'Stable');
  assert.equal(g!.groupEpoch, 1);
  assert.equal(g!.assignmentEpoch, 1);
  assert.equal(g!.assignorName, 'uniform');
  assert.deepEqual(g!.members, [
    {
      memberId: 'a',
      instanceId: 'ia',
      rackId: null,
      memberEpoch: 1,
      clientId: 'client',
      clientHost: '/127.0.0.1',
      subscribedTopicNames: ['t'],
      subscribedTopicRegex: null,
      assignment: {
        topicPartitions: [{ topicId: d.topics.id('t'), topicName: 't', partitions: [0, 1] }],
      },
      targetAssignment: {
        topicPartitions: [{ topicId: d.topics.id('t'), topicName: 't', partitions: [0, 1] }],
      },
    },
  ]);
  assert.equal(nope!.errorCode, E.GROUP_ID_NOT_FOUND.code);
  assert.equal(simple!.errorCode, E.GROUP_ID_NOT_FOUND.code);
});

test('record keys decode back to consumer group records', () => {
  const d = consumerDriver({ t: 1 });
  new Consumer(d, 'g', 'a', { topics: ['t'] }).heartbeat();
  const kinds = d.log.map((r) => {
    const decoded = decodeRecord(r.key, r.value);
    return decoded.type === 'consumer-group' ? decoded.record.kind : decoded.type;
  });
  assert.deepEqual(kinds, [
    'member-subscription',
    'subscription-metadata',
    'group-epoch',
    'target-assignment',
    'target-assignment-epoch',
    'current-assignment',
  ]);
});
