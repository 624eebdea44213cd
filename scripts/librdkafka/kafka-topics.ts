// A stand-in for Kafka's bin/kafka-topics.sh, the part librdkafka's suite calls through KAFKA_PATH
// (test_kafka_topics() in tests/test.c): --create with --partitions, --replication-factor and
// --config, --alter --partitions, --delete, each for one --topic, over the Admin API (KafkaJS) of
// the broker named by --bootstrap-server. interop/librdkafka/kafka/bin/kafka-topics.sh runs it.
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'bootstrap-server': { type: 'string' },
      create: { type: 'boolean', default: false },
      alter: { type: 'boolean', default: false },
      delete: { type: 'boolean', default: false },
      topic: { type: 'string' },
      partitions: { type: 'string' },
      'replication-factor': { type: 'string' },
      config: { type: 'string', multiple: true, default: [] },
    },
  });
  const bootstrap = values['bootstrap-server'];
  const topic = values.topic;
  if (bootstrap === undefined || topic === undefined)
    throw new Error('kafka-topics: --bootstrap-server and --topic are required');
  const admin = new Kafka({
    clientId: 'samsa-kafka-topics',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    requestTimeout: 30_000,
    retry: { retries: 2 },
  }).admin();
  await admin.connect();
  try {
    if (values.create) {
      const configEntries = values.config.map((kv) => {
        const eq = kv.indexOf('=');
        if (eq < 1) throw new Error(`kafka-topics: --config takes key=value, not "${kv}"`);
        return { name: kv.slice(0, eq), value: kv.slice(eq + 1) };
      });
      await admin.createTopics({
        topics: [
          {
            topic,
            numPartitions: Number(values.partitions ?? '1'),
            replicationFactor: Number(values['replication-factor'] ?? '1'),
            configEntries,
          },
        ],
      });
      console.log(`Created topic ${topic}.`);
    } else if (values.alter) {
      if (values.partitions === undefined)
        throw new Error('kafka-topics: --alter needs --partitions');
      await admin.createPartitions({
        topicPartitions: [{ topic, count: Number(values.partitions) }],
      });
      console.log(`Topic ${topic} now has ${values.partitions} partitions.`);
    } else if (values.delete) {
      await admin.deleteTopics({ topics: [topic] });
      console.log(`Deleted topic ${topic}.`);
    } else throw new Error('kafka-topics: one of --create, --alter or --delete is required');
  } finally {
    await admin.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
