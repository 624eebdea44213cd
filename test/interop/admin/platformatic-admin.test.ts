// @platformatic/kafka 1.x's Admin client against a real in-process broker, on the flexible
// versions it uses: CreateTopics v7, DeleteTopics v6, CreatePartitions v3, DescribeConfigs v4,
// AlterConfigs v2, IncrementalAlterConfigs v1; DescribeCluster v0/v1 (which its Admin class does
// not expose) through its own API functions on one of its Connections. Each test starts its own
// broker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Admin,
  ConfigResourceTypes,
  ConfigSources,
  Connection,
  IncrementalAlterConfigOperationTypes,
  describeClusterV0,
  describeClusterV1,
} from '@platformatic/kafka';
import { startBroker, type TestBroker } from '../../support/broker.js';

async function withAdmin(fn: (admin: Admin, broker: TestBroker) => Promise<void>): Promise<void> {
  const broker = await startBroker();
  const admin = new Admin({
    clientId: 'platformatic-admin-test',
    bootstrapBrokers: [broker.bootstrap],
    timeout: 5000,
    retries: 0,
  });
  try {
    await fn(admin, broker);
  } finally {
    await admin.close();
    await broker.stop();
  }
}

/** The Kafka error names (apiId) inside a @platformatic/kafka error, depth first. */
function errorIds(err: unknown): string[] {
  const e = err as { apiId?: string; errors?: unknown[]; message?: string };
  if (e.apiId !== undefined) return [e.apiId];
  if (e.errors !== undefined) return e.errors.flatMap(errorIds);
  return [`not a Kafka error: ${String(e.message)}`];
}

async function rejectsWith(promise: Promise<unknown>, ids: string[]): Promise<void> {
  await assert.rejects(promise, (err) => {
    assert.deepEqual(errorIds(err), ids);
    return true;
  });
}

test('@platformatic/kafka creates topics (v7: id, partitions, configs) and gets Kafka errors', async () => {
  await withAdmin(async (admin) => {
    const created = await admin.createTopics({
      topics: ['events'],
      partitions: 3,
      configs: [{ name: 'cleanup.policy', value: 'compact' }],
    });
    assert.equal(created.length, 1);
    const [events] = created;
    assert.deepEqual([events?.name, events?.partitions, events?.replicas], ['events', 3, 1]);
    assert.match(events!.id, /^[0-9a-f-]{36}$/);
    assert.equal(events!.configuration['cleanup.policy'], 'compact');
    assert.equal(events!.configuration['retention.ms'], '604800000');
    const defaults = await admin.createTopics({ topics: ['defaults'] });
    assert.equal(defaults[0]?.partitions, 1, 'num.partitions when the client sends -1');
    assert.deepEqual(await admin.listTopics(), ['defaults', 'events']);

    await rejectsWith(admin.createTopics({ topics: ['events'] }), ['TOPIC_ALREADY_EXISTS']);
    await rejectsWith(
      admin.createTopics({ topics: ['bad-config'], configs: [{ name: 'nope', value: '1' }] }),
      ['INVALID_CONFIG'],
    );
    await rejectsWith(
      admin.createTopics({
        topics: ['bad-value'],
        configs: [{ name: 'retention.ms', value: 'forever' }],
      }),
      ['INVALID_CONFIG'],
    );
    await rejectsWith(admin.createTopics({ topics: ['zero'], partitions: 0 }), [
      'INVALID_PARTITIONS',
    ]);
    await rejectsWith(admin.createTopics({ topics: ['replicated'], replicas: 2 }), [
      'INVALID_REPLICATION_FACTOR',
    ]);
  });
});

test('@platformatic/kafka describes configs (v4) with synonyms and documentation', async () => {
  await withAdmin(async (admin, broker) => {
    await admin.createTopics({
      topics: ['described'],
      configs: [{ name: 'cleanup.policy', value: 'compact' }],
    });
    const [topic] = await admin.describeConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: 'described',
          configurationKeys: ['cleanup.policy', 'retention.ms'],
        },
      ],
      includeSynonyms: true,
      includeDocumentation: true,
    });
    const byName = new Map(topic!.configs.map((c) => [c.name, c]));
    const policy = byName.get('cleanup.policy')!;
    const retention = byName.get('retention.ms')!;
    assert.deepEqual(
      [policy.value, policy.configSource, retention.value, retention.configSource],
      ['compact', ConfigSources.TOPIC_CONFIG, '604800000', ConfigSources.DEFAULT_CONFIG],
    );
    assert.deepEqual(
      policy.synonyms.map((s) => [s.name, s.source]),
      [
        ['cleanup.policy', ConfigSources.TOPIC_CONFIG],
        ['log.cleanup.policy', ConfigSources.DEFAULT_CONFIG],
      ],
    );
    assert.ok((policy.documentation ?? '').length > 0);

    const nodeId = String(broker.broker.config.nodeId);
    const [brokerConfigs] = await admin.describeConfigs({
      resources: [{ resourceType: ConfigResourceTypes.BROKER, resourceName: nodeId }],
    });
    assert.ok(brokerConfigs!.configs.length > 100, 'every broker config');
    const dirs = brokerConfigs!.configs.find((c) => c.name === 'log.dirs');
    assert.deepEqual(
      [dirs?.value, dirs?.configSource],
      [broker.dataDir, ConfigSources.STATIC_BROKER_CONFIG],
    );

    await rejectsWith(
      admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: 'absent' }],
      }),
      ['UNKNOWN_TOPIC_OR_PARTITION'],
    );
  });
});

