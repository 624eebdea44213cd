// kcat 1.7 (librdkafka 2.0.2) against a real in-process broker: producing with each of the five
// codecs (-z), keyed and unkeyed, null keys and values (-Z), empty ones, binary bytes (a
// multi-byte -D delimiter lets any byte through), unicode, headers (-H, including a null value and
// a repeated key); reading back with kcat and with @platformatic/kafka (or Python confluent-kafka
// for zstd, which @platformatic/kafka cannot decompress before Node 22.15); what the broker stored
// on disk (the batch's codec: bytes in, bytes out); consuming from an offset, a relative offset, a
// timestamp and the end; several partitions; and a long-poll fetch woken by an append. Each test
// starts its own broker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker, type TestBroker } from '../../support/broker.js';
import {
  ALL_BYTES,
  CODEC_IDS,
  CODECS,
  recentTimestamp,
  show,
  type CodecName,
  type FetchedRecord,
  type Header,
  type TestRecord,
} from '../../support/interop-records.js';
import {
  asKcatRecord,
  kcat,
  kcatConsume,
  parseKcatRecords,
  shownKcat,
  shownKcatExpected,
} from '../../support/kcat.js';
import { LIBRDKAFKA_CODEC_HINT, codecProblems, storedBatches } from '../../support/log-batches.js';
import { platformaticCanZstd, platformaticFetchAll } from '../../support/platformatic-fetch.js';
import { pythonConsume, pythonProduce } from '../../support/python-client.js';
import { BackgroundChild } from '../../support/run.js';
import { createTopic } from '../../support/kafkajs-client.js';

const KEY_DELIMITER = '~';
const MESSAGE_DELIMITER = '~~~END~~~\n';
const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** One line of kcat input and the record it must become. */
interface KcatInput {
  line: Buffer;
  record: TestRecord;
}

function keyed(key: Buffer | null, value: Buffer | null, headers: Header[]): KcatInput {
  const line = Buffer.concat([
    key ?? Buffer.alloc(0),
    text(KEY_DELIMITER),
    value ?? Buffer.alloc(0),
  ]);
  return { line, record: { key, value, headers } };
}

/** kcat's -H: every record of a run gets the same headers; "k" alone is a null value. */
function headerArgs(headers: readonly Header[]): string[] {
  return headers.flatMap(([k, v]) => ['-H', v === null ? k : `${k}=${v.toString('utf8')}`]);
}

async function kcatProduce(
  broker: TestBroker,
  topic: string,
  inputs: readonly KcatInput[],
  options: { codec?: CodecName; nullEmpty?: boolean; headers?: Header[]; partition?: number },
): Promise<{ before: number; after: number }> {
  const before = Date.now();
  await kcat(
    broker.bootstrap,
    [
      '-P',
      '-t',
      topic,
      '-p',
      String(options.partition ?? 0),
      '-z',
      options.codec ?? 'none',
      '-K',
      KEY_DELIMITER,
      '-D',
      MESSAGE_DELIMITER,
      ...(options.nullEmpty === true ? ['-Z'] : []),
      ...headerArgs(options.headers ?? []),
      // One batch per run: everything is read from stdin well within linger.ms.
      '-X',
      'linger.ms=200',
      '-X',
      'acks=all',
    ],
    { input: Buffer.concat(inputs.flatMap((i) => [i.line, text(MESSAGE_DELIMITER)])) },
  );
  return { before, after: Date.now() };
}

/**
 * The second consumer of a codec test: @platformatic/kafka, or where it cannot decompress zstd
 * (Node before 22.15) Python confluent-kafka.
 */
async function secondReader(
  broker: TestBroker,
  topic: string,
  codec: CodecName,
  count: number,
): Promise<{ name: string; records: FetchedRecord[] }> {
  if (codec === 'zstd' && !platformaticCanZstd()) {
    const { records, errors } = await pythonConsume(
      broker.bootstrap,
      [[topic, 0, 'beginning']],
      count,
    );
    assert.deepEqual(errors, []);
    return { name: 'confluent-kafka (Python)', records };
  }
  const { records } = await platformaticFetchAll(broker.bootstrap, topic);
  return { name: '@platformatic/kafka', records };
}

