// Python confluent-kafka (Debian's, librdkafka 2.0.2) against a real in-process broker: a
// Producer with each of the five compression.type values sending the rich record set (null and
// empty keys and values, binary, unicode, null and repeated headers, explicit CreateTimes), read
// back byte for byte with kcat and @platformatic/kafka (Python itself for zstd before Node 22.15)
// and stored with the codec asked for; a Consumer with assign() (no group: librdkafka fetches
// without a coordinator) reading from an offset, from offsets_for_times, and from the end while a
// producer appends. Each test starts its own broker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker } from '../../support/broker.js';
import {
  CODEC_IDS,
  CODECS,
  recentTimestamp,
  richRecords,
  shownExpected,
  shownFetched,
  type FetchedRecord,
  type TestRecord,
} from '../../support/interop-records.js';
import { kcat, kcatConsume, shownKcat, shownKcatExpected } from '../../support/kcat.js';
import { LIBRDKAFKA_CODEC_HINT, codecProblems, storedBatches } from '../../support/log-batches.js';
import { platformaticCanZstd, platformaticFetchAll } from '../../support/platformatic-fetch.js';
import {
  PYTHON,
  TIMESTAMP_CREATE_TIME,
  pythonConsume,
  pythonProduce,
  runPython,
} from '../../support/python-client.js';
import { BackgroundChild } from '../../support/run.js';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

for (const codec of CODECS) {
  test(`confluent-kafka (Python) produces with compression.type=${codec}; every byte reads back`, async () => {
    await withBroker(async (broker) => {
      const topic = `python-${codec}`;
      const sent = richRecords(`python-${codec}`, recentTimestamp());
      const produced = await pythonProduce(broker.bootstrap, topic, sent, {
        'compression.type': codec,
        'linger.ms': 200,
        acks: 'all',
      });
      assert.deepEqual(produced.failed, []);
      assert.deepEqual(
        produced.delivered,
        sent.map((_, i) => [i, 0, i]),
      );

      // kcat: keys, values, headers as it prints them, and CreateTime exactly as sent.
      const byKcat = await kcatConsume(broker.bootstrap, topic, { count: sent.length });
      assert.deepEqual(shownKcat(byKcat), shownKcatExpected(sent, 0n));

      let second: FetchedRecord[];
      if (codec === 'zstd' && !platformaticCanZstd()) {
        // @platformatic/kafka cannot decompress zstd before Node 22.15: read with Python instead.
        const consumed = await pythonConsume(
          broker.bootstrap,
          [[topic, 0, 'beginning']],
          sent.length,
        );
        assert.deepEqual(consumed.errors, []);
        assert.ok(consumed.records.every((r) => r.timestampType === TIMESTAMP_CREATE_TIME));
        second = consumed.records;
      } else {
        second = (await platformaticFetchAll(broker.bootstrap, topic)).records;
      }
      assert.deepEqual(shownFetched(second), shownExpected(sent, 0n));

      // Record 7 is 4 KiB of repeated text: its batch must be stored with the codec asked for.
      assert.deepEqual(
        codecProblems(storedBatches(broker.dataDir, topic), CODEC_IDS[codec], 7n),
        [],
        `compression.type=${codec} must send ${codec} batches (codec id ${CODEC_IDS[codec]}); ${LIBRDKAFKA_CODEC_HINT}`,
      );
    });
  });
}

