// Metadata through four real clients against a real in-process broker: kcat -L (librdkafka,
// Metadata v4), KafkaJS admin.fetchTopicMetadata (v6), @platformatic/kafka metadata (v12) and
// Python confluent-kafka list_topics (v4). Each sees the one broker on its real port as
// controller, and a three-partition topic led by it; the clients that ask get topics
// auto-created. Each test starts its own broker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { startBroker, type TestBroker } from '../../support/broker.js';
import { kcat } from '../../support/kcat.js';
import { platformaticConnection, withTimeout } from '../../support/platformatic-fetch.js';
import { runPython } from '../../support/python-client.js';
import { createTopic, kafkajsClient } from '../../support/kafkajs-client.js';

async function withTopic(fn: (broker: TestBroker) => Promise<void>): Promise<void> {
  const broker = await startBroker();
  try {
    await createTopic(broker.bootstrap, 'orders', { partitions: 3 });
    await fn(broker);
  } finally {
    await broker.stop();
  }
}

test('kcat -L lists the broker as controller and every partition led by it', async () => {
  await withTopic(async (broker) => {
    const nodeId = broker.broker.config.nodeId;
    const { stdout } = await kcat(broker.bootstrap, ['-L']);
    const out = stdout.toString('utf8');
    assert.match(
      out,
      new RegExp(`broker ${nodeId} at 127\\.0\\.0\\.1:${broker.port} \\(controller\\)`),
    );
    assert.match(out, /topic "orders" with 3 partitions:/);
    for (let p = 0; p < 3; p++) {
      assert.match(
        out,
        new RegExp(`partition ${p}, leader ${nodeId}, replicas: ${nodeId}, isrs: ${nodeId}\\b`),
      );
    }
    const one = (await kcat(broker.bootstrap, ['-L', '-t', 'orders'])).stdout.toString('utf8');
    assert.match(one, /^ 1 topics:\n  topic "orders" with 3 partitions:$/m);
  });
});

test('KafkaJS admin.fetchTopicMetadata describes partitions, leaders and replicas', async () => {
  await withTopic(async (broker) => {
    const nodeId = broker.broker.config.nodeId;
    const admin = kafkajsClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: ['orders'] });
      assert.deepEqual(topics, [
        {
          name: 'orders',
          partitions: [0, 1, 2].map((partitionId) => ({
            partitionErrorCode: 0,
            partitionId,
            leader: nodeId,
            replicas: [nodeId],
            isr: [nodeId],
            offlineReplicas: [],
          })),
        },
      ]);
      const cluster = await admin.describeCluster();
      assert.deepEqual(cluster.brokers, [{ nodeId, host: '127.0.0.1', port: broker.port }]);
      assert.equal(cluster.controller, nodeId);
      assert.equal(cluster.clusterId, broker.broker.clusterId);
      assert.deepEqual(await admin.listTopics(), ['orders']);
    } finally {
      await admin.disconnect();
    }
  });
});

test('@platformatic/kafka metadata sees the topic id and partitions, and auto-creates', async () => {
  await withTopic(async (broker) => {
    const nodeId = broker.broker.config.nodeId;
    const admin = new Admin(platformaticConnection(broker.bootstrap));
    try {
      const metadata = await withTimeout(
        '@platformatic/kafka metadata',
        10_000,
        admin.metadata({ topics: ['orders', 'auto-created'], autocreateTopics: true }),
      );
      assert.equal(metadata.id, broker.broker.clusterId);
      assert.equal(metadata.controllerId, nodeId);
      assert.deepEqual(
        [...metadata.brokers].map(([id, b]) => [id, b.host, b.port]),
        [[nodeId, '127.0.0.1', broker.port]],
      );
      const orders = metadata.topics.get('orders');
      assert.equal(orders?.partitionsCount, 3);
      // @platformatic/kafka prints topic ids as UUIDs; a real topic's id is not all zeros.
      assert.match(orders.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.notEqual(orders.id, '00000000-0000-0000-0000-000000000000');
      assert.deepEqual(
        orders.partitions.map((p) => [p.leader, p.replicas, p.isr]),
        [0, 1, 2].map(() => [nodeId, [nodeId], [nodeId]]),
      );
      const auto = metadata.topics.get('auto-created');
      assert.equal(auto?.partitionsCount, broker.broker.config.get('num.partitions'));
      assert.deepEqual((await admin.listTopics()).sort(), ['auto-created', 'orders']);
    } finally {
      await admin.close();
    }
  });
});

test('confluent-kafka (Python) list_topics sees the cluster, and a producer auto-creates', async () => {
  await withTopic(async (broker) => {
    const nodeId = broker.broker.config.nodeId;
    const out = await runPython<{
      clusterId: string;
      controller: number;
      brokers: [number, string, number][];
      orders: [number, number, number[], number[], string | null][];
      auto: number;
      topics: string[];
    }>(
      `
from confluent_kafka.admin import AdminClient
admin = AdminClient({'bootstrap.servers': args['bootstrap']})
md = admin.list_topics(timeout=10)
orders = md.topics['orders']
producer = Producer({'bootstrap.servers': args['bootstrap']})
auto = producer.list_topics('auto-created', timeout=10).topics['auto-created']
finish({
    'clusterId': md.cluster_id, 'controller': md.controller_id,
    'brokers': [[b.id, b.host, b.port] for b in md.brokers.values()],
    'orders': sorted([p.id, p.leader, p.replicas, p.isrs, p.error and p.error.name()]
                     for p in orders.partitions.values()),
    'auto': len(auto.partitions) if auto.error is None else -1,
    'topics': sorted(admin.list_topics(timeout=10).topics),
})
`,
      { bootstrap: broker.bootstrap },
    );
    assert.equal(out.clusterId, broker.broker.clusterId);
    assert.equal(out.controller, nodeId);
    assert.deepEqual(out.brokers, [[nodeId, '127.0.0.1', broker.port]]);
    assert.deepEqual(
      out.orders,
      [0, 1, 2].map((p) => [p, nodeId, [nodeId], [nodeId], null]),
    );
    assert.equal(out.auto, broker.broker.config.get('num.partitions'));
    assert.deepEqual(out.topics, ['auto-created', 'orders']);
  });
});
