// The consumer-group APIs through the wire at every version the specs define: FindCoordinator
// (single and batched keys), the classic JoinGroup → SyncGroup → Heartbeat → OffsetCommit →
// OffsetFetch → LeaveGroup cycle, the admin APIs, and what a client gets before the coordinator
// exists or when __consumer_offsets cannot be created.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/errors/kafka-error.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';
import { newTopic, withBroker } from './support.js';
import { WireClient } from './wire-client.js';

const code = ErrorCodes;
const GROUP_OVERRIDES = {
  'group.initial.rebalance.delay.ms': 0,
  'offsets.topic.num.partitions': 4,
};
const ASSIGNMENT = Buffer.from([0, 1, 2, 3]);

/** The topics these tests commit offsets for: OffsetCommit refuses topics that do not exist. */
async function createCommittedTopics(client: WireClient): Promise<void> {
  const res = await client.send(Apis.CreateTopics, 7, {
    topics: [newTopic('orders', 3), newTopic('t', 3)],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assert.deepEqual(
    res.topics.map((t) => t.errorCode),
    [0, 0],
  );
}
const METADATA = Buffer.from([9, 9]);

test('FindCoordinator v0-6 answers this broker and creates __consumer_offsets once', async () => {
  await withBroker(async (client, broker) => {
    for (let v = 0; v <= 3; v++) {
      const res = await client.send(Apis.FindCoordinator, v, { key: `g-${v}`, keyType: 0 });
      assert.equal(res.errorCode, 0, `v${v}`);
      assert.equal(res.nodeId, 1);
      assert.equal(res.host, '127.0.0.1');
      assert.equal(res.port, broker.port);
    }
    for (let v = 4; v <= 6; v++) {
      const res = await client.send(Apis.FindCoordinator, v, {
        keyType: 0,
        coordinatorKeys: ['a', 'b', ''],
      });
      assert.deepEqual(
        res.coordinators.map((c) => [c.key, c.errorCode, c.nodeId, c.port]),
        [
          ['a', 0, 1, broker.port],
          ['b', 0, 1, broker.port],
          ['', 0, 1, broker.port],
        ],
        `v${v}`,
      );
    }
    const topic = await client.send(Apis.Metadata, 12, {
      topics: [{ name: '__consumer_offsets', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    });
    const [offsets] = topic.topics;
    assert.equal(offsets?.errorCode, 0);
    assert.equal(offsets.isInternal, true);
    assert.equal(offsets.partitions.length, 4);
    const configs = await client.send(Apis.DescribeConfigs, 4, {
      resources: [
        {
          resourceType: 2,
          resourceName: '__consumer_offsets',
          configurationKeys: ['cleanup.policy'],
        },
      ],
    });
    assert.equal(configs.results[0]?.configs[0]?.value, 'compact');
  }, GROUP_OVERRIDES);
});

test('FindCoordinator finds transaction coordinators (creating __transaction_state) and refuses unknown key types', async () => {
  await withBroker(async (client, broker) => {
    const txn = await client.send(Apis.FindCoordinator, 3, { key: 'tx', keyType: 1 });
    assert.deepEqual([txn.errorCode, txn.nodeId, txn.port], [0, 1, broker.port]);
    const topic = await client.send(Apis.Metadata, 12, {
      topics: [{ name: '__transaction_state', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    });
    assert.equal(topic.topics[0]?.isInternal, true);
    assert.equal(topic.topics[0]?.partitions.length, 50);
    const batched = await client.send(Apis.FindCoordinator, 4, {
      keyType: 2,
      coordinatorKeys: ['share'],
    });
    assert.equal(batched.coordinators[0]?.errorCode, code.INVALID_REQUEST.code);
  });
});

test('FindCoordinator answers COORDINATOR_NOT_AVAILABLE when __consumer_offsets cannot be created', async () => {
  await withBroker(
    async (client) => {
      const res = await client.send(Apis.FindCoordinator, 3, { key: 'g', keyType: 0 });
      assert.equal(res.errorCode, code.COORDINATOR_NOT_AVAILABLE.code);
      assert.match(res.errorMessage ?? '', /__consumer_offsets.*replication factor of 3/);
      const join = await client.send(Apis.JoinGroup, 5, joinRequest('g', ''));
      assert.equal(join.errorCode, code.NOT_COORDINATOR.code);
    },
    { 'offsets.topic.replication.factor': 3 },
  );
});

test('group requests before any FindCoordinator get NOT_COORDINATOR, as from a broker that is not the coordinator', async () => {
  await withBroker(async (client) => {
    await createCommittedTopics(client);
    const hb = await client.send(Apis.Heartbeat, 4, {
      groupId: 'g',
      generationId: 1,
      memberId: 'm',
    });
    assert.equal(hb.errorCode, code.NOT_COORDINATOR.code);
    const commit = await client.send(Apis.OffsetCommit, 9, {
      groupId: 'g',
      generationIdOrMemberEpoch: -1,
      topics: [
        {
          name: 't',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 5n,
              committedLeaderEpoch: -1,
              committedMetadata: null,
              commitTimestamp: -1n,
            },
          ],
        },
      ],
    });
    assert.equal(commit.topics[0]?.partitions[0]?.errorCode, code.NOT_COORDINATOR.code);
    const fetch = await client.send(Apis.OffsetFetch, 9, {
      groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: null }],
    });
    assert.equal(fetch.groups[0]?.errorCode, code.NOT_COORDINATOR.code);
    const list = await client.send(Apis.ListGroups, 5, {});
    assert.deepEqual(list.groups, []);
  });
});

function joinRequest(groupId: string, memberId: string, groupInstanceId: string | null = null) {
  return {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: METADATA }],
  };
}

