// KafkaJS 2.2.4's Admin client against a real in-process broker: CreateTopics v3, DeleteTopics v1,
// CreatePartitions v1, DescribeConfigs v2 and AlterConfigs v1 (it has no IncrementalAlterConfigs;
// its describeCluster and fetchTopicMetadata read Metadata). Each test starts its own broker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { startBroker, type TestBroker } from '../../support/broker.js';

// kafkajs's ConfigResourceTypes and ConfigSource enums are not visible to ESM named imports.
const ConfigResourceTypes = { TOPIC: 2, BROKER: 4 } as const;
const ConfigSource = { TOPIC_CONFIG: 1, DEFAULT_CONFIG: 5 } as const;

async function withAdmin(fn: (admin: Admin, broker: TestBroker) => Promise<void>): Promise<void> {
  const broker = await startBroker();
  const kafka = new Kafka({
    clientId: 'kafkajs-admin-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    // Fail fast: a retriable error (UNKNOWN_TOPIC_OR_PARTITION) would otherwise be retried for seconds.
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await fn(admin, broker);
  } finally {
    await admin.disconnect();
    await broker.stop();
  }
}

/** The Kafka error type behind a KafkaJS error (retry wrappers keep it in `cause`). */
function errorTypes(err: unknown): string[] {
  const e = err as { type?: string; cause?: unknown; errors?: unknown[]; name?: string };
  if (e.errors !== undefined) return e.errors.flatMap(errorTypes);
  if (e.type !== undefined) return [e.type];
  if (e.cause !== undefined) return errorTypes(e.cause);
  return [String(e.name)];
}

async function rejectsWith(promise: Promise<unknown>, types: string[]): Promise<void> {
  await assert.rejects(promise, (err) => {
    assert.deepEqual(errorTypes(err), types);
    return true;
  });
}

test('KafkaJS creates topics (configs, validateOnly) and gets Kafka errors for bad ones', async () => {
  await withAdmin(async (admin) => {
    assert.equal(
      await admin.createTopics({
        topics: [
          { topic: 'orders', numPartitions: 3 },
          { topic: 'compacted', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        ],
      }),
      true,
    );
    assert.equal(
      // waitForLeaders would look for the topic validateOnly did not create.
      await admin.createTopics({
        topics: [{ topic: 'dry-run', numPartitions: 2 }],
        validateOnly: true,
        waitForLeaders: false,
      }),
      true,
    );
    assert.deepEqual((await admin.listTopics()).sort(), ['compacted', 'orders']);
    // KafkaJS answers false when every topic already exists.
    assert.equal(await admin.createTopics({ topics: [{ topic: 'orders' }] }), false);
    await rejectsWith(
      admin.createTopics({
        topics: [{ topic: 'bad-config', configEntries: [{ name: 'no.such.config', value: '1' }] }],
      }),
      ['INVALID_CONFIG'],
    );
    await rejectsWith(
      admin.createTopics({ topics: [{ topic: 'no-partitions', numPartitions: 0 }] }),
      ['INVALID_PARTITIONS'],
    );
    await rejectsWith(
      admin.createTopics({ topics: [{ topic: 'too-many-replicas', replicationFactor: 3 }] }),
      ['INVALID_REPLICATION_FACTOR'],
    );
    await rejectsWith(admin.createTopics({ topics: [{ topic: 'bad/name' }] }), [
      'INVALID_TOPIC_EXCEPTION',
    ]);
    const metadata = await admin.fetchTopicMetadata({ topics: ['orders'] });
    assert.deepEqual(
      metadata.topics.map((t) => [t.name, t.partitions.length]),
      [['orders', 3]],
    );
  });
});

test('KafkaJS describes topic and broker configs with Kafka values and sources', async () => {
  await withAdmin(async (admin, broker) => {
    await admin.createTopics({
      topics: [
        { topic: 'described', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    });
    const { resources } = await admin.describeConfigs({
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: 'described' },
        {
          type: ConfigResourceTypes.BROKER,
          name: String(broker.broker.config.nodeId),
          configNames: ['log.retention.hours', 'num.partitions'],
        },
      ],
      includeSynonyms: true,
    });
    const [topic, brokerConfigs] = resources;
    assert.equal(topic?.configEntries.length, 36);
    const entry = (name: string) => topic!.configEntries.find((c) => c.configName === name);
    assert.deepEqual(
      [entry('cleanup.policy')?.configValue, entry('cleanup.policy')?.configSource],
      ['compact', ConfigSource.TOPIC_CONFIG],
    );
    assert.deepEqual(
      [entry('retention.ms')?.configValue, entry('retention.ms')?.configSource],
      ['604800000', ConfigSource.DEFAULT_CONFIG],
    );
    assert.equal(entry('retention.ms')?.isDefault, true);
    assert.ok(
      entry('cleanup.policy')?.configSynonyms.some((s) => s.configName === 'log.cleanup.policy'),
    );
    assert.deepEqual(
      brokerConfigs?.configEntries.map((c) => [c.configName, c.configValue]).sort(),
      [
        ['log.retention.hours', '168'],
        ['num.partitions', '1'],
      ],
    );
    await rejectsWith(
      admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'nowhere' }],
        includeSynonyms: false,
      }),
      ['UNKNOWN_TOPIC_OR_PARTITION'],
    );
  });
});