test('@platformatic/kafka alters topic configs: AlterConfigs v2 and IncrementalAlterConfigs v1', async () => {
  await withAdmin(async (admin, broker) => {
    await admin.createTopics({ topics: ['tuned'] });
    const describe = async () => {
      const [result] = await admin.describeConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: 'tuned',
            configurationKeys: ['cleanup.policy', 'retention.ms'],
          },
        ],
      });
      return Object.fromEntries(result!.configs.map((c) => [c.name, c.value]));
    };
    await admin.alterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: 'tuned',
          configs: [{ name: 'retention.ms', value: '60000' }],
        },
      ],
    });
    assert.deepEqual(await describe(), { 'cleanup.policy': 'delete', 'retention.ms': '60000' });

    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: 'tuned',
          configs: [
            {
              name: 'cleanup.policy',
              configOperation: IncrementalAlterConfigOperationTypes.APPEND,
              value: 'compact',
            },
            { name: 'retention.ms', configOperation: IncrementalAlterConfigOperationTypes.DELETE },
          ],
        },
      ],
    });
    assert.deepEqual(await describe(), {
      'cleanup.policy': 'delete,compact',
      'retention.ms': '604800000',
    });

    await rejectsWith(
      admin.incrementalAlterConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: 'tuned',
            configs: [
              {
                name: 'retention.ms',
                configOperation: IncrementalAlterConfigOperationTypes.SET,
                value: '-5',
              },
            ],
          },
        ],
        validateOnly: true,
      }),
      ['INVALID_CONFIG'],
    );
    await rejectsWith(
      admin.incrementalAlterConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: 'missing',
            configs: [
              {
                name: 'retention.ms',
                configOperation: IncrementalAlterConfigOperationTypes.SET,
                value: '1',
              },
            ],
          },
        ],
      }),
      ['UNKNOWN_TOPIC_OR_PARTITION'],
    );
    // Dynamic broker configs are stored and described with their dynamic source.
    const nodeId = String(broker.broker.config.nodeId);
    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.BROKER,
          resourceName: nodeId,
          configs: [
            {
              name: 'log.cleaner.threads',
              configOperation: IncrementalAlterConfigOperationTypes.SET,
              value: '2',
            },
          ],
        },
      ],
    });
    const [described] = await admin.describeConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.BROKER,
          resourceName: nodeId,
          configurationKeys: ['log.cleaner.threads'],
        },
      ],
    });
    const entry = described!.configs[0];
    assert.deepEqual(
      [entry?.name, entry?.value, entry?.configSource],
      ['log.cleaner.threads', '2', ConfigSources.DYNAMIC_BROKER_CONFIG],
    );
  });
});

test('@platformatic/kafka adds partitions (v3); the same count or fewer is INVALID_PARTITIONS', async () => {
  await withAdmin(async (admin) => {
    await admin.createTopics({ topics: ['wide'], partitions: 2 });
    const partitions = async () => {
      const metadata = await admin.metadata({ topics: ['wide'], forceUpdate: true });
      return metadata.topics.get('wide')?.partitionsCount;
    };
    await admin.createPartitions({ topics: [{ name: 'wide', count: 6 }], validateOnly: true });
    assert.equal(await partitions(), 2, 'validateOnly adds nothing');
    await admin.createPartitions({ topics: [{ name: 'wide', count: 4 }] });
    assert.equal(await partitions(), 4);
    await rejectsWith(admin.createPartitions({ topics: [{ name: 'wide', count: 4 }] }), [
      'INVALID_PARTITIONS',
    ]);
    await rejectsWith(admin.createPartitions({ topics: [{ name: 'wide', count: 1 }] }), [
      'INVALID_PARTITIONS',
    ]);
    await rejectsWith(admin.createPartitions({ topics: [{ name: 'nothing', count: 3 }] }), [
      'UNKNOWN_TOPIC_OR_PARTITION',
    ]);
  });
});

test('@platformatic/kafka deletes topics (v6); an unknown topic is UNKNOWN_TOPIC_OR_PARTITION', async () => {
  await withAdmin(async (admin) => {
    await admin.createTopics({ topics: ['temporary', 'permanent'] });
    await admin.deleteTopics({ topics: ['temporary'] });
    assert.deepEqual(await admin.listTopics(), ['permanent']);
    await rejectsWith(admin.deleteTopics({ topics: ['temporary'] }), [
      'UNKNOWN_TOPIC_OR_PARTITION',
    ]);
  });
});

test('@platformatic/kafka DescribeCluster v0 and v1: this broker, controller, authorized operations', async () => {
  const broker = await startBroker();
  const connection = new Connection('platformatic-describe-cluster');
  try {
    await connection.connect('127.0.0.1', broker.port);
    const nodeId = broker.broker.config.nodeId;
    const v0 = await describeClusterV0.api.async(connection, false, 1);
    const v1 = await describeClusterV1.api.async(connection, true, 1);
    const controllers = await describeClusterV1.api.async(connection, false, 2);
    for (const res of [v0, v1, controllers]) {
      assert.equal(res.clusterId, broker.broker.clusterId);
      assert.equal(res.controllerId, nodeId);
      assert.deepEqual(res.brokers, [
        { brokerId: nodeId, host: '127.0.0.1', port: broker.port, rack: null },
      ]);
    }
    assert.equal(v0.clusterAuthorizedOperations, -2147483648, 'not asked for');
    assert.ok(v1.clusterAuthorizedOperations > 0);
    assert.equal(controllers.endpointType, 2);
  } finally {
    await connection.close();
    await broker.stop();
  }
});
