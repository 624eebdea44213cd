// ACL checks of the group and transaction APIs, as Kafka's KafkaApis makes them, through the wire.
// The broker runs the StandardAuthorizer with allow.everyone.if.no.acl.found=true. Resources named
// "denied-…" (and the topic "secret") carry a DENY of everything for User:* (every PLAINTEXT
// connection is User:ANONYMOUS); resources named "alice-…" carry an ALLOW for User:alice only, which
// shuts everyone else out. Resources without ACLs ("open…") answer as without an authorizer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/errors/kafka-error.js';
import {
  AclOperation as Op,
  AclPermissionType as Perm,
  PatternType,
  ResourceType,
} from '../../../src/metadata/acl-binding.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import { newTopic, withBroker } from './support.js';
import type { WireClient } from './wire-client.js';

const code = ErrorCodes;
const GROUP_DENIED = code.GROUP_AUTHORIZATION_FAILED.code;
const TOPIC_DENIED = code.TOPIC_AUTHORIZATION_FAILED.code;
const TXN_DENIED = code.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code;
const CLUSTER_DENIED = code.CLUSTER_AUTHORIZATION_FAILED.code;

const BROKER = {
  'group.initial.rebalance.delay.ms': 0,
  'offsets.topic.num.partitions': 2,
  'transaction.state.log.num.partitions': 2,
};
const AUTHORIZER = {
  ...BROKER,
  'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'allow.everyone.if.no.acl.found': true,
};
const CLUSTER = 'kafka-cluster';

interface AclSpec {
  resourceType: number;
  resourceName: string;
  resourcePatternType?: number;
  principal?: string;
  operation?: number;
  permissionType?: number;
}

async function createAcls(client: WireClient, specs: AclSpec[]): Promise<void> {
  const res = await client.send(Apis.CreateAcls, 3, {
    creations: specs.map((s) => ({
      resourcePatternType: PatternType.LITERAL,
      principal: 'User:*',
      host: '*',
      operation: Op.ALL,
      permissionType: Perm.DENY,
      ...s,
    })),
  });
  assert.deepEqual(
    res.results.map((r) => r.errorCode),
    specs.map(() => 0),
    'CreateAcls',
  );
}

/** "denied-<kind>" denied to User:*, "alice-<kind>" allowed to User:alice only. */
function deniedAndAliceOnly(resourceType: number, kind: string): AclSpec[] {
  return [
    { resourceType, resourceName: `denied-${kind}` },
    {
      resourceType,
      resourceName: `alice-${kind}`,
      principal: 'User:alice',
      permissionType: Perm.ALLOW,
    },
  ];
}

async function createTopics(client: WireClient, names: string[]): Promise<void> {
  const res = await client.send(Apis.CreateTopics, 7, {
    topics: names.map((n) => newTopic(n, 2)),
  });
  assert.deepEqual(
    res.topics.map((t) => t.errorCode),
    names.map(() => 0),
  );
}

/** [topic, [partition error codes]] sorted by topic, for answers whose order is not the point. */
function byTopic(topics: { name: string; partitions: { errorCode: number }[] }[]) {
  return topics
    .map((t) => [t.name, t.partitions.map((p) => p.errorCode)] as const)
    .sort(([a], [b]) => a.localeCompare(b));
}

function commitPartitions(...indexes: number[]) {
  return indexes.map((partitionIndex) => ({
    partitionIndex,
    committedOffset: 5n,
    committedLeaderEpoch: -1,
    committedMetadata: null,
    commitTimestamp: -1n,
  }));
}

/** OffsetCommit v9 as a "simple" group (no member, no generation). */
function simpleCommit(client: WireClient, groupId: string, topics: string[]) {
  return client.send(Apis.OffsetCommit, 9, {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    topics: topics.map((name) => ({ name, partitions: commitPartitions(0, 1) })),
  });
}