test('KafkaJS alters topic and broker configs (AlterConfigs v1)', async () => {
  await withAdmin(async (admin, broker) => {
    await admin.createTopics({ topics: [{ topic: 'tuned' }] });
    await admin.alterConfigs({
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'tuned',
          configEntries: [{ name: 'retention.ms', value: '3600000' }],
        },
      ],
      validateOnly: false,
    });
    const { resources } = await admin.describeConfigs({
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: 'tuned', configNames: ['retention.ms'] },
      ],
      includeSynonyms: false,
    });
    assert.deepEqual(
      resources[0]?.configEntries.map((c) => [c.configName, c.configValue, c.configSource]),
      [['retention.ms', '3600000', ConfigSource.TOPIC_CONFIG]],
    );
    await rejectsWith(
      admin.alterConfigs({
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: 'tuned',
            configEntries: [{ name: 'retention.ms', value: 'soon' }],
          },
        ],
        validateOnly: false,
      }),
      ['INVALID_CONFIG'],
    );
    // Dynamic broker configs are stored and described with their dynamic source.
    const nodeId = String(broker.broker.config.nodeId);
    await admin.alterConfigs({
      resources: [
        {
          type: ConfigResourceTypes.BROKER,
          name: nodeId,
          configEntries: [{ name: 'log.cleaner.threads', value: '2' }],
        },
      ],
      validateOnly: false,
    });
    const { resources: brokerResources } = await admin.describeConfigs({
      resources: [
        { type: ConfigResourceTypes.BROKER, name: nodeId, configNames: ['log.cleaner.threads'] },
      ],
      includeSynonyms: false,
    });
    const entry = brokerResources[0]?.configEntries[0];
    assert.deepEqual(
      [entry?.configName, entry?.configValue, entry?.configSource],
      ['log.cleaner.threads', '2', 2],
    );
  });
});

test('KafkaJS adds partitions; a decrease is INVALID_PARTITIONS', async () => {
  await withAdmin(async (admin) => {
    await admin.createTopics({ topics: [{ topic: 'growing', numPartitions: 2 }] });
    await admin.createPartitions({
      topicPartitions: [{ topic: 'growing', count: 4 }],
      validateOnly: true,
    });
    await admin.createPartitions({ topicPartitions: [{ topic: 'growing', count: 5 }] });
    const metadata = await admin.fetchTopicMetadata({ topics: ['growing'] });
    assert.equal(metadata.topics[0]?.partitions.length, 5);
    await rejectsWith(
      admin.createPartitions({ topicPartitions: [{ topic: 'growing', count: 3 }] }),
      ['INVALID_PARTITIONS'],
    );
    await rejectsWith(
      admin.createPartitions({ topicPartitions: [{ topic: 'growing', count: 5 }] }),
      ['INVALID_PARTITIONS'],
    );
  });
});

test('KafkaJS deletes topics; an unknown topic is UNKNOWN_TOPIC_OR_PARTITION', async () => {
  await withAdmin(async (admin) => {
    await admin.createTopics({ topics: [{ topic: 'short-lived' }, { topic: 'kept' }] });
    await admin.deleteTopics({ topics: ['short-lived'] });
    assert.deepEqual(await admin.listTopics(), ['kept']);
    await rejectsWith(admin.deleteTopics({ topics: ['never-existed'] }), [
      'UNKNOWN_TOPIC_OR_PARTITION',
    ]);
  });
});

test('KafkaJS describes the cluster: this broker, its cluster id, it as controller', async () => {
  await withAdmin(async (admin, broker) => {
    const cluster = await admin.describeCluster();
    const nodeId = broker.broker.config.nodeId;
    assert.deepEqual(cluster, {
      brokers: [{ nodeId, host: '127.0.0.1', port: broker.port }],
      controller: nodeId,
      clusterId: broker.broker.clusterId,
    });
  });
});
