// Confluent's JavaScript client (@confluentinc/kafka-javascript 1.10.1, librdkafka 2.15.1, built
// in interop/clients) against a real in-process broker: a Producer with each of the five
// compression.type values sending the rich record set, read back byte for byte by kcat and by the
// client itself (assign(), no group) and stored with the codec asked for; metadata of a
// three-partition topic; explicit partitions and a read from an offset; and a classic-protocol
// consumer group that commits, leaves, and resumes from its committed offsets. Each test starts
// its own broker.
//
// The client's node-rdkafka API sends an empty key, value or header value as null, cannot send a
// null header value at all, and reads a null header value back as empty: the expectations below
// are what it actually sends (kcat shows what the broker stored) and returns.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker } from '../../support/broker.js';
import {
  confluentCommitted,
  confluentConsume,
  confluentGroupConsume,
  confluentMetadata,
  confluentProduce,
  confluentVersions,
  numberedRecords,
  type ConfluentRecord,
} from '../../support/confluent-client.js';
import {
  CODECS,
  CODEC_IDS,
  recentTimestamp,
  richRecords,
  shownExpected,
  shownFetched,
  type TestRecord,
} from '../../support/interop-records.js';
import { createTopic, withoutNullHeaders } from '../../support/kafkajs-client.js';
import { kcatConsume, shownKcat, shownKcatExpected } from '../../support/kcat.js';
import { codecProblems, storedBatches } from '../../support/log-batches.js';

/** `records` as the client puts them on the wire: empty keys, values and header values as null. */
function asSent(records: readonly TestRecord[]): TestRecord[] {
  const orNull = (b: Buffer | null): Buffer | null => (b !== null && b.length === 0 ? null : b);
  return records.map((r) => ({
    ...r,
    key: orNull(r.key),
    value: orNull(r.value),
    headers: r.headers.map(([k, v]) => [k, orNull(v)]),
  }));
}

/** What the client's consumer returns for `records`: it reads a null header value as empty. */
function asConsumed(records: readonly TestRecord[]): TestRecord[] {
  return records.map((r) => ({
    ...r,
    headers: r.headers.map(([k, v]) => [k, v ?? Buffer.alloc(0)]),
  }));
}

const byPartitionAndOffset = (a: ConfluentRecord, b: ConfluentRecord): number =>
  a.partition - b.partition || Number(a.offset - b.offset);

const keyValue = (r: ConfluentRecord): [number, string, string, string] => [
  r.partition,
  String(r.offset),
  r.key?.toString('utf8') ?? 'null',
  r.value?.toString('utf8') ?? 'null',
];

test('the Confluent client is 1.10.1 on librdkafka 2.15.1, built with every codec', async () => {
  const versions = await confluentVersions();
  assert.equal(versions.client, '1.10.1');
  assert.equal(versions.librdkafka, '2.15.1');
  for (const feature of ['gzip', 'snappy', 'lz4', 'zstd'])
    assert.ok(versions.features.includes(feature), `librdkafka built without ${feature}`);
});

for (const codec of CODECS) {
  test(`the Confluent client produces with compression.type=${codec}; kcat and the client read every byte back`, async () => {
    await withBroker(async (broker) => {
      const topic = `confluent-${codec}`;
      const records = withoutNullHeaders(richRecords(`confluent-${codec}`, recentTimestamp()));
      const produced = await confluentProduce(broker.bootstrap, topic, records, {
        'compression.type': codec,
        'linger.ms': 200,
      });
      assert.deepEqual(produced.failed, []);
      assert.deepEqual(
        produced.delivered,
        records.map((_, i) => [i, 0, i]),
      );

      const sent = asSent(records);
      const byKcat = await kcatConsume(broker.bootstrap, topic, { count: sent.length });
      assert.deepEqual(shownKcat(byKcat), shownKcatExpected(sent, 0n));

      const consumed = await confluentConsume(
        broker.bootstrap,
        [[topic, 0, 'beginning']],
        sent.length,
      );
      assert.deepEqual(consumed.errors, []);
      assert.deepEqual(shownFetched(consumed.records), shownExpected(asConsumed(sent), 0n));

      // Record 7 is 4 KiB of repeated text: its batch must be stored with the codec asked for.
      assert.deepEqual(
        codecProblems(storedBatches(broker.dataDir, topic), CODEC_IDS[codec], 7n),
        [],
      );
    });
  });
}