function consumerHeartbeat(client: WireClient, groupId: string, topics: string[]) {
  return client.send(Apis.ConsumerGroupHeartbeat, 0, {
    groupId,
    memberId: `member-${groupId}`,
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: topics,
    serverAssignor: null,
    topicPartitions: [],
  });
}

/** One request of every group API that needs READ (or DELETE) on the group; their error codes. */
async function groupApiErrors(client: WireClient, groupId: string) {
  const join = await client.send(Apis.JoinGroup, 9, {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId: 'm',
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from([1]) }],
  });
  const heartbeat = await client.send(Apis.Heartbeat, 4, {
    groupId,
    generationId: 1,
    memberId: 'm',
  });
  const sync = await client.send(Apis.SyncGroup, 5, {
    groupId,
    generationId: 1,
    memberId: 'm',
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [],
  });
  const leave = await client.send(Apis.LeaveGroup, 5, {
    groupId,
    members: [{ memberId: 'm', groupInstanceId: null, reason: null }],
  });
  const commit = await simpleCommit(client, groupId, ['open']);
  const fetchV9 = await client.send(Apis.OffsetFetch, 9, {
    groups: [{ groupId, memberId: null, memberEpoch: -1, topics: null }],
  });
  const fetchV7 = await client.send(Apis.OffsetFetch, 7, { groupId, topics: null });
  const fetchV1 = await client.send(Apis.OffsetFetch, 1, {
    groupId,
    topics: [{ name: 'open', partitionIndexes: [0] }],
  });
  const offsetDelete = await client.send(Apis.OffsetDelete, 0, {
    groupId,
    topics: [{ name: 'open', partitions: [{ partitionIndex: 0 }] }],
  });
  const consumer = await consumerHeartbeat(client, groupId, ['open']);
  const deleted = await client.send(Apis.DeleteGroups, 2, { groupsNames: [groupId] });
  return {
    join: join.errorCode,
    heartbeat: heartbeat.errorCode,
    sync: sync.errorCode,
    leave: leave.errorCode,
    commit: byTopic(commit.topics),
    fetchV9: fetchV9.groups[0]?.errorCode,
    fetchV7: fetchV7.errorCode,
    fetchV1: byTopic(fetchV1.topics),
    offsetDelete: offsetDelete.errorCode,
    consumer: consumer.errorCode,
    deleted: deleted.results[0]?.errorCode,
  };
}

test('the group APIs need READ on the group (DELETE to delete), else GROUP_AUTHORIZATION_FAILED', async () => {
  await withBroker(async (client) => {
    await createTopics(client, ['open']);
    assert.equal((await client.send(Apis.FindCoordinator, 3, { key: 'open-group' })).errorCode, 0);
    await createAcls(client, deniedAndAliceOnly(ResourceType.GROUP, 'group'));

    for (const groupId of ['denied-group', 'alice-group']) {
      assert.deepEqual(
        await groupApiErrors(client, groupId),
        {
          join: GROUP_DENIED,
          heartbeat: GROUP_DENIED,
          sync: GROUP_DENIED,
          leave: GROUP_DENIED,
          commit: [['open', [GROUP_DENIED, GROUP_DENIED]]],
          fetchV9: GROUP_DENIED,
          fetchV7: GROUP_DENIED,
          fetchV1: [['open', [GROUP_DENIED]]],
          offsetDelete: GROUP_DENIED,
          consumer: GROUP_DENIED,
          deleted: GROUP_DENIED,
        },
        groupId,
      );
    }
    // The same requests reach the coordinator for a group without ACLs: member 'm' is unknown, the
    // simple group's commit and offset delete succeed, and the consumer heartbeat's member (the
    // empty group becomes a consumer group) keeps it from being deleted.
    assert.deepEqual(await groupApiErrors(client, 'open-group'), {
      join: code.UNKNOWN_MEMBER_ID.code,
      heartbeat: code.UNKNOWN_MEMBER_ID.code,
      sync: code.UNKNOWN_MEMBER_ID.code,
      leave: 0,
      commit: [['open', [0, 0]]],
      fetchV9: 0,
      fetchV7: 0,
      fetchV1: [['open', [0]]],
      offsetDelete: 0,
      consumer: 0,
      deleted: code.NON_EMPTY_GROUP.code,
    });
  }, AUTHORIZER);
});

