// @platformatic/kafka 1.x against a real in-process broker: its Producer (Produce v11) sending the
// rich record set with each codec it can write here (none, gzip, snappy, lz4; zstd needs Node
// 22.15's zlib), read back byte for byte by kcat and by its own group-less Consumer.fetch (Fetch
// v17 by topic id); its partitioners across three partitions; a long-poll Fetch that a producer's
// append wakes; and ListOffsets (v9) for earliest, latest and a timestamp. Each test starts its
// own broker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompressionAlgorithmValue } from '@platformatic/kafka';
import { withBroker } from '../../support/broker.js';
import {
  CODEC_IDS,
  recentTimestamp,
  richRecords,
  shownExpected,
  shownFetched,
  type TestRecord,
} from '../../support/interop-records.js';
import { createTopic, kafkajsProduce } from '../../support/kafkajs-client.js';
import { kcat, kcatConsume, shownKcat, shownKcatExpected } from '../../support/kcat.js';
import { codecProblems, storedBatches } from '../../support/log-batches.js';
import {
  platformaticFetchAll,
  platformaticLongPoll,
  unjoinedConsumer,
  withTimeout,
} from '../../support/platformatic-fetch.js';
import { platformaticMessage, platformaticProduce } from '../../support/platformatic-produce.js';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

const CODECS = ['none', 'gzip', 'snappy', 'lz4'] as const;

for (const codec of CODECS) {
  test(`@platformatic/kafka produces ${codec} batches; kcat and its own fetch read every byte back`, async () => {
    await withBroker(async (broker) => {
      const topic = `platformatic-${codec}`;
      const sent = richRecords(`platformatic-${codec}`, recentTimestamp());
      const result = await platformaticProduce(
        broker.bootstrap,
        sent.map((r) => platformaticMessage(topic, r)),
        { compression: codec as CompressionAlgorithmValue },
      );
      assert.deepEqual(result.offsets, [{ topic, partition: 0, offset: 0n }]);

      const byKcat = await kcatConsume(broker.bootstrap, topic, { count: sent.length });
      assert.deepEqual(shownKcat(byKcat), shownKcatExpected(sent, 0n));
      const { records } = await platformaticFetchAll(broker.bootstrap, topic);
      assert.deepEqual(shownFetched(records), shownExpected(sent, 0n));

      const batches = storedBatches(broker.dataDir, topic);
      assert.equal(batches.length, 1);
      assert.deepEqual(codecProblems(batches, CODEC_IDS[codec], 7n), []);
    });
  });
}

test('@platformatic/kafka partitioners spread records over three partitions, in order per key', async () => {
  await withBroker(async (broker) => {
    const topic = 'platformatic-partitions';
    await createTopic(broker.bootstrap, topic, { partitions: 3 });
    // An explicit partitioner: record i goes to partition i % 3.
    const explicit: TestRecord[] = Array.from({ length: 9 }, (_, i) => ({
      key: text(`e${i}`),
      value: text(`explicit-${i}`),
      headers: [],
    }));
    await platformaticProduce(
      broker.bootstrap,
      explicit.map((r) => platformaticMessage(topic, r)),
      { partitioner: (m) => Number(m.key?.toString().slice(1)) % 3 },
    );
    // The default (murmur2) partitioner: each key always lands on one partition, in send order.
    const keys = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
    const hashed: TestRecord[] = Array.from({ length: 24 }, (_, i) => ({
      key: text(keys[i % keys.length]!),
      value: text(`hashed-${i}`),
      headers: [],
    }));
    await platformaticProduce(
      broker.bootstrap,
      hashed.map((r) => platformaticMessage(topic, r)),
    );

    const partitionOfKey = new Map<string, number>();
    let total = 0;
    for (let p = 0; p < 3; p++) {
      const { records } = await platformaticFetchAll(broker.bootstrap, topic, { partition: p });
      const byKcat = await kcatConsume(broker.bootstrap, topic, { partition: p });
      assert.deepEqual(
        shownKcat(byKcat, { timestamps: false }),
        shownFetched(records, { timestamps: false }).map((r) => ({ ...r, headers: '""' })),
      );
      const values = records.map((r) => r.value!.toString());
      assert.deepEqual(
        values.filter((v) => v.startsWith('explicit-')),
        [p, p + 3, p + 6].map((i) => `explicit-${i}`),
        `partition ${p} holds every third explicit record`,
      );
      assert.deepEqual(
        records.map((r) => r.offset),
        records.map((_, i) => BigInt(i)),
        'offsets are contiguous from 0',
      );
      for (const r of records.filter((x) => x.value!.toString().startsWith('hashed-'))) {
        const key = r.key!.toString();
        assert.equal(partitionOfKey.get(key) ?? p, p, `key ${key} is on one partition`);
        partitionOfKey.set(key, p);
      }
      // Per key, records keep send order.
      for (const key of keys) {
        const mine = values.filter(
          (v, i) => v.startsWith('hashed-') && records[i]!.key!.toString() === key,
        );
        assert.deepEqual(
          mine,
          [...mine].sort((a, b) => Number(a.slice(7)) - Number(b.slice(7))),
        );
      }
      total += records.length;
    }
    assert.equal(total, explicit.length + hashed.length);
    assert.equal(partitionOfKey.size, keys.length);
    assert.ok(
      new Set(partitionOfKey.values()).size > 1,
      'six keys do not all hash to one partition',
    );
  });
});

