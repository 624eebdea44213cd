// Python confluent-kafka's AdminClient (Debian's python3-confluent-kafka, librdkafka 2.0.2) against
// a real in-process broker, run as a child process with a bounded timeout. librdkafka uses
// CreateTopics v4, DeleteTopics v1, CreatePartitions v0-1, DescribeConfigs v1, AlterConfigs v0 and
// Metadata v4 (its list_topics is what "describe cluster" means there: cluster id, controller,
// brokers). Each test starts its own broker. A missing python3-confluent-kafka fails the tests
// with an install hint; they never skip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker, type TestBroker } from '../../support/broker.js';
import { runChild } from '../../support/capture/client-capture.js';

const PYTHON = '/usr/bin/python3';
const TIMEOUT_MS = 20_000;

/** Helpers every script gets: an AdminClient on argv[1], futures resolved to "OK" or an error name. */
const PRELUDE = `
import json, sys
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic, NewPartitions, ConfigResource
admin = AdminClient({'bootstrap.servers': sys.argv[1]})
out = {}
def wait(futures, name=str):
    result = {}
    for key, future in futures.items():
        try:
            value = future.result(15)
            result[name(key)] = 'OK' if value is None else value
        except KafkaException as e:
            result[name(key)] = e.args[0].name()
    return result
def described(futures):
    result = {}
    for resource, future in futures.items():
        try:
            entries = future.result(15)
            result[resource.name] = {n: [e.value, int(e.source), bool(e.is_default)]
                                     for n, e in entries.items()}
        except KafkaException as e:
            result[resource.name] = e.args[0].name()
    return result
`;

async function python(
  broker: TestBroker,
  script: string,
): Promise<Record<string, Record<string, unknown>>> {
  let stdout: string;
  try {
    ({ stdout } = await runChild(
      PYTHON,
      ['-c', PRELUDE + script + '\nprint(json.dumps(out))', broker.bootstrap],
      {
        timeoutMs: TIMEOUT_MS,
      },
    ));
  } catch (err) {
    if (/No module named 'confluent_kafka'/.test(String(err))) {
      assert.fail(
        'python3-confluent-kafka is not installed: run bash scripts/install-test-deps.sh ' +
          '(apt-get install -y python3-confluent-kafka)',
      );
    }
    throw err;
  }
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, Record<string, unknown>>;
}

test('confluent-kafka (Python) creates topics: configs, validate_only, and Kafka errors', async () => {
  await withBroker(async (broker) => {
    const out = await python(
      broker,
      `
out['create'] = wait(admin.create_topics([
    NewTopic('orders', 3, 1),
    NewTopic('compacted', 1, 1, config={'cleanup.policy': 'compact'}),
    NewTopic('defaults', -1),
]))
out['dry'] = wait(admin.create_topics([NewTopic('dry-run', 2, 1)], validate_only=True))
out['errors'] = wait(admin.create_topics([
    NewTopic('orders', 3, 1),
    NewTopic('bad-config', 1, 1, config={'no.such.config': 'x'}),
    NewTopic('bad-value', 1, 1, config={'retention.ms': 'forever'}),
    NewTopic('zero', 0, 1),
    NewTopic('replicated', 1, 3),
]))
md = admin.list_topics(timeout=10)
out['topics'] = {name: len(t.partitions) for name, t in md.topics.items()}
out['cluster'] = {'id': md.cluster_id, 'controller': md.controller_id,
                  'brokers': [[b.id, b.host, b.port] for b in md.brokers.values()]}
`,
    );
    assert.deepEqual(out.create, { orders: 'OK', compacted: 'OK', defaults: 'OK' });
    assert.deepEqual(out.dry, { 'dry-run': 'OK' });
    assert.deepEqual(out.errors, {
      orders: 'TOPIC_ALREADY_EXISTS',
      'bad-config': 'INVALID_CONFIG',
      'bad-value': 'INVALID_CONFIG',
      zero: 'INVALID_PARTITIONS',
      replicated: 'INVALID_REPLICATION_FACTOR',
    });
    assert.deepEqual(out.topics, { orders: 3, compacted: 1, defaults: 1 });
    const nodeId = broker.broker.config.nodeId;
    assert.deepEqual(out.cluster, {
      id: broker.broker.clusterId,
      controller: nodeId,
      brokers: [[nodeId, '127.0.0.1', broker.port]],
    });
  });
});