/** The API versions of one pass of the cycle: `v` clamped to each API's highest version. */
function versionsFor(v: number) {
  return {
    join: Math.min(v, 9),
    sync: Math.min(v, 5),
    heartbeat: Math.min(v, 4),
    leave: Math.min(v, 5),
    // v0 carries no member id or generation; it has its own test below.
    commit: Math.max(1, Math.min(v, 9)),
    fetch: Math.min(v, 9),
    describe: Math.min(v, 5),
    list: Math.min(v, 5),
  };
}

test('a classic member joins, syncs, heartbeats, commits, fetches and leaves at every version', async () => {
  await withBroker(async (client) => {
    await createCommittedTopics(client);
    for (let v = 0; v <= 9; v++) {
      const ver = versionsFor(v);
      const groupId = `cycle-${v}`;
      const found = await client.send(Apis.FindCoordinator, Math.min(v, 3), { key: groupId });
      assert.equal(found.errorCode, 0);

      let join = await client.send(Apis.JoinGroup, ver.join, joinRequest(groupId, ''));
      if (ver.join >= 4) {
        assert.equal(join.errorCode, code.MEMBER_ID_REQUIRED.code, `v${ver.join}`);
        assert.match(join.memberId, /^wire-client-/);
        join = await client.send(Apis.JoinGroup, ver.join, joinRequest(groupId, join.memberId));
      }
      assert.equal(join.errorCode, 0, `JoinGroup v${ver.join}`);
      assert.equal(join.generationId, 1);
      assert.equal(join.leader, join.memberId);
      assert.equal(join.protocolName, 'range');
      assert.equal(join.protocolType, ver.join >= 7 ? 'consumer' : null);
      assert.deepEqual(
        join.members.map((m) => [m.memberId, Buffer.from(m.metadata)]),
        [[join.memberId, METADATA]],
      );
      const memberId = join.memberId;

      const sync = await client.send(Apis.SyncGroup, ver.sync, {
        groupId,
        generationId: 1,
        memberId,
        protocolType: ver.sync >= 5 ? 'consumer' : null,
        protocolName: ver.sync >= 5 ? 'range' : null,
        assignments: [{ memberId, assignment: ASSIGNMENT }],
      });
      assert.equal(sync.errorCode, 0, `SyncGroup v${ver.sync}`);
      assert.deepEqual(Buffer.from(sync.assignment), ASSIGNMENT);
      assert.equal(sync.protocolName, ver.sync >= 5 ? 'range' : null);

      const hb = await client.send(Apis.Heartbeat, ver.heartbeat, {
        groupId,
        generationId: 1,
        memberId,
      });
      assert.equal(hb.errorCode, 0, `Heartbeat v${ver.heartbeat}`);
      const stale = await client.send(Apis.Heartbeat, ver.heartbeat, {
        groupId,
        generationId: 7,
        memberId,
      });
      assert.equal(stale.errorCode, code.ILLEGAL_GENERATION.code);

      const commit = await client.send(Apis.OffsetCommit, ver.commit, {
        groupId,
        generationIdOrMemberEpoch: 1,
        memberId,
        topics: [
          {
            name: 'orders',
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 42n,
                committedLeaderEpoch: ver.commit >= 6 ? 3 : -1,
                committedMetadata: 'meta',
                commitTimestamp: -1n,
              },
              {
                partitionIndex: 1,
                committedOffset: 7n,
                committedLeaderEpoch: -1,
                committedMetadata: null,
                commitTimestamp: -1n,
              },
            ],
          },
        ],
      });
      assert.deepEqual(
        commit.topics.map((t) => [
          t.name,
          t.partitions.map((p) => [p.partitionIndex, p.errorCode]),
        ]),
        [
          [
            'orders',
            [
              [0, 0],
              [1, 0],
            ],
          ],
        ],
        `OffsetCommit v${ver.commit}`,
      );

      const want = [
        [0, 42n, ver.fetch >= 5 && ver.commit >= 6 ? 3 : -1, 'meta'],
        [1, 7n, -1, ''],
        [2, -1n, -1, ''],
      ];
      if (ver.fetch >= 8) {
        const fetched = await client.send(Apis.OffsetFetch, ver.fetch, {
          groups: [
            {
              groupId,
              memberId: null,
              memberEpoch: -1,
              topics: [{ name: 'orders', partitionIndexes: [0, 1, 2] }],
            },
            { groupId: 'nobody', memberId: null, memberEpoch: -1, topics: null },
          ],
        });
        const [mine, nobody] = fetched.groups;
        assert.equal(mine?.errorCode, 0);
        assert.deepEqual(
          mine.topics[0]?.partitions.map((p) => [
            p.partitionIndex,
            p.committedOffset,
            p.committedLeaderEpoch,
            p.metadata,
          ]),
          want,
        );
        assert.deepEqual([nobody?.groupId, nobody?.errorCode, nobody?.topics], ['nobody', 0, []]);
      } else {
        const fetched = await client.send(Apis.OffsetFetch, ver.fetch, {
          groupId,
          topics: [{ name: 'orders', partitionIndexes: [0, 1, 2] }],
        });
        assert.equal(fetched.errorCode, 0, `OffsetFetch v${ver.fetch}`);
        assert.deepEqual(
          fetched.topics[0]?.partitions.map((p) => [
            p.partitionIndex,
            p.committedOffset,
            p.committedLeaderEpoch,
            p.metadata,
          ]),
          want,
          `OffsetFetch v${ver.fetch}`,
        );
        if (ver.fetch >= 2) {
          const all = await client.send(Apis.OffsetFetch, ver.fetch, { groupId, topics: null });
          assert.deepEqual(
            all.topics.flatMap((t) =>
              t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset]),
            ),
            [
              ['orders', 0, 42n],
              ['orders', 1, 7n],
            ],
          );
        }
      }

      const described = await client.send(Apis.DescribeGroups, ver.describe, {
        groups: [groupId],
        includeAuthorizedOperations: ver.describe >= 3,
      });
      const [group] = described.groups;
      assert.ok(group);
      assert.deepEqual(
        [group?.errorCode, group?.groupState, group?.protocolType, group?.protocolData],
        [0, 'Stable', 'consumer', 'range'],
      );
      assert.equal(group.members.length, 1);
      assert.equal(group.members[0]?.memberId, memberId);
      assert.equal(group.members[0]?.clientId, 'wire-client', `DescribeGroups v${ver.describe}`);
      assert.equal(group.members[0]?.clientHost, '/127.0.0.1');
      assert.deepEqual(Buffer.from(group.members[0]!.memberAssignment), ASSIGNMENT);
      if (ver.describe >= 3)
        assert.equal(group.authorizedOperations, (1 << 3) | (1 << 6) | (1 << 8));

      const listed = await client.send(Apis.ListGroups, ver.list, {});
      const entry = listed.groups.find((g) => g.groupId === groupId);
      assert.equal(entry?.protocolType, 'consumer');
      if (ver.list >= 4) assert.equal(entry.groupState, 'Stable');
      if (ver.list >= 5) assert.equal(entry.groupType, 'classic');

      const leave = await client.send(
        Apis.LeaveGroup,
        ver.leave,
        ver.leave >= 3
          ? { groupId, members: [{ memberId, groupInstanceId: null, reason: null }] }
          : { groupId, memberId },
      );
      assert.equal(leave.errorCode, 0, `LeaveGroup v${ver.leave}`);
      if (ver.leave >= 3)
        assert.deepEqual(
          leave.members.map((m) => [m.memberId, m.errorCode]),
          [[memberId, 0]],
        );
      const after = await client.send(Apis.DescribeGroups, ver.describe, { groups: [groupId] });
      assert.equal(after.groups[0]?.groupState, 'Empty');
    }
  }, GROUP_OVERRIDES);
});