test('FindCoordinator needs DESCRIBE on the group or the transactional id, per key', async () => {
  await withBroker(async (client) => {
    await createAcls(client, [
      ...deniedAndAliceOnly(ResourceType.GROUP, 'group'),
      ...deniedAndAliceOnly(ResourceType.TRANSACTIONAL_ID, 'tx'),
      // READ implies DESCRIBE, so a DENY of DESCRIBE alone is what refuses the lookup.
      { resourceType: ResourceType.GROUP, resourceName: 'undescribed', operation: Op.DESCRIBE },
    ]);
    const groups = ['open-group', 'denied-group', 'alice-group', 'undescribed'];
    for (const key of groups) {
      const res = await client.send(Apis.FindCoordinator, 3, { key, keyType: 0 });
      const denied = key !== 'open-group';
      assert.deepEqual(
        [res.errorCode, res.nodeId, res.errorMessage],
        denied ? [GROUP_DENIED, -1, code.GROUP_AUTHORIZATION_FAILED.message] : [0, 1, null],
        key,
      );
    }
    const batched = await client.send(Apis.FindCoordinator, 6, {
      keyType: 0,
      coordinatorKeys: groups,
    });
    assert.deepEqual(
      batched.coordinators.map((c) => [c.key, c.errorCode]),
      groups.map((g) => [g, g === 'open-group' ? 0 : GROUP_DENIED]),
    );
    const txns = await client.send(Apis.FindCoordinator, 4, {
      keyType: 1,
      coordinatorKeys: ['open-tx', 'denied-tx', 'alice-tx'],
    });
    assert.deepEqual(
      txns.coordinators.map((c) => c.errorCode),
      [0, TXN_DENIED, TXN_DENIED],
    );
    const single = await client.send(Apis.FindCoordinator, 1, { key: 'denied-tx', keyType: 1 });
    assert.equal(single.errorCode, TXN_DENIED);
  }, AUTHORIZER);
});

