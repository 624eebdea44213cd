// A broker restarted on its data dir (in-process: stop({ keepData }) then startBroker({ dataDir }))
// keeps everything real clients wrote: records, offsets, timestamps (lookups by time still work),
// topic ids and partition counts; and offsets continue where they stopped. Each test starts its
// own broker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBroker, type TestBroker } from '../../support/broker.js';
import {
  recentTimestamp,
  richRecords,
  shownExpected,
  shownFetched,
  type TestRecord,
} from '../../support/interop-records.js';
import {
  createTopic,
  kafkajsClient,
  kafkajsProduce,
  withoutNullHeaders,
} from '../../support/kafkajs-client.js';
import { kcat, kcatConsume, shownKcat, shownKcatExpected } from '../../support/kcat.js';
import { platformaticFetchAll, unjoinedConsumer } from '../../support/platformatic-fetch.js';
import { pythonProduce } from '../../support/python-client.js';

async function topicId(bootstrap: string, topic: string): Promise<string | undefined> {
  const consumer = unjoinedConsumer(bootstrap);
  try {
    return (await consumer.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)?.id;
  } finally {
    await consumer.close(true);
  }
}

test('a restarted broker keeps records, offsets, timestamps and topic ids; offsets continue', async () => {
  let broker: TestBroker | undefined = await startBroker();
  try {
    const topic = 'survives-restart';
    await createTopic(broker.bootstrap, topic, { partitions: 2 });
    const base = recentTimestamp();
    const p0 = withoutNullHeaders(richRecords('before-restart', base));
    assert.equal(await kafkajsProduce(broker.bootstrap, topic, p0.slice(0, 4)), 0n);
    assert.equal(await kafkajsProduce(broker.bootstrap, topic, p0.slice(4)), 4n);
    const p1 = richRecords('python-before', base + 100).map((r) => ({ ...r, partition: 1 }));
    const produced = await pythonProduce(broker.bootstrap, topic, p1, { 'linger.ms': 50 });
    assert.deepEqual(produced.failed, []);
    const id = await topicId(broker.bootstrap, topic);
    assert.ok(id !== undefined);

    const { dataDir } = broker;
    await broker.stop({ keepData: true });
    broker = undefined;
    broker = await startBroker({ dataDir });

    assert.equal(await topicId(broker.bootstrap, topic), id, 'the topic id survives');
    assert.deepEqual(
      shownKcat(await kcatConsume(broker.bootstrap, topic, { partition: 0 })),
      shownKcatExpected(p0, 0n),
    );
    assert.deepEqual(
      shownFetched((await platformaticFetchAll(broker.bootstrap, topic, { partition: 1 })).records),
      shownExpected(p1, 0n),
    );

    // Appends continue at the next offset on both partitions.
    const more: TestRecord[] = [
      {
        key: Buffer.from('after'),
        value: Buffer.from('restart'),
        headers: [],
        timestamp: base + 5000,
      },
    ];
    assert.equal(await kafkajsProduce(broker.bootstrap, topic, more), BigInt(p0.length));
    await kcat(broker.bootstrap, ['-P', '-t', topic, '-p', '1', '-K', ':'], { input: 'k:v\n' });
    const tail1 = await kcatConsume(broker.bootstrap, topic, {
      partition: 1,
      offset: String(p1.length),
    });
    assert.deepEqual(
      tail1.map((r) => [String(r.offset), r.key?.toString(), r.value?.toString()]),
      [[String(p1.length), 'k', 'v']],
    );

    const admin = kafkajsClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      assert.deepEqual(
        (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.low, p.high]),
        [
          [0, '0', String(p0.length + 1)],
          [1, '0', String(p1.length + 1)],
        ],
      );
      // The time index came back too: lookups land on the same records as before.
      const at = async (ts: number) =>
        (await admin.fetchTopicOffsetsByTimestamp(topic, ts)).map((p) => [p.partition, p.offset]);
      assert.deepEqual(await at(base + 3 * 7), [
        [0, '3'],
        [1, '0'],
      ]);
      assert.deepEqual(await at(base + 4000), [
        [0, String(p0.length)],
        [1, String(p1.length)],
      ]);
    } finally {
      await admin.disconnect();
    }
  } finally {
    await broker?.stop();
  }
});