test('a second member joining triggers a rebalance the first learns of through its heartbeat', async () => {
  await withBroker(async (first, broker) => {
    const second = await WireClient.connect(broker.port);
    try {
      await first.send(Apis.FindCoordinator, 3, { key: 'pair' });
      const j1 = await first.send(Apis.JoinGroup, 3, joinRequest('pair', ''));
      assert.equal(j1.errorCode, 0);
      const s1 = await first.send(Apis.SyncGroup, 3, {
        groupId: 'pair',
        generationId: j1.generationId,
        memberId: j1.memberId,
        assignments: [{ memberId: j1.memberId, assignment: ASSIGNMENT }],
      });
      assert.equal(s1.errorCode, 0);

      const secondJoin = second.send(Apis.JoinGroup, 3, joinRequest('pair', ''));
      const hb = await waitFor(
        () =>
          first.send(Apis.Heartbeat, 3, {
            groupId: 'pair',
            generationId: 1,
            memberId: j1.memberId,
          }),
        (r) => r.errorCode === code.REBALANCE_IN_PROGRESS.code,
      );
      assert.equal(hb.errorCode, code.REBALANCE_IN_PROGRESS.code);
      const rejoin = await first.send(Apis.JoinGroup, 3, joinRequest('pair', j1.memberId));
      const j2 = await secondJoin;
      assert.deepEqual([rejoin.errorCode, j2.errorCode], [0, 0]);
      assert.deepEqual([rejoin.generationId, j2.generationId], [2, 2]);
      assert.equal(rejoin.leader, j1.memberId, 'the leader stays');
      assert.equal(rejoin.members.length, 2);
      assert.deepEqual(j2.members, [], 'only the leader gets the member list');
    } finally {
      second.close();
    }
  }, GROUP_OVERRIDES);
});