test('offsets and subscriptions need the topic: TOPIC_AUTHORIZATION_FAILED, or left out of all-topics answers', async () => {
  await withBroker(async (client) => {
    await createTopics(client, ['open', 'secret', 'alice-topic']);
    await client.send(Apis.FindCoordinator, 3, { key: 'open-group' });
    // Offsets committed before the ACLs exist, so the coordinator has some for "secret".
    const before = await simpleCommit(client, 'open-group', ['open', 'secret', 'alice-topic']);
    assert.deepEqual(byTopic(before.topics), [
      ['alice-topic', [0, 0]],
      ['open', [0, 0]],
      ['secret', [0, 0]],
    ]);
    await createAcls(client, [
      { resourceType: ResourceType.TOPIC, resourceName: 'secret' },
      {
        resourceType: ResourceType.TOPIC,
        resourceName: 'alice-topic',
        principal: 'User:alice',
        permissionType: Perm.ALLOW,
      },
    ]);

    const commit = await simpleCommit(client, 'open-group', ['open', 'secret', 'alice-topic']);
    assert.deepEqual(byTopic(commit.topics), [
      ['alice-topic', [TOPIC_DENIED, TOPIC_DENIED]],
      ['open', [0, 0]],
      ['secret', [TOPIC_DENIED, TOPIC_DENIED]],
    ]);
    // Unauthorized before unknown: a topic that does not exist is not revealed as such.
    const onlyDenied = await simpleCommit(client, 'open-group', ['secret']);
    assert.deepEqual(byTopic(onlyDenied.topics), [['secret', [TOPIC_DENIED, TOPIC_DENIED]]]);

    const named = [
      { name: 'open', partitionIndexes: [0] },
      { name: 'secret', partitionIndexes: [0] },
    ];
    const fetchV9 = await client.send(Apis.OffsetFetch, 9, {
      groups: [
        { groupId: 'open-group', memberId: null, memberEpoch: -1, topics: named },
        { groupId: 'open-group', memberId: null, memberEpoch: -1, topics: null },
      ],
    });
    const [namedGroup, allGroup] = fetchV9.groups;
    assert.deepEqual(
      namedGroup?.topics.map((t) => [
        t.name,
        t.partitions[0]?.errorCode,
        t.partitions[0]?.committedOffset,
      ]),
      [
        ['open', 0, 5n],
        ['secret', TOPIC_DENIED, -1n],
      ],
    );
    assert.deepEqual(
      allGroup?.topics.map((t) => t.name),
      ['open'],
      'all-topics answers leave out the topics the principal may not DESCRIBE',
    );
    const fetchV7 = await client.send(Apis.OffsetFetch, 7, { groupId: 'open-group', topics: null });
    assert.deepEqual(
      fetchV7.topics.map((t) => t.name),
      ['open'],
    );
    const fetchV1 = await client.send(Apis.OffsetFetch, 1, {
      groupId: 'open-group',
      topics: named,
    });
    assert.deepEqual(byTopic(fetchV1.topics), [
      ['open', [0]],
      ['secret', [TOPIC_DENIED]],
    ]);

    const offsetDelete = await client.send(Apis.OffsetDelete, 0, {
      groupId: 'open-group',
      topics: ['open', 'secret'].map((name) => ({ name, partitions: [{ partitionIndex: 0 }] })),
    });
    assert.equal(offsetDelete.errorCode, 0);
    assert.deepEqual(byTopic(offsetDelete.topics), [
      ['open', [0]],
      ['secret', [TOPIC_DENIED]],
    ]);

    const subscribedToSecret = await consumerHeartbeat(client, 'consumers', ['open', 'secret']);
    assert.equal(subscribedToSecret.errorCode, TOPIC_DENIED);
    assert.equal(subscribedToSecret.memberId, null, 'the member did not join');
    const subscribedToAlice = await consumerHeartbeat(client, 'consumers', ['alice-topic']);
    assert.equal(subscribedToAlice.errorCode, TOPIC_DENIED);
    const subscribedToOpen = await consumerHeartbeat(client, 'consumers', ['open']);
    assert.equal(subscribedToOpen.errorCode, 0);
    assert.equal(subscribedToOpen.memberEpoch, 1);

    const producers = await client.send(Apis.DescribeProducers, 0, {
      topics: ['open', 'secret', 'alice-topic'].map((name) => ({ name, partitionIndexes: [0] })),
    });
    assert.deepEqual(
      producers.topics.map((t) => [
        t.name,
        t.partitions[0]?.errorCode,
        t.partitions[0]?.errorMessage,
      ]),
      [
        ['open', 0, null],
        ['secret', TOPIC_DENIED, code.TOPIC_AUTHORIZATION_FAILED.message],
        ['alice-topic', TOPIC_DENIED, code.TOPIC_AUTHORIZATION_FAILED.message],
      ],
    );
  }, AUTHORIZER);
});

async function initProducer(client: WireClient, transactionalId: string) {
  return client.send(Apis.InitProducerId, 4, {
    transactionalId,
    transactionTimeoutMs: 60_000,
    producerId: -1n,
    producerEpoch: -1,
  });
}

function txnCommit(
  client: WireClient,
  transactionalId: string,
  groupId: string,
  producer: { producerId: bigint; producerEpoch: number },
  topics: string[],
) {
  return client.send(Apis.TxnOffsetCommit, 3, {
    transactionalId,
    groupId,
    ...producer,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: topics.map((name) => ({
      name,
      partitions: [
        { partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: '' },
      ],
    })),
  });
}

