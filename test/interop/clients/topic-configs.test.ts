// Topic configs that change what a produce does, seen through real clients against a real
// in-process broker: message.timestamp.type=LogAppendTime (every consumer sees the broker's time,
// never the producer's), compression.type=gzip (the broker recompresses whatever arrives, and it
// still reads back the same), and max.message.bytes (a batch exactly at the limit is accepted,
// one byte over is refused with MESSAGE_TOO_LARGE as each client reports it: kcat, Python
// confluent-kafka, KafkaJS, @platformatic/kafka). Each test starts its own broker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker, type TestBroker } from '../../support/broker.js';
import {
  recentTimestamp,
  richRecords,
  shownExpected,
  shownFetched,
  type TestRecord,
} from '../../support/interop-records.js';
import { createTopic, kafkajsProduce, withoutNullHeaders } from '../../support/kafkajs-client.js';
import { kcatConsume, shownKcat, shownKcatExpected, KCAT_TIMEOUT_MS } from '../../support/kcat.js';
import { storedBatches } from '../../support/log-batches.js';
import { platformaticFetchAll } from '../../support/platformatic-fetch.js';
import { platformaticMessage, platformaticProduce } from '../../support/platformatic-produce.js';
import {
  TIMESTAMP_LOG_APPEND_TIME,
  pythonConsume,
  pythonProduce,
} from '../../support/python-client.js';
import { run } from '../../support/run.js';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

test('message.timestamp.type=LogAppendTime: every consumer sees the broker time, not CreateTime', async () => {
  await withBroker(async (broker) => {
    const topic = 'log-append-time';
    await createTopic(broker.bootstrap, topic, {
      configs: { 'message.timestamp.type': 'LogAppendTime' },
    });
    // CreateTimes an hour old, so a broker that kept them is caught.
    const old = Date.now() - 3_600_000;
    const fromPython = richRecords('lat-python', old).slice(0, 4);
    const fromKafkajs = withoutNullHeaders(richRecords('lat-kafkajs', old + 100).slice(0, 4));
    const before = Date.now();
    const produced = await pythonProduce(broker.bootstrap, topic, fromPython, { 'linger.ms': 100 });
    assert.deepEqual(produced.failed, []);
    await kafkajsProduce(broker.bootstrap, topic, fromKafkajs);
    const after = Date.now();
    const sent = [...fromPython, ...fromKafkajs];

    const byKcat = await kcatConsume(broker.bootstrap, topic, { count: sent.length });
    assert.deepEqual(
      shownKcat(byKcat, { timestamps: false }),
      shownKcatExpected(sent, 0n, { timestamps: false }),
    );
    for (const r of byKcat) {
      assert.ok(
        r.timestamp >= BigInt(before) && r.timestamp <= BigInt(after),
        `offset ${r.offset}: timestamp ${r.timestamp} is not the broker's append time (in [${before}, ${after}])`,
      );
    }

    const { records, batchAttributes } = await platformaticFetchAll(broker.bootstrap, topic);
    assert.deepEqual(
      shownFetched(records, { timestamps: false }),
      shownExpected(sent, 0n, { timestamps: false }),
    );
    assert.deepEqual(
      records.map((r) => r.timestamp),
      byKcat.map((r) => r.timestamp),
    );
    assert.ok(batchAttributes.length > 0);
    assert.ok(
      batchAttributes.every((a) => (a & 0x08) !== 0),
      `every batch has the LogAppendTime attribute: ${batchAttributes.join(', ')}`,
    );

    const consumed = await pythonConsume(broker.bootstrap, [[topic, 0, 'beginning']], sent.length);
    assert.deepEqual(consumed.errors, []);
    assert.deepEqual(
      consumed.records.map((r) => [r.timestampType, r.timestamp]),
      byKcat.map((r) => [TIMESTAMP_LOG_APPEND_TIME, r.timestamp]),
    );
    for (const b of storedBatches(broker.dataDir, topic)) {
      assert.equal(b.logAppendTime, true);
      assert.ok(b.maxTimestamp >= BigInt(before) && b.maxTimestamp <= BigInt(after));
    }
  });
});

test('compression.type=gzip: the broker stores gzip whatever the producer sent, and it reads back', async () => {
  await withBroker(async (broker) => {
    const topic = 'broker-gzip';
    await createTopic(broker.bootstrap, topic, { configs: { 'compression.type': 'gzip' } });
    const base = recentTimestamp();
    const plain = richRecords('plain', base);
    const snappy = richRecords('snappy', base + 1000);
    await platformaticProduce(
      broker.bootstrap,
      plain.map((r) => platformaticMessage(topic, r)),
    );
    await platformaticProduce(
      broker.bootstrap,
      snappy.map((r) => platformaticMessage(topic, r)),
      { compression: 'snappy' },
    );
    const kafkajsRecords: TestRecord[] = [
      { key: text('kjs'), value: text('abc'.repeat(300)), headers: [], timestamp: base + 2000 },
    ];
    await kafkajsProduce(broker.bootstrap, topic, kafkajsRecords);
    const sent = [...plain, ...snappy, ...kafkajsRecords];

    const batches = storedBatches(broker.dataDir, topic);
    assert.deepEqual(
      batches.map((b) => [String(b.baseOffset), String(b.lastOffset), b.codec]),
      [
        ['0', '7', 1],
        ['8', '15', 1],
        ['16', '16', 1],
      ],
      'every stored batch is gzip (codec 1)',
    );
    const byKcat = await kcatConsume(broker.bootstrap, topic, { count: sent.length });
    assert.deepEqual(shownKcat(byKcat), shownKcatExpected(sent, 0n));
    const { records } = await platformaticFetchAll(broker.bootstrap, topic);
    assert.deepEqual(shownFetched(records), shownExpected(sent, 0n));
  });
});