test('DeleteGroups and OffsetDelete write tombstones the restarted broker honours', async () => {
  const { startBroker } = await import('../../support/broker.js');
  const broker = await startBroker({ overrides: GROUP_OVERRIDES });
  let client = await WireClient.connect(broker.port);
  const commit = (groupId: string, partitions: number[]) =>
    client.send(Apis.OffsetCommit, 8, {
      groupId,
      generationIdOrMemberEpoch: -1,
      topics: [
        {
          name: 't',
          partitions: partitions.map((p) => ({
            partitionIndex: p,
            committedOffset: 10n + BigInt(p),
            committedLeaderEpoch: -1,
            committedMetadata: null,
            commitTimestamp: -1n,
          })),
        },
      ],
    });
  try {
    await createCommittedTopics(client);
    await client.send(Apis.FindCoordinator, 3, { key: 'kept' });
    await commit('kept', [0, 1, 2]);
    await commit('gone', [0]);
    const deleted = await client.send(Apis.DeleteGroups, 2, { groupsNames: ['gone', 'never'] });
    assert.deepEqual(
      deleted.results.map((r) => [r.groupId, r.errorCode]),
      [
        ['gone', 0],
        ['never', code.GROUP_ID_NOT_FOUND.code],
      ],
    );
    const od = await client.send(Apis.OffsetDelete, 0, {
      groupId: 'kept',
      topics: [{ name: 't', partitions: [{ partitionIndex: 1 }] }],
    });
    assert.equal(od.errorCode, 0);
    assert.equal(od.topics[0]?.partitions[0]?.errorCode, 0);

    client.close();
    await broker.stop({ keepData: true });
    const restarted = await startBroker({ dataDir: broker.dataDir, overrides: GROUP_OVERRIDES });
    client = await WireClient.connect(restarted.port);
    try {
      const fetched = await client.send(Apis.OffsetFetch, 8, {
        groups: [
          { groupId: 'kept', memberId: null, memberEpoch: -1, topics: null },
          { groupId: 'gone', memberId: null, memberEpoch: -1, topics: null },
        ],
      });
      assert.deepEqual(
        fetched.groups.map((g) => [
          g.groupId,
          g.topics.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, p.committedOffset])),
        ]),
        [
          [
            'kept',
            [
              [0, 10n],
              [2, 12n],
            ],
          ],
          ['gone', []],
        ],
      );
      const listed = await client.send(Apis.ListGroups, 5, {});
      assert.deepEqual(
        listed.groups.map((g) => g.groupId),
        ['kept'],
      );
    } finally {
      client.close();
      await restarted.stop();
    }
  } finally {
    client.close();
  }
});