test('the transaction APIs need WRITE on the transactional id, and READ or WRITE on groups and topics', async () => {
  await withBroker(async (client) => {
    await createTopics(client, ['open', 'secret']);
    await client.send(Apis.FindCoordinator, 3, { key: 'open-tx', keyType: 1 });
    await client.send(Apis.FindCoordinator, 3, { key: 'open-group', keyType: 0 });
    // Exists before the ACLs, so the admin views have something to hide.
    const hidden = await initProducer(client, 'denied-tx');
    assert.equal(hidden.errorCode, 0);
    await createAcls(client, [
      ...deniedAndAliceOnly(ResourceType.TRANSACTIONAL_ID, 'tx'),
      ...deniedAndAliceOnly(ResourceType.GROUP, 'group'),
      { resourceType: ResourceType.TOPIC, resourceName: 'secret' },
    ]);

    for (const id of ['denied-tx', 'alice-tx']) {
      const init = await initProducer(client, id);
      assert.deepEqual([init.errorCode, init.producerId], [TXN_DENIED, -1n], id);
    }
    const producer = await initProducer(client, 'open-tx');
    assert.equal(producer.errorCode, 0);
    const { producerId, producerEpoch } = producer;

    const addTo = (transactionalId: string, topics: string[]) =>
      client.send(Apis.AddPartitionsToTxn, 3, {
        v3AndBelowTransactionalId: transactionalId,
        v3AndBelowProducerId: producerId,
        v3AndBelowProducerEpoch: producerEpoch,
        v3AndBelowTopics: topics.map((name) => ({ name, partitions: [0] })),
      });
    const deniedTxn = await addTo('denied-tx', ['open']);
    assert.deepEqual(
      deniedTxn.resultsByTopicV3AndBelow.map((t) => [
        t.name,
        t.resultsByPartition[0]?.partitionErrorCode,
      ]),
      [['open', TXN_DENIED]],
    );
    const mixed = await addTo('open-tx', ['open', 'secret', 'missing']);
    assert.deepEqual(
      mixed.resultsByTopicV3AndBelow.map((t) => [
        t.name,
        t.resultsByPartition[0]?.partitionErrorCode,
      ]),
      [
        ['open', code.OPERATION_NOT_ATTEMPTED.code],
        ['secret', TOPIC_DENIED],
        ['missing', code.UNKNOWN_TOPIC_OR_PARTITION.code],
      ],
    );
    const added = await addTo('open-tx', ['open']);
    assert.equal(added.resultsByTopicV3AndBelow[0]?.resultsByPartition[0]?.partitionErrorCode, 0);

    const addOffsets = (transactionalId: string, groupId: string) =>
      client.send(Apis.AddOffsetsToTxn, 3, { transactionalId, producerId, producerEpoch, groupId });
    assert.equal((await addOffsets('denied-tx', 'open-group')).errorCode, TXN_DENIED);
    assert.equal((await addOffsets('open-tx', 'denied-group')).errorCode, GROUP_DENIED);
    assert.equal((await addOffsets('open-tx', 'alice-group')).errorCode, GROUP_DENIED);
    assert.equal((await addOffsets('open-tx', 'open-group')).errorCode, 0);

    const p = { producerId, producerEpoch };
    assert.deepEqual(
      byTopic((await txnCommit(client, 'denied-tx', 'open-group', p, ['open', 'secret'])).topics),
      [
        ['open', [TXN_DENIED]],
        ['secret', [TXN_DENIED]],
      ],
    );
    assert.deepEqual(
      byTopic((await txnCommit(client, 'open-tx', 'denied-group', p, ['open'])).topics),
      [['open', [GROUP_DENIED]]],
    );
    assert.deepEqual(
      byTopic((await txnCommit(client, 'open-tx', 'open-group', p, ['open', 'secret'])).topics),
      [
        ['open', [0]],
        ['secret', [TOPIC_DENIED]],
      ],
    );

    const endTxn = (transactionalId: string) =>
      client.send(Apis.EndTxn, 3, { transactionalId, producerId, producerEpoch, committed: true });
    assert.equal((await endTxn('denied-tx')).errorCode, TXN_DENIED);
    assert.equal((await endTxn('alice-tx')).errorCode, TXN_DENIED);
    assert.equal((await endTxn('open-tx')).errorCode, 0);

    const described = await client.send(Apis.DescribeTransactions, 0, {
      transactionalIds: ['open-tx', 'denied-tx', 'alice-tx'],
    });
    assert.deepEqual(
      described.transactionStates.map((t) => [t.transactionalId, t.errorCode]),
      [
        ['open-tx', 0],
        ['denied-tx', TXN_DENIED],
        ['alice-tx', TXN_DENIED],
      ],
    );
    const listed = await client.send(Apis.ListTransactions, 1, {
      stateFilters: [],
      producerIdFilters: [],
      durationFilter: -1n,
    });
    assert.deepEqual(
      listed.transactionStates.map((t) => t.transactionalId),
      ['open-tx'],
    );
  }, AUTHORIZER);
});

