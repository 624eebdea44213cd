import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { LocalMetadataStore } from '../../src/metadata/local-metadata-store.js';
import { validateTopicName } from '../../src/metadata/topic-name.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'samsa-meta-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('topics survive a reopen with the same ids, configs and cluster id', async () => {
  const store = LocalMetadataStore.open([dir], 1);
  const orders = await store.createTopic({
    name: 'orders',
    partitions: 3,
    configs: { 'cleanup.policy': 'compact' },
  });
  assert.equal(orders.topicId.length, 22);
  await store.setPartitionCount('orders', 6);
  await store.createTopic({ name: 'gone', partitions: 1, configs: {} });
  await store.deleteTopic('gone');
  const reopened = LocalMetadataStore.open([dir], 1);
  assert.equal(reopened.clusterId, store.clusterId);
  assert.deepEqual(reopened.topics(), [{ ...orders, partitions: 6 }]);
  assert.equal(reopened.topicById(orders.topicId)?.name, 'orders');
  assert.match(
    readFileSync(join(dir, 'meta.properties'), 'utf8'),
    new RegExp(`cluster.id=${store.clusterId}\nnode.id=1`),
  );
});

test('a log dir of another node or cluster is refused', () => {
  LocalMetadataStore.open([dir], 1);
  assert.throws(() => LocalMetadataStore.open([dir], 2), /belongs to node.id 1, not 2/);
  const other = mkdtempSync(join(tmpdir(), 'samsa-meta-'));
  try {
    writeFileSync(
      join(other, 'meta.properties'),
      'version=1\ncluster.id=someOtherClusterIdAAA\nnode.id=1\n',
    );
    assert.throws(() => LocalMetadataStore.open([dir, other], 1), /belongs to cluster/);
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});

test('duplicate, colliding and unknown topics get Kafka errors', async () => {
  const store = LocalMetadataStore.open([dir], 1);
  await store.createTopic({ name: 'a.b', partitions: 1, configs: {} });
  await assert.rejects(store.createTopic({ name: 'a.b', partitions: 1, configs: {} }), {
    errorName: 'TOPIC_ALREADY_EXISTS',
  });
  await assert.rejects(store.createTopic({ name: 'a_b', partitions: 1, configs: {} }), {
    errorName: 'INVALID_TOPIC_EXCEPTION',
  });
  await assert.rejects(store.deleteTopic('nope'), { errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
});

test('topic names follow Kafka rules', () => {
  for (const bad of ['', '.', '..', 'a'.repeat(250), 'has space', 'ünï']) {
    assert.throws(
      () => validateTopicName(bad),
      { errorName: 'INVALID_TOPIC_EXCEPTION' },
      JSON.stringify(bad),
    );
  }
  for (const good of ['a', 'orders-v1', 'Orders_2.x', 'a'.repeat(249)]) validateTopicName(good);
});

test('dynamic broker configs survive a reopen', async () => {
  const store = LocalMetadataStore.open([dir], 1);
  await store.setBrokerConfigs('', { 'log.retention.ms': '1000' });
  await store.setBrokerConfigs('1', { 'log.cleaner.threads': '2' });
  const reopened = LocalMetadataStore.open([dir], 1);
  assert.deepEqual(reopened.brokerConfigs(''), { 'log.retention.ms': '1000' });
  assert.deepEqual(reopened.brokerConfigs('1'), { 'log.cleaner.threads': '2' });
  assert.deepEqual(reopened.brokerConfigs('7'), {});
});

test('topic listeners hear creations, deletions and new partitions, not config changes', async () => {
  const store = LocalMetadataStore.open([dir], 1);
  const heard: string[] = [];
  const stop = store.onTopicsChanged(() =>
    heard.push(
      store
        .topics()
        .map((t) => `${t.name}:${t.partitions}`)
        .join(','),
    ),
  );
  await store.createTopic({ name: 'a', partitions: 1, configs: {} });
  await store.setPartitionCount('a', 2);
  await store.setTopicConfigs('a', { 'retention.ms': '1' });
  await store.deleteTopic('a');
  stop();
  await store.createTopic({ name: 'b', partitions: 1, configs: {} });
  assert.deepEqual(heard, ['a:1', 'a:2', '']);
});