for (const codec of CODECS) {
  test(`kcat produces with -z ${codec}; two consumers read every byte back`, async () => {
    await withBroker(async (broker) => {
      const topic = `kcat-${codec}`;
      const headers: Header[] = [
        ['codec', text(codec)],
        ['ünï', text('çødé ✓')],
        ['dup', text('1')],
        ['dup', text('2')],
        ['empty', Buffer.alloc(0)],
        ['nil', null],
      ];
      const compressible = text('abcdefgh'.repeat(512));
      // With -Z an empty key or value is sent as null.
      const withNulls: KcatInput[] = [
        keyed(text(`${codec}-key-0`), text(`hello ${codec}`), headers),
        keyed(null, text(`no key ${codec}`), headers),
        keyed(text(`${codec}-key-2`), null, headers),
        {
          line: text(`no delimiter ${codec}`),
          record: { key: null, value: text(`no delimiter ${codec}`), headers },
        },
        keyed(Buffer.from([0x00, 0xff, 0x0a, 0x80]), ALL_BYTES, headers),
        keyed(text('ключ-🔑'), text(`héllo wörld — 日本語 🎉 ${codec}`), headers),
        keyed(text(`${codec}-key-6`), compressible, headers),
      ];
      const withEmpties: KcatInput[] = [
        keyed(Buffer.alloc(0), Buffer.alloc(0), headers),
        keyed(text(`${codec}-key-8`), Buffer.alloc(0), headers),
        keyed(text(`${codec}-key-9`), compressible, headers),
      ];
      const first = await kcatProduce(broker, topic, withNulls, {
        codec,
        nullEmpty: true,
        headers,
      });
      const second = await kcatProduce(broker, topic, withEmpties, { codec, headers });
      const sent = [...withNulls, ...withEmpties].map((i) => i.record);

      const byKcat = await kcatConsume(broker.bootstrap, topic, { count: sent.length });
      assert.deepEqual(
        shownKcat(byKcat, { timestamps: false }),
        shownKcatExpected(sent, 0n, { timestamps: false }),
      );
      // CreateTime is librdkafka's clock at produce time: within each run's bounds.
      byKcat.forEach((r, i) => {
        const run = i < withNulls.length ? first : second;
        assert.ok(
          r.timestamp >= BigInt(run.before) && r.timestamp <= BigInt(run.after),
          `offset ${r.offset}: timestamp ${r.timestamp} outside [${run.before}, ${run.after}]`,
        );
      });

      const { name, records: bySecond } = await secondReader(broker, topic, codec, sent.length);
      // Both consumers see the same records, timestamps included.
      assert.deepEqual(shownKcat(bySecond.map(asKcatRecord)), shownKcat(byKcat), name);
      assert.deepEqual(
        bySecond.map((r) => r.headers.map(([k, v]) => `${k}=${show(v)}`)),
        sent.map((r) => r.headers.map(([k, v]) => `${k}=${show(v)}`)),
        name,
      );

      // Bytes in, bytes out: the batches holding the compressible records are stored with the
      // codec kcat was asked for.
      const batches = storedBatches(broker.dataDir, topic);
      const problems = [
        ...codecProblems(batches, CODEC_IDS[codec], BigInt(withNulls.length - 1)),
        ...codecProblems(batches, CODEC_IDS[codec], BigInt(sent.length - 1)),
      ];
      assert.deepEqual(
        [...new Set(problems)],
        [],
        `kcat -z ${codec} must send ${codec} batches (codec id ${CODEC_IDS[codec]}); ${LIBRDKAFKA_CODEC_HINT}`,
      );
    });
  });
}

test('kcat consumes from an offset, a relative offset, a timestamp (s@), the end; -Q looks up times', async () => {
  await withBroker(async (broker) => {
    const topic = 'kcat-positions';
    const base = recentTimestamp();
    const sent: TestRecord[] = Array.from({ length: 10 }, (_, i) => ({
      key: text(`k${i}`),
      value: text(`v${i}`),
      headers: [],
      timestamp: base + i * 1000,
    }));
    const produced = await pythonProduce(broker.bootstrap, topic, sent, { 'linger.ms': 100 });
    assert.deepEqual(produced.failed, []);

    const from = async (offset: string, count?: number) =>
      shownKcat(
        await kcatConsume(broker.bootstrap, topic, {
          offset,
          ...(count === undefined ? {} : { count }),
        }),
      );
    assert.deepEqual(await from('beginning'), shownKcatExpected(sent, 0n));
    assert.deepEqual(await from('4'), shownKcatExpected(sent.slice(4), 4n));
    assert.deepEqual(await from('4', 2), shownKcatExpected(sent.slice(4, 6), 4n));
    assert.deepEqual(await from('-3'), shownKcatExpected(sent.slice(7), 7n));
    // s@: the first record whose timestamp is at or after the time.
    assert.deepEqual(await from(`s@${base + 4000}`), shownKcatExpected(sent.slice(4), 4n));
    assert.deepEqual(await from(`s@${base + 4001}`), shownKcatExpected(sent.slice(5), 5n));
    assert.deepEqual(await from(`s@${base - 50_000}`), shownKcatExpected(sent, 0n));
    // At the end there is nothing to read: kcat reaches EOF and exits.
    assert.deepEqual(await from('end'), []);

    const query = async (ts: number) =>
      (await kcat(broker.bootstrap, ['-Q', '-t', `${topic}:0:${ts}`])).stdout
        .toString('utf8')
        .trim();
    assert.equal(await query(base + 2000), `${topic} [0] offset 2`);
    assert.equal(await query(base + 2500), `${topic} [0] offset 3`);
    // Past the last timestamp Kafka answers offset -1 (no such record).
    assert.equal(await query(base + 60_000), `${topic} [0] offset -1`);
  });
});