function idempotentInit(client: WireClient) {
  return client.send(Apis.InitProducerId, 5, {
    transactionalId: null,
    transactionTimeoutMs: 60_000,
    producerId: -1n,
    producerEpoch: -1,
  });
}

test('InitProducerId without a transactional id needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic', async () => {
  await withBroker(async (client) => {
    const cluster = { resourceType: ResourceType.CLUSTER, resourceName: CLUSTER };
    await createAcls(client, [
      { ...cluster, operation: Op.IDEMPOTENT_WRITE },
      // Once the cluster has an ACL, creating more needs an ALLOW of ALTER.
      { ...cluster, operation: Op.ALTER, permissionType: Perm.ALLOW },
    ]);
    // No ACL names topics yet: allow.everyone.if.no.acl.found lets it WRITE some topic.
    assert.equal((await idempotentInit(client)).errorCode, 0);

    // An ALLOW for someone else covers every topic starting with "h", so none of them is open.
    const topicWrite = {
      resourceType: ResourceType.TOPIC,
      operation: Op.WRITE,
      permissionType: Perm.ALLOW,
    };
    await createAcls(client, [
      {
        ...topicWrite,
        resourceName: 'h',
        resourcePatternType: PatternType.PREFIXED,
        principal: 'User:alice',
      },
    ]);
    const refused = await idempotentInit(client);
    assert.deepEqual([refused.errorCode, refused.producerId], [CLUSTER_DENIED, -1n]);

    await createAcls(client, [
      { ...topicWrite, resourceName: 'orders', principal: 'User:ANONYMOUS' },
    ]);
    assert.equal((await idempotentInit(client)).errorCode, 0, 'WRITE on "orders"');

    await createAcls(client, [
      {
        resourceType: ResourceType.TOPIC,
        resourceName: 'ord',
        resourcePatternType: PatternType.PREFIXED,
        operation: Op.WRITE,
      },
    ]);
    assert.equal(
      (await idempotentInit(client)).errorCode,
      CLUSTER_DENIED,
      'the prefixed DENY covers it',
    );

    await createAcls(client, [
      {
        ...cluster,
        operation: Op.IDEMPOTENT_WRITE,
        principal: 'User:ANONYMOUS',
        permissionType: Perm.ALLOW,
      },
    ]);
    assert.equal(
      (await idempotentInit(client)).errorCode,
      CLUSTER_DENIED,
      'a DENY wins over an ALLOW of the same operation',
    );
  }, AUTHORIZER);
});