test('confluent-kafka (Python) Consumer.assign reads from an offset and from offsets_for_times', async () => {
  await withBroker(async (broker) => {
    const topic = 'python-positions';
    const base = recentTimestamp();
    const sent: TestRecord[] = Array.from({ length: 10 }, (_, i) => ({
      key: text(`k${i}`),
      value: text(`v${i}`),
      headers: [['i', text(String(i))]],
      timestamp: base + i * 1000,
    }));
    // One batch per record, so time lookups land inside the log, not only on batch edges.
    const produced = await pythonProduce(broker.bootstrap, topic, sent, {}, { flushEach: true });
    assert.deepEqual(produced.failed, []);

    const all = await pythonConsume(broker.bootstrap, [[topic, 0, 'beginning']], 100);
    assert.deepEqual(all.errors, []);
    assert.deepEqual(shownFetched(all.records), shownExpected(sent, 0n));
    assert.ok(all.records.every((r) => r.timestampType === TIMESTAMP_CREATE_TIME));

    const fromSix = await pythonConsume(broker.bootstrap, [[topic, 0, 6]], 100);
    assert.deepEqual(shownFetched(fromSix.records), shownExpected(sent.slice(6), 6n));

    const lookups = await runPython<[number, number | null, string | null][]>(
      `
consumer = Consumer({'bootstrap.servers': args['bootstrap'], 'group.id': 'samsa-interop-unjoined'})
out = []
for ts in args['times']:
    [tp] = consumer.offsets_for_times([TopicPartition(args['topic'], 0, ts)], 10)
    out.append([ts, tp.offset, tp.error and tp.error.name()])
consumer.close()
finish(out)
`,
      {
        bootstrap: broker.bootstrap,
        topic,
        times: [base - 5000, base, base + 3000, base + 3001, base + 60_000],
      },
    );
    assert.deepEqual(lookups, [
      [base - 5000, 0, null],
      [base, 0, null],
      [base + 3000, 3, null],
      [base + 3001, 4, null],
      // No record at or after the time: Kafka answers -1, librdkafka's OFFSET_END.
      [base + 60_000, -1, null],
    ]);

    // Consuming from the offset offsets_for_times gave starts at that record.
    const fromTime = await pythonConsume(broker.bootstrap, [[topic, 0, 4]], 100);
    assert.deepEqual(shownFetched(fromTime.records), shownExpected(sent.slice(4), 4n));
  });
});

test('confluent-kafka (Python) assigned at OFFSET_END long-polls and gets only what is appended', async () => {
  await withBroker(async (broker) => {
    const topic = 'python-latest';
    const old = await pythonProduce(broker.bootstrap, topic, [
      { key: text('old'), value: text('before'), headers: [] },
    ]);
    assert.deepEqual(old.failed, []);
    const script = `
import json, os, sys
from confluent_kafka import Consumer, TopicPartition, KafkaError, OFFSET_END
args = json.loads(sys.argv[1])
consumer = Consumer({'bootstrap.servers': args['bootstrap'], 'group.id': 'samsa-interop-unjoined',
                     'enable.auto.commit': False, 'enable.partition.eof': True,
                     'fetch.wait.max.ms': 60000, 'socket.timeout.ms': 90000, 'debug': 'fetch'})
consumer.assign([TopicPartition(args['topic'], 0, OFFSET_END)])
got = []
while not got:
    m = consumer.poll(30)
    if m is None:
        break
    if m.error():
        continue
    got.append([m.offset(), m.key().decode(), m.value().decode()])
consumer.close()
print(json.dumps(got), flush=True)
os._exit(0)
`;
    const tail = new BackgroundChild(
      PYTHON,
      ['-c', script, JSON.stringify({ bootstrap: broker.bootstrap, topic })],
      { timeoutMs: 25_000 },
    );
    try {
      // librdkafka's fetch debug log: the long-poll Fetch at the end offset has been sent.
      await tail.waitFor(
        'a Fetch at offset 1',
        (_, err) => err.includes(`Fetch topic ${topic} [0] at offset 1`),
        15_000,
      );
      await kcat(broker.bootstrap, ['-P', '-t', topic, '-K', ':'], { input: 'new:after\n' });
      const exit = await tail.exited;
      assert.equal(tail.timedOut, false, tail.describe());
      assert.equal(exit.code, 0, tail.describe());
      const lines = tail.stdout.toString('utf8').trim().split('\n');
      assert.deepEqual(JSON.parse(lines[lines.length - 1]!), [[1, 'new', 'after']]);
    } finally {
      await tail.kill();
    }
  });
});