test('@platformatic/kafka long-poll Fetch wakes when a producer appends', async () => {
  await withBroker(async (broker) => {
    const topic = 'platformatic-long-poll';
    assert.equal(
      await kafkajsProduce(broker.bootstrap, topic, [
        { key: null, value: text('first'), headers: [] },
      ]),
      0n,
    );
    // maxWaitTime far beyond the test's time limit: only a wake-up on append answers in time.
    const poll = platformaticLongPoll(broker.bootstrap, topic, 1n, 120_000);
    try {
      await poll.started;
      // Let the request reach the broker and park before the append.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await kcat(broker.bootstrap, ['-P', '-t', topic, '-K', ':'], { input: 'k:woken\n' });
      const fetched = await withTimeout('the parked Fetch', 15_000, poll.result);
      assert.equal(fetched.errorCode, 0);
      assert.equal(fetched.highWatermark, 2n);
      assert.deepEqual(
        fetched.records.map((r) => [r.offset, r.key?.toString(), r.value?.toString()]),
        [[1n, 'k', 'woken']],
      );
    } finally {
      await poll.close();
    }
  });
});

test('@platformatic/kafka listOffsets: earliest, latest and by timestamp', async () => {
  await withBroker(async (broker) => {
    const topic = 'platformatic-offsets';
    const base = recentTimestamp();
    const sent: TestRecord[] = Array.from({ length: 6 }, (_, i) => ({
      key: null,
      value: text(`v${i}`),
      headers: [],
      timestamp: base + i * 100,
    }));
    await platformaticProduce(
      broker.bootstrap,
      sent.map((r) => platformaticMessage(topic, r)),
    );
    const consumer = unjoinedConsumer(broker.bootstrap);
    try {
      const at = async (timestamp: bigint) =>
        (await consumer.listOffsets({ topics: [topic], timestamp })).get(topic);
      assert.deepEqual(await at(-2n), [0n]);
      assert.deepEqual(await at(-1n), [6n]);
      assert.deepEqual(await at(BigInt(base + 250)), [3n]);
      const withTimes = await consumer.listOffsetsWithTimestamps({
        topics: [topic],
        timestamp: BigInt(base + 200),
      });
      assert.deepEqual(withTimes.get(topic)?.get(0), { offset: 2n, timestamp: BigInt(base + 200) });
      // -3 is MAX_TIMESTAMP (KIP-734): the record with the largest timestamp.
      const max = await consumer.listOffsetsWithTimestamps({ topics: [topic], timestamp: -3n });
      assert.deepEqual(max.get(topic)?.get(0), { offset: 5n, timestamp: BigInt(base + 500) });
    } finally {
      await consumer.close(true);
    }
  });
});