test('ListGroups hides groups the principal may not DESCRIBE unless it may DESCRIBE the cluster; AddPartitionsToTxn v4 needs CLUSTER_ACTION', async () => {
  await withBroker(async (client) => {
    await createTopics(client, ['open']);
    await client.send(Apis.FindCoordinator, 3, { key: 'open-group' });
    for (const groupId of ['open-group', 'denied-group', 'alice-group'])
      assert.deepEqual(byTopic((await simpleCommit(client, groupId, ['open'])).topics), [
        ['open', [0, 0]],
      ]);
    await createAcls(client, deniedAndAliceOnly(ResourceType.GROUP, 'group'));
    const listed = async () =>
      (await client.send(Apis.ListGroups, 5, {})).groups.map((g) => g.groupId).sort();
    assert.deepEqual(
      await listed(),
      ['alice-group', 'denied-group', 'open-group'],
      'DESCRIBE on the cluster (no ACL names it) shows every group',
    );

    const verify = () =>
      client.send(Apis.AddPartitionsToTxn, 4, {
        transactions: [
          {
            transactionalId: 'open-tx',
            producerId: 1n,
            producerEpoch: 0,
            verifyOnly: true,
            topics: [{ name: 'open', partitions: [0] }],
          },
        ],
      });
    assert.equal((await verify()).errorCode, 0);

    const cluster = { resourceType: ResourceType.CLUSTER, resourceName: CLUSTER };
    await createAcls(client, [
      { ...cluster, operation: Op.DESCRIBE },
      { ...cluster, operation: Op.CLUSTER_ACTION },
    ]);
    assert.deepEqual(await listed(), ['open-group']);
    const refused = await verify();
    assert.deepEqual([refused.errorCode, refused.resultsByTransaction], [CLUSTER_DENIED, []]);
  }, AUTHORIZER);
});

test('without an authorizer nothing is checked', async () => {
  await withBroker(async (client) => {
    const acls = await client.send(Apis.CreateAcls, 3, {
      creations: [
        {
          resourceType: ResourceType.GROUP,
          resourceName: 'denied-group',
          resourcePatternType: PatternType.LITERAL,
          principal: 'User:*',
          host: '*',
          operation: Op.ALL,
          permissionType: Perm.DENY,
        },
      ],
    });
    assert.equal(acls.results[0]?.errorCode, code.SECURITY_DISABLED.code);
    await createTopics(client, ['open', 'secret']);
    assert.equal(
      (await client.send(Apis.FindCoordinator, 3, { key: 'denied-group' })).errorCode,
      0,
    );
    assert.deepEqual(byTopic((await simpleCommit(client, 'denied-group', ['secret'])).topics), [
      ['secret', [0, 0]],
    ]);
    const fetched = await client.send(Apis.OffsetFetch, 9, {
      groups: [{ groupId: 'denied-group', memberId: null, memberEpoch: -1, topics: null }],
    });
    assert.deepEqual(
      fetched.groups[0]?.topics.map((t) => t.name),
      ['secret'],
    );
    assert.deepEqual(
      (await client.send(Apis.ListGroups, 5, {})).groups.map((g) => g.groupId),
      ['denied-group'],
    );
    assert.equal((await consumerHeartbeat(client, 'consumers', ['secret'])).errorCode, 0);
    assert.equal((await idempotentInit(client)).errorCode, 0);
    assert.equal(
      (await client.send(Apis.FindCoordinator, 3, { key: 'denied-tx', keyType: 1 })).errorCode,
      0,
    );
    const producer = await initProducer(client, 'denied-tx');
    assert.equal(producer.errorCode, 0);
    const added = await client.send(Apis.AddPartitionsToTxn, 3, {
      v3AndBelowTransactionalId: 'denied-tx',
      v3AndBelowProducerId: producer.producerId,
      v3AndBelowProducerEpoch: producer.producerEpoch,
      v3AndBelowTopics: [{ name: 'secret', partitions: [0] }],
    });
    assert.equal(added.resultsByTopicV3AndBelow[0]?.resultsByPartition[0]?.partitionErrorCode, 0);
    const described = await client.send(Apis.DescribeTransactions, 0, {
      transactionalIds: ['denied-tx'],
    });
    assert.equal(described.transactionStates[0]?.errorCode, 0);
    const listed = await client.send(Apis.ListTransactions, 1, {
      stateFilters: [],
      producerIdFilters: [],
      durationFilter: -1n,
    });
    assert.deepEqual(
      listed.transactionStates.map((t) => t.transactionalId),
      ['denied-tx'],
    );
  }, BROKER);
});