test('the Confluent client sees the broker and a three-partition topic led by it', async () => {
  await withBroker(async (broker) => {
    await createTopic(broker.bootstrap, 'orders', { partitions: 3 });
    const nodeId = broker.broker.config.nodeId;
    const metadata = await confluentMetadata(broker.bootstrap, 'orders');
    assert.equal(metadata.orig_broker_id, nodeId);
    assert.deepEqual(metadata.brokers, [{ id: nodeId, host: '127.0.0.1', port: broker.port }]);
    assert.deepEqual(metadata.topics, [
      {
        name: 'orders',
        partitions: [0, 1, 2].map((id) => ({
          id,
          leader: nodeId,
          replicas: [nodeId],
          isrs: [nodeId],
        })),
      },
    ]);
  });
});

test('the Confluent client writes to explicit partitions and reads one from an offset', async () => {
  await withBroker(async (broker) => {
    const topic = 'confluent-partitions';
    await createTopic(broker.bootstrap, topic, { partitions: 3 });
    const records = numberedRecords('p', 9).map((r, i) => ({ ...r, partition: i % 3 }));
    const produced = await confluentProduce(broker.bootstrap, topic, records);
    assert.deepEqual(produced.failed, []);
    assert.deepEqual(
      produced.delivered,
      records.map((_, i) => [i, i % 3, Math.floor(i / 3)]),
    );

    const consumed = await confluentConsume(broker.bootstrap, [[topic, 1, 1]], 2);
    assert.deepEqual(consumed.errors, []);
    assert.deepEqual(consumed.records.map(keyValue), [
      [1, '1', 'p-key-4', 'p-value-4'],
      [1, '2', 'p-key-7', 'p-value-7'],
    ]);
  });
});

for (const groupProtocol of ['classic', 'consumer'] as const) {
  test(`a Confluent consumer group with group.protocol=${groupProtocol} consumes, commits, leaves, and resumes where it left off`, async () => {
    // No 3 s wait for more members before the first rebalance: this group has one.
    const overrides = { 'group.initial.rebalance.delay.ms': 0 };
    await withBroker(
      async (broker) => {
        const topic = 'confluent-group';
        const groupId = `confluent-${groupProtocol}`;
        await createTopic(broker.bootstrap, topic, { partitions: 2 });
        const first = numberedRecords('a', 6).map((r, i) => ({ ...r, partition: i % 2 }));
        assert.deepEqual((await confluentProduce(broker.bootstrap, topic, first)).failed, []);

        const options = { groupId, topics: [topic], groupProtocol };
        const run1 = await confluentGroupConsume(broker.bootstrap, options, (r) => r.length >= 6);
        assert.deepEqual(run1.errors, []);
        assert.deepEqual(
          run1.events.flatMap((e) => (e.type === 'assigned' ? [e.partitions] : [])),
          [
            [
              [topic, 0],
              [topic, 1],
            ],
          ],
        );
        assert.deepEqual(run1.records.sort(byPartitionAndOffset).map(keyValue), [
          [0, '0', 'a-key-0', 'a-value-0'],
          [0, '1', 'a-key-2', 'a-value-2'],
          [0, '2', 'a-key-4', 'a-value-4'],
          [1, '0', 'a-key-1', 'a-value-1'],
          [1, '1', 'a-key-3', 'a-value-3'],
          [1, '2', 'a-key-5', 'a-value-5'],
        ]);
        const committedAfterRun1: [string, number, number][] = [
          [topic, 0, 3],
          [topic, 1, 3],
        ];
        assert.deepEqual(run1.committed, committedAfterRun1);
        // Read back by another client instance after the member left the group.
        assert.deepEqual(
          await confluentCommitted(broker.bootstrap, groupId, [
            [topic, 0],
            [topic, 1],
          ]),
          committedAfterRun1,
        );

        const second = numberedRecords('b', 2).map((r, i) => ({ ...r, partition: i }));
        assert.deepEqual((await confluentProduce(broker.bootstrap, topic, second)).failed, []);
        const run2 = await confluentGroupConsume(broker.bootstrap, options, (r) => r.length >= 2);
        assert.deepEqual(run2.errors, []);
        assert.deepEqual(run2.records.sort(byPartitionAndOffset).map(keyValue), [
          [0, '3', 'b-key-0', 'b-value-0'],
          [1, '3', 'b-key-1', 'b-value-1'],
        ]);
        assert.deepEqual(run2.committed, [
          [topic, 0, 4],
          [topic, 1, 4],
        ]);
      },
      { overrides },
    );
  });
}