test('OffsetCommit v0 (no member, no generation) is accepted by groups without members only', async () => {
  await withBroker(async (client) => {
    await createCommittedTopics(client);
    await client.send(Apis.FindCoordinator, 0, { key: 'simple' });
    const offsets = [
      {
        name: 't',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: 3n,
            committedLeaderEpoch: -1,
            committedMetadata: 'x',
            commitTimestamp: -1n,
          },
        ],
      },
    ];
    const simple = await client.send(Apis.OffsetCommit, 0, { groupId: 'simple', topics: offsets });
    assert.equal(simple.topics[0]?.partitions[0]?.errorCode, 0);
    const fetched = await client.send(Apis.OffsetFetch, 0, {
      groupId: 'simple',
      topics: [{ name: 't', partitionIndexes: [0] }],
    });
    assert.deepEqual(
      fetched.topics[0]?.partitions.map((p) => [p.committedOffset, p.metadata, p.errorCode]),
      [[3n, 'x', 0]],
    );

    const join = await client.send(Apis.JoinGroup, 0, joinRequest('active', ''));
    assert.equal(join.errorCode, 0);
    const refused = await client.send(Apis.OffsetCommit, 0, { groupId: 'active', topics: offsets });
    assert.equal(refused.topics[0]?.partitions[0]?.errorCode, code.UNKNOWN_MEMBER_ID.code);
  }, GROUP_OVERRIDES);
});

test('clients cannot produce to __consumer_offsets (INVALID_TOPIC_EXCEPTION)', async () => {
  await withBroker(async (client) => {
    await client.send(Apis.FindCoordinator, 3, { key: 'g' });
    const batch = buildRecordBatch({
      records: [{ key: Buffer.from('k'), value: Buffer.from('v') }],
    });
    const res = await client.send(Apis.Produce, 9, {
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: '__consumer_offsets', partitionData: [{ index: 0, records: batch }] }],
    });
    const [partition] = res.responses[0]?.partitionResponses ?? [];
    assert.equal(partition?.errorCode, code.INVALID_TOPIC_EXCEPTION.code);
    assert.equal(partition.errorMessage, 'Cannot append to internal topic __consumer_offsets');
  }, GROUP_OVERRIDES);
});

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 100; i++) {
    last = await probe();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(
    `condition not reached; last answer ${JSON.stringify(last, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
  );
}

test('OffsetCommit answers UNKNOWN_TOPIC_OR_PARTITION for a missing topic or partition, committing the rest (librdkafka 0030)', async () => {
  await withBroker(async (client) => {
    await createCommittedTopics(client);
    await client.send(Apis.FindCoordinator, 3, { key: 'g' });
    const partition = (partitionIndex: number) => ({
      partitionIndex,
      committedOffset: 5n,
      committedLeaderEpoch: -1,
      committedMetadata: null,
      commitTimestamp: -1n,
    });
    const commit = await client.send(Apis.OffsetCommit, 8, {
      groupId: 'g',
      generationIdOrMemberEpoch: -1,
      topics: [
        { name: 'nonexistent', partitions: [partition(0), partition(1)] },
        { name: 't', partitions: [partition(0), partition(3), partition(-1)] },
      ],
    });
    const answers = commit.topics.flatMap((t) =>
      t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.errorCode}`),
    );
    const unknown = code.UNKNOWN_TOPIC_OR_PARTITION.code;
    assert.deepEqual(answers.sort(), [
      `nonexistent-0:${unknown}`,
      `nonexistent-1:${unknown}`,
      `t--1:${unknown}`,
      't-0:0',
      `t-3:${unknown}`,
    ]);
    // Nothing was stored for the refused partitions, and the group was not even looked at when
    // every partition is refused (Kafka answers before asking the coordinator).
    const fetched = await client.send(Apis.OffsetFetch, 8, {
      groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: null }],
    });
    assert.deepEqual(
      fetched.groups[0]?.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]),
      [['t', [0]]],
    );
    const onlyUnknown = await client.send(Apis.OffsetCommit, 8, {
      groupId: 'never-found',
      generationIdOrMemberEpoch: 7,
      memberId: 'nobody',
      topics: [{ name: 'nonexistent', partitions: [partition(0)] }],
    });
    assert.equal(onlyUnknown.topics[0]?.partitions[0]?.errorCode, unknown);
  }, GROUP_OVERRIDES);
});