// max.message.bytes limits a whole record batch, its 12-byte log overhead included (Kafka's
// RecordBatch.sizeInBytes). A batch of one record with a null key, no headers and a value of V
// bytes (64 ≤ V < 8192) is 61 bytes of batch header + V + 9 bytes of record framing.
const MAX_MESSAGE_BYTES = 2048;
const AT_LIMIT = MAX_MESSAGE_BYTES - 70;

async function withSmallTopic(
  fn: (broker: TestBroker, topic: string) => Promise<void>,
): Promise<void> {
  await withBroker(async (broker) => {
    const topic = 'small-messages';
    await createTopic(broker.bootstrap, topic, {
      configs: { 'max.message.bytes': String(MAX_MESSAGE_BYTES) },
    });
    await fn(broker, topic);
  });
}

function oneRecord(size: number, fill: string): TestRecord {
  return { key: null, value: Buffer.alloc(size, fill), headers: [] };
}

/** The topic holds exactly the at-limit record, stored as a batch of exactly the limit. */
async function assertOnlyAtLimitStored(broker: TestBroker, topic: string): Promise<void> {
  const batches = storedBatches(broker.dataDir, topic);
  assert.deepEqual(
    batches.map((b) => [String(b.baseOffset), b.size]),
    [['0', MAX_MESSAGE_BYTES]],
  );
  const records = await kcatConsume(broker.bootstrap, topic);
  assert.deepEqual(
    records.map((r) => [String(r.offset), r.value?.length]),
    [['0', AT_LIMIT]],
  );
}

test('max.message.bytes with kcat: at the limit delivered, one byte over "Message size too large"', async () => {
  await withSmallTopic(async (broker, topic) => {
    const produce = (size: number) =>
      run('kcat', ['-b', broker.bootstrap, '-P', '-t', topic, '-p', '0', '-X', 'acks=all'], {
        input: `${'a'.repeat(size)}\n`,
        timeoutMs: KCAT_TIMEOUT_MS,
      });
    const ok = await produce(AT_LIMIT);
    assert.equal(ok.code, 0, ok.stderr);
    const over = await produce(AT_LIMIT + 1);
    assert.equal(over.timedOut, false);
    assert.notEqual(over.code, 0, 'kcat exits non-zero when a message is not delivered');
    assert.match(over.stderr, /Delivery failed for message: Broker: Message size too large/);
    await assertOnlyAtLimitStored(broker, topic);
  });
});

test('max.message.bytes with confluent-kafka (Python): over the limit is MSG_SIZE_TOO_LARGE', async () => {
  await withSmallTopic(async (broker, topic) => {
    const produced = await pythonProduce(
      broker.bootstrap,
      topic,
      [oneRecord(AT_LIMIT, 'a'), oneRecord(AT_LIMIT + 1, 'b')],
      { 'linger.ms': 0 },
      { flushEach: true },
    );
    assert.deepEqual(produced.delivered, [[0, 0, 0]]);
    assert.deepEqual(produced.failed, [
      [1, 'MSG_SIZE_TOO_LARGE', 'Broker: Message size too large'],
    ]);
    await assertOnlyAtLimitStored(broker, topic);
  });
});

/** Kafka error names in a client error and whatever it wraps (causes, aggregated errors). */
function errorNames(err: unknown, seen = new Set<unknown>()): string[] {
  if (err === null || typeof err !== 'object' || seen.has(err)) return [];
  seen.add(err);
  const e = err as { type?: unknown; apiId?: unknown; cause?: unknown; errors?: unknown };
  const own = [e.type, e.apiId].filter((x): x is string => typeof x === 'string');
  const nested = [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return [...own, ...nested.flatMap((x) => errorNames(x, seen))];
}

test('max.message.bytes with KafkaJS: over the limit rejects with MESSAGE_TOO_LARGE', async () => {
  await withSmallTopic(async (broker, topic) => {
    assert.equal(await kafkajsProduce(broker.bootstrap, topic, [oneRecord(AT_LIMIT, 'a')]), 0n);
    await assert.rejects(
      kafkajsProduce(broker.bootstrap, topic, [oneRecord(AT_LIMIT + 1, 'b')]),
      (err) => {
        assert.ok(
          errorNames(err).includes('MESSAGE_TOO_LARGE'),
          `got ${String(err)}: ${errorNames(err).join(', ')}`,
        );
        return true;
      },
    );
    await assertOnlyAtLimitStored(broker, topic);
  });
});

test('max.message.bytes with @platformatic/kafka: over the limit rejects with MESSAGE_TOO_LARGE', async () => {
  await withSmallTopic(async (broker, topic) => {
    await platformaticProduce(broker.bootstrap, [
      platformaticMessage(topic, oneRecord(AT_LIMIT, 'a')),
    ]);
    await assert.rejects(
      platformaticProduce(broker.bootstrap, [
        platformaticMessage(topic, oneRecord(AT_LIMIT + 1, 'b')),
      ]),
      (err) => {
        assert.ok(
          errorNames(err).includes('MESSAGE_TOO_LARGE'),
          `got ${String(err)}: ${errorNames(err).join(', ')}`,
        );
        return true;
      },
    );
    await assertOnlyAtLimitStored(broker, topic);
  });
});