test('kcat writes and reads three partitions (-p N); each keeps its own offsets', async () => {
  await withBroker(async (broker) => {
    const topic = 'kcat-partitions';
    await createTopic(broker.bootstrap, topic, { partitions: 3 });
    const perPartition = [3, 1, 4];
    const sent = perPartition.map((n, p) =>
      Array.from({ length: n }, (_, i) => keyed(text(`p${p}-k${i}`), text(`p${p}-v${i}`), [])),
    );
    for (const [p, inputs] of sent.entries()) {
      await kcatProduce(broker, topic, inputs, { partition: p });
    }
    for (const [p, inputs] of sent.entries()) {
      const records = inputs.map((i) => i.record);
      const byKcat = await kcatConsume(broker.bootstrap, topic, { partition: p });
      assert.deepEqual(
        shownKcat(byKcat, { timestamps: false }),
        shownKcatExpected(records, 0n, { timestamps: false }),
        `partition ${p} as kcat reads it`,
      );
      const { records: byPlatformatic, highWatermark } = await platformaticFetchAll(
        broker.bootstrap,
        topic,
        { partition: p },
      );
      assert.equal(highWatermark, BigInt(perPartition[p]!));
      assert.deepEqual(shownKcat(byPlatformatic.map(asKcatRecord)), shownKcat(byKcat));
    }
    // The random partitioner (-p -1) spreads records, and all of them are found again.
    const spread = Array.from({ length: 30 }, (_, i) => keyed(null, text(`r${i}`), []));
    await kcatProduce(broker, topic, spread, { partition: -1 });
    const found: string[] = [];
    for (let p = 0; p < 3; p++) {
      const records = await kcatConsume(broker.bootstrap, topic, {
        partition: p,
        offset: String(perPartition[p]),
      });
      found.push(...records.map((r) => r.value?.toString('utf8') ?? 'null'));
    }
    assert.deepEqual(found.sort(), spread.map((s) => s.record.value!.toString('utf8')).sort());
  });
});

test('kcat -o end long-polls and wakes when a producer appends', async () => {
  await withBroker(async (broker) => {
    const topic = 'kcat-long-poll';
    await kcatProduce(broker, topic, [keyed(text('old'), text('before'), [])], {});
    // fetch.wait.max.ms far beyond the child's time limit: only a wake-up on append can deliver
    // the record before kcat is killed.
    const tail = new BackgroundChild(
      'kcat',
      [
        '-b',
        broker.bootstrap,
        '-C',
        '-t',
        topic,
        '-p',
        '0',
        '-o',
        'end',
        '-c',
        '1',
        '-f',
        '%o %T %K %S\\n%k%s|%h\\n',
        '-X',
        'fetch.wait.max.ms=60000',
        '-X',
        'socket.timeout.ms=90000',
        '-d',
        'fetch',
      ],
      { timeoutMs: 20_000 },
    );
    try {
      await tail.waitFor(
        'a Fetch at offset 1',
        (_, err) => err.includes(`Fetch topic ${topic} [0] at offset 1`),
        15_000,
      );
      await kcatProduce(broker, topic, [keyed(text('new'), text('after'), [])], {});
      const exit = await tail.exited;
      assert.equal(tail.timedOut, false, `kcat never got the appended record\n${tail.describe()}`);
      assert.equal(exit.code, 0);
      assert.deepEqual(shownKcat(parseKcatRecords(tail.stdout), { timestamps: false }), [
        { offset: '1', key: '"new"', value: '"after"', headers: '""' },
      ]);
    } finally {
      await tail.kill();
    }
  });
});
