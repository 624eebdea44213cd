// GROUP config resources through the wire: DescribeConfigs for any group id, IncrementalAlterConfigs
// that the KIP-848 coordinator then applies (the heartbeat interval it hands members), persistence
// across a restart, validateOnly, and the ACL check on the group.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/errors/kafka-error.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import { startBroker } from '../../support/broker.js';
import { withBroker } from './support.js';
import { WireClient } from './wire-client.js';

const GROUP = 32;
const SET = 0;

async function describeGroup(client: WireClient, groupId: string) {
  const res = await client.send(Apis.DescribeConfigs, 4, {
    resources: [{ resourceType: GROUP, resourceName: groupId, configurationKeys: null }],
    includeSynonyms: false,
    includeDocumentation: false,
  });
  const [result] = res.results;
  assert.ok(result);
  return {
    errorCode: result.errorCode,
    values: Object.fromEntries(result.configs.map((c) => [c.name, [c.value, c.configSource]])),
  };
}

async function setGroup(
  client: WireClient,
  groupId: string,
  name: string,
  value: string,
  validateOnly = false,
) {
  const res = await client.send(Apis.IncrementalAlterConfigs, 1, {
    resources: [
      {
        resourceType: GROUP,
        resourceName: groupId,
        configs: [{ name, configOperation: SET, value }],
      },
    ],
    validateOnly,
  });
  return res.responses[0]!;
}

test('a group config set with IncrementalAlterConfigs is described, applied to members, and kept', async () => {
  const broker = await startBroker({
    overrides: {
      'offsets.topic.num.partitions': 1,
      'group.consumer.min.heartbeat.interval.ms': 1000,
    },
  });
  let client = await WireClient.connect(broker.port);
  try {
    assert.deepEqual(await describeGroup(client, 'not-there-yet'), {
      errorCode: 0,
      values: {
        'consumer.heartbeat.interval.ms': ['5000', 5],
        'consumer.session.timeout.ms': ['45000', 5],
      },
    });
    const dryRun = await setGroup(client, 'orders', 'consumer.heartbeat.interval.ms', '2000', true);
    assert.equal(dryRun.errorCode, 0);
    assert.equal(
      (await describeGroup(client, 'orders')).values['consumer.heartbeat.interval.ms']![0],
      '5000',
    );
    assert.equal(
      (await setGroup(client, 'orders', 'consumer.heartbeat.interval.ms', '2000')).errorCode,
      0,
    );
    const bad = await setGroup(client, 'orders', 'consumer.session.timeout.ms', '1000');
    assert.deepEqual(
      [bad.errorCode, bad.errorMessage],
      [
        ErrorCodes.INVALID_CONFIG.code,
        'consumer.session.timeout.ms must be greater than or equal to group.consumer.min.session.timeout.ms',
      ],
    );

    const found = await client.send(Apis.FindCoordinator, 4, {
      keyType: 0,
      coordinatorKeys: ['orders'],
    });
    assert.equal(found.coordinators[0]?.errorCode, 0);
    const join = () =>
      client.send(Apis.ConsumerGroupHeartbeat, 0, {
        groupId: 'orders',
        memberId: 'member-1',
        memberEpoch: 0,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: 30_000,
        subscribedTopicNames: [],
        serverAssignor: null,
        topicPartitions: [],
      });
    const joined = await join();
    assert.equal(joined.errorCode, 0);
    assert.equal(joined.heartbeatIntervalMs, 2000, 'the group config, not the broker default');

    client.close();
    await broker.stop({ keepData: true });
    const again = await startBroker({
      overrides: {
        'offsets.topic.num.partitions': 1,
        'group.consumer.min.heartbeat.interval.ms': 1000,
      },
      dataDir: broker.dataDir,
    });
    client = await WireClient.connect(again.port);
    try {
      assert.deepEqual(
        (await describeGroup(client, 'orders')).values['consumer.heartbeat.interval.ms'],
        ['2000', 8],
      );
    } finally {
      client.close();
      await again.stop();
    }
  } finally {
    client.close();
    await broker.stop().catch(() => undefined);
  }
});

test('group configs need DESCRIBE_CONFIGS / ALTER_CONFIGS on the group', async () => {
  await withBroker(
    async (client) => {
      const created = await client.send(Apis.CreateAcls, 3, {
        creations: [
          {
            resourceType: 3,
            resourceName: 'locked',
            resourcePatternType: 3,
            principal: 'User:*',
            host: '*',
            operation: 2,
            permissionType: 2,
          },
        ],
      });
      assert.equal(created.results[0]?.errorCode, 0);
      assert.equal(
        (await describeGroup(client, 'locked')).errorCode,
        ErrorCodes.GROUP_AUTHORIZATION_FAILED.code,
      );
      assert.equal(
        (await setGroup(client, 'locked', 'consumer.session.timeout.ms', '50000')).errorCode,
        ErrorCodes.GROUP_AUTHORIZATION_FAILED.code,
      );
      assert.equal(
        (await setGroup(client, 'open', 'consumer.session.timeout.ms', '50000')).errorCode,
        0,
      );
    },
    {
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'allow.everyone.if.no.acl.found': true,
    },
  );
});