test('confluent-kafka (Python) describes topic and broker configs with Kafka values and sources', async () => {
  await withBroker(async (broker) => {
    const nodeId = String(broker.broker.config.nodeId);
    const out = await python(
      broker,
      `
wait(admin.create_topics([NewTopic('described', 1, 1, config={'cleanup.policy': 'compact'})]))
out['configs'] = described(admin.describe_configs([
    ConfigResource('topic', 'described'),
    ConfigResource('broker', '${nodeId}'),
    ConfigResource('topic', 'absent'),
]))
`,
    );
    const topic = out.configs!.described as Record<string, [string, number, boolean]>;
    assert.equal(Object.keys(topic).length, 36);
    assert.deepEqual(topic['cleanup.policy'], ['compact', 1, false], 'DYNAMIC_TOPIC_CONFIG');
    assert.deepEqual(topic['retention.ms'], ['604800000', 5, true], 'DEFAULT_CONFIG');
    assert.deepEqual(topic['max.message.bytes'], ['1048588', 5, true]);
    const brokerConfigs = out.configs![nodeId] as Record<string, [string, number, boolean]>;
    assert.deepEqual(brokerConfigs['log.retention.hours'], ['168', 5, true]);
    assert.deepEqual(brokerConfigs['log.dirs'], [broker.dataDir, 4, false], 'STATIC_BROKER_CONFIG');
    assert.equal(out.configs!.absent, 'UNKNOWN_TOPIC_OR_PART');
  });
});

test('confluent-kafka (Python) alters topic and broker configs; bad values are refused', async () => {
  await withBroker(async (broker) => {
    const nodeId = String(broker.broker.config.nodeId);
    const out = await python(
      broker,
      `
wait(admin.create_topics([NewTopic('tuned', 1, 1, config={'cleanup.policy': 'compact'})]))
name = lambda r: r.name
out['dry'] = wait(admin.alter_configs([ConfigResource('topic', 'tuned', set_config={'retention.ms': '1'})], validate_only=True), name)
out['alter'] = wait(admin.alter_configs([ConfigResource('topic', 'tuned', set_config={'retention.ms': '3600000'})]), name)
out['after'] = described(admin.describe_configs([ConfigResource('topic', 'tuned')]))['tuned']
out['errors'] = wait(admin.alter_configs([
    ConfigResource('topic', 'tuned', set_config={'retention.ms': 'soon'}),
    ConfigResource('topic', 'absent', set_config={'retention.ms': '1'}),
    ConfigResource('broker', '${nodeId}', set_config={'log.cleaner.threads': '2'}),
]), name)
`,
    );
    assert.deepEqual(out.dry, { tuned: 'OK' });
    assert.deepEqual(out.alter, { tuned: 'OK' });
    const after = out.after as Record<string, [string, number, boolean]>;
    assert.deepEqual(after['retention.ms'], ['3600000', 1, false]);
    // AlterConfigs replaces the whole override set: cleanup.policy is back to its default.
    assert.deepEqual(after['cleanup.policy'], ['delete', 5, true]);
    assert.deepEqual(out.errors, {
      tuned: 'INVALID_CONFIG',
      absent: 'UNKNOWN_TOPIC_OR_PART',
      [nodeId]: 'OK',
    });
  });
});

test('confluent-kafka (Python) adds partitions; a decrease is INVALID_PARTITIONS', async () => {
  await withBroker(async (broker) => {
    const out = await python(
      broker,
      `
wait(admin.create_topics([NewTopic('growing', 2, 1)]))
out['dry'] = wait(admin.create_partitions([NewPartitions('growing', 8)], validate_only=True))
out['grow'] = wait(admin.create_partitions([NewPartitions('growing', 5)]))
out['shrink'] = wait(admin.create_partitions([NewPartitions('growing', 3), NewPartitions('absent', 2)]))
out['count'] = {'growing': len(admin.list_topics('growing', timeout=10).topics['growing'].partitions)}
`,
    );
    assert.deepEqual(out.dry, { growing: 'OK' });
    assert.deepEqual(out.grow, { growing: 'OK' });
    assert.deepEqual(out.shrink, {
      growing: 'INVALID_PARTITIONS',
      absent: 'UNKNOWN_TOPIC_OR_PART',
    });
    assert.deepEqual(out.count, { growing: 5 });
  });
});

test('confluent-kafka (Python) deletes topics; an unknown topic is UNKNOWN_TOPIC_OR_PART', async () => {
  await withBroker(async (broker) => {
    const out = await python(
      broker,
      `
wait(admin.create_topics([NewTopic('doomed', 1, 1), NewTopic('kept', 1, 1)]))
out['delete'] = wait(admin.delete_topics(['doomed', 'never-existed']))
out['topics'] = {'left': sorted(admin.list_topics(timeout=10).topics)}
`,
    );
    assert.deepEqual(out.delete, { doomed: 'OK', 'never-existed': 'UNKNOWN_TOPIC_OR_PART' });
    assert.deepEqual(out.topics, { left: ['kept'] });
  });
});
