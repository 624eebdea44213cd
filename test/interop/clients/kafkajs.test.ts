// KafkaJS 2.2.4 against a real in-process broker. Its consumer needs groups, which Samsa does not
// serve yet, so only its producer (Produce v7, no flexible versions) and its admin offset calls
// (ListOffsets v3) are driven: the rich record set sent uncompressed and gzipped (the two codecs
// KafkaJS has built in) and read back byte for byte by kcat and @platformatic/kafka with the
// exact CreateTimes; fetchTopicOffsets (earliest/latest) and fetchTopicOffsetsByTimestamp. Each
// test starts its own broker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompressionTypes } from 'kafkajs';
import { withBroker } from '../../support/broker.js';
import {
  CODEC_IDS,
  recentTimestamp,
  richRecords,
  shownExpected,
  shownFetched,
  type TestRecord,
} from '../../support/interop-records.js';
import { kcatConsume, shownKcat, shownKcatExpected } from '../../support/kcat.js';
import { codecProblems, storedBatches } from '../../support/log-batches.js';
import { platformaticFetchAll } from '../../support/platformatic-fetch.js';
import { kafkajsClient, kafkajsProduce, withoutNullHeaders } from '../../support/kafkajs-client.js';

const CODECS = [
  ['none', CompressionTypes.None],
  ['gzip', CompressionTypes.GZIP],
] as const;

for (const [codec, compression] of CODECS) {
  test(`KafkaJS produces ${codec} batches; kcat and @platformatic/kafka read every byte back`, async () => {
    await withBroker(async (broker) => {
      const topic = `kafkajs-${codec}`;
      const sent = withoutNullHeaders(richRecords(`kafkajs-${codec}`, recentTimestamp()));
      await kafkajsProduce(broker.bootstrap, topic, sent, { compression });

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

test('KafkaJS admin fetchTopicOffsets and fetchTopicOffsetsByTimestamp', async () => {
  await withBroker(async (broker) => {
    const topic = 'kafkajs-offsets';
    const base = recentTimestamp();
    const sent: TestRecord[] = Array.from({ length: 10 }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`v${i}`),
      headers: [],
      timestamp: base + i * 1000,
    }));
    // Two batches, so lookups cross a batch boundary.
    await kafkajsProduce(broker.bootstrap, topic, sent.slice(0, 5));
    await kafkajsProduce(broker.bootstrap, topic, sent.slice(5));

    const admin = kafkajsClient(broker.bootstrap).admin();
    await admin.connect();
    try {
      assert.deepEqual(await admin.fetchTopicOffsets(topic), [
        { partition: 0, offset: '10', high: '10', low: '0' },
      ]);
      const byTime = async (ts: number) =>
        (await admin.fetchTopicOffsetsByTimestamp(topic, ts)).map((p) => [p.partition, p.offset]);
      assert.deepEqual(await byTime(base - 10_000), [[0, '0']]);
      assert.deepEqual(await byTime(base), [[0, '0']]);
      assert.deepEqual(await byTime(base + 3000), [[0, '3']]);
      assert.deepEqual(await byTime(base + 4001), [[0, '5']]);
      assert.deepEqual(await byTime(base + 5000), [[0, '5']]);
      // No record at or after the time: the broker says -1 and KafkaJS answers the latest offset.
      assert.deepEqual(await byTime(base + 60_000), [[0, '10']]);

      // Latest moves with appends; the earliest with DeleteRecords.
      await kafkajsProduce(broker.bootstrap, topic, [
        { key: null, value: Buffer.from('v10'), headers: [] },
      ]);
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] });
      assert.deepEqual(await admin.fetchTopicOffsets(topic), [
        { partition: 0, offset: '11', high: '11', low: '3' },
      ]);
    } finally {
      await admin.disconnect();
    }
    const fromThree = await kcatConsume(broker.bootstrap, topic, { offset: 'beginning' });
    assert.deepEqual(
      fromThree.map((r) => [String(r.offset), r.value?.toString()]),
      [3, 4, 5, 6, 7, 8, 9, 10].map((i) => [String(i), `v${i}`]),
    );
  });
});
