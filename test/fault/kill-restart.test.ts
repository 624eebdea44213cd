// "Acknowledged means kept" and "crash-safe storage" (ARCHITECTURE.md invariants 2 and 5) with
// `samsa server` as a child process:
//
// - A Python confluent-kafka producer (acks=1, no retries, so nothing is ever written twice)
//   sends a numbered sequence over two partitions and prints every delivery report; the broker
//   is killed with SIGKILL mid-load, restarted on the same data dir, and read back with kcat
//   (CRCs checked): every acknowledged record is there exactly once at the offset it was
//   acknowledged with, each partition holds its records in send order at contiguous offsets,
//   nothing appears that was not sent, and new writes continue at the end.
// - With the broker killed, the active segment's tail is torn (cut mid-batch) or corrupted (a
//   flipped byte, then trailing garbage); after a restart it serves exactly the prefix of valid
//   batches and appends new records right after it.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  newDataDir,
  removeDataDir,
  startChildBroker,
  type ChildBroker,
} from '../support/child-broker.js';
import { kafkajsClient } from '../support/kafkajs-client.js';
import { kcat, kcatConsume } from '../support/kcat.js';
import { partitionDir, segmentFiles, storedBatches } from '../support/log-batches.js';
import { PYTHON, pythonProduce } from '../support/python-client.js';
import { BackgroundChild } from '../support/run.js';

const TOPIC = 'sequence';
const PARTITIONS = 2;
/** Acknowledgements to see before the kill, so the broker dies with writes in flight. */
const ACKS_BEFORE_KILL = 3000;

/** Produces seq-00000000, seq-00000001, … until killed; one stdout line per delivery report. */
const LOAD_PRODUCER = `
import json, os, sys
from confluent_kafka import Producer
args = json.loads(sys.argv[1])
producer = Producer({
    'bootstrap.servers': args['bootstrap'],
    'client.id': 'samsa-fault-producer',
    'acks': 1,
    'message.send.max.retries': 0,
    'linger.ms': 2,
    'message.timeout.ms': 10000,
    'queue.buffering.max.messages': 5000,
})
def report(err, msg):
    seq = int(msg.value()[4:])
    if err:
        print('FAIL %d %s' % (seq, err.name()), flush=True)
    else:
        print('ACK %d %d %d' % (seq, msg.partition(), msg.offset()), flush=True)
seq = 0
while seq < args['max']:
    try:
        producer.produce(args['topic'], key=b'k%d' % (seq % 7), value=b'seq-%08d' % seq,
                         on_delivery=report)
        seq += 1
    except BufferError:
        producer.poll(0.05)
        continue
    producer.poll(0)
producer.flush(30)
print('DONE', flush=True)
os._exit(0)
`;

interface Ack {
  seq: number;
  partition: number;
  offset: bigint;
}

function parseAcks(stdout: string): Ack[] {
  const acks: Ack[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^ACK (\d+) (\d+) (\d+)$/.exec(line);
    if (m !== null)
      acks.push({ seq: Number(m[1]), partition: Number(m[2]), offset: BigInt(m[3]!) });
  }
  return acks;
}

function countAcks(stdout: string): number {
  return stdout.match(/^ACK /gm)?.length ?? 0;
}

async function createSequenceTopic(broker: ChildBroker): Promise<void> {
  const admin = kafkajsClient(broker.bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
  } finally {
    await admin.disconnect();
  }
}

/** Everything in a partition, CRCs checked by librdkafka: [offset, value] in offset order. */
async function readPartition(broker: ChildBroker, topic: string, partition: number) {
  const records = await kcatConsume(broker.bootstrap, topic, {
    partition,
    extra: ['-X', 'check.crcs=true'],
  });
  return records.map((r) => ({ offset: r.offset, value: r.value?.toString('utf8') ?? null }));
}

test('kill -9 mid-load: every acknowledged record survives exactly once, in order', async (t) => {
  const dataDir = newDataDir();
  let broker: ChildBroker | undefined;
  let producer: BackgroundChild | undefined;
  try {
    broker = await startChildBroker({ dataDir });
    await createSequenceTopic(broker);
    producer = new BackgroundChild(
      PYTHON,
      [
        '-c',
        LOAD_PRODUCER,
        JSON.stringify({ bootstrap: broker.bootstrap, topic: TOPIC, max: 1_000_000 }),
      ],
      { timeoutMs: 60_000 },
    );
    await producer.waitFor(
      `${ACKS_BEFORE_KILL} acknowledgements`,
      (out) => countAcks(out) >= ACKS_BEFORE_KILL,
      30_000,
    );
    await broker.kill9();
    assert.equal(broker.process.running, false);
    // Delivery reports already on their way are still counted; then the producer goes too.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await producer.kill();
    const acks = parseAcks(producer.stdout.toString('utf8'));
    assert.ok(acks.length >= ACKS_BEFORE_KILL);
    assert.ok(
      !producer.stdout.toString('utf8').includes('DONE'),
      'the producer was still sending when the broker died',
    );

    broker = await startChildBroker({ dataDir });
    const seen = new Map<number, string>();
    const logs: { offset: bigint; value: string | null }[][] = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const log = await readPartition(broker, TOPIC, p);
      logs.push(log);
      // Offsets contiguous from 0.
      log.forEach((r, i) =>
        assert.equal(r.offset, BigInt(i), `partition ${p}: offset ${r.offset} at position ${i}`),
      );
      // Only what was sent, in send order, never twice.
      let previous = -1;
      for (const r of log) {
        const m = /^seq-(\d{8})$/.exec(r.value ?? '');
        assert.ok(m !== null, `partition ${p} offset ${r.offset}: unexpected value ${r.value}`);
        const seq = Number(m[1]);
        assert.ok(
          seq > previous,
          `partition ${p}: seq ${seq} after ${previous} (order or duplicate)`,
        );
        assert.equal(seen.has(seq), false, `seq ${seq} stored twice`);
        seen.set(seq, `${p}@${r.offset}`);
        previous = seq;
      }
    }
    const lost = acks.filter((a) => seen.get(a.seq) !== `${a.partition}@${a.offset}`);
    assert.deepEqual(
      lost
        .slice(0, 10)
        .map(
          (a) =>
            `seq ${a.seq} acked at ${a.partition}@${a.offset}, found at ${seen.get(a.seq) ?? 'nowhere'}`,
        ),
      [],
      `${lost.length} of ${acks.length} acknowledged records are missing or moved`,
    );

    const failed = producer.stdout.toString('utf8').match(/^FAIL /gm)?.length ?? 0;
    t.diagnostic(
      `${acks.length} acknowledged, ${failed} failed, ${seen.size} stored ` +
        `(${logs.map((l) => l.length).join(' + ')}); ${seen.size - acks.length} stored unacknowledged`,
    );

    // New writes continue right after the recovered end of each partition.
    for (let p = 0; p < PARTITIONS; p++) {
      await kcat(broker.bootstrap, ['-P', '-t', TOPIC, '-p', String(p), '-X', 'acks=all'], {
        input: `after-restart-${p}\n`,
      });
      const tail = await kcatConsume(broker.bootstrap, TOPIC, {
        partition: p,
        offset: String(logs[p]!.length),
      });
      assert.deepEqual(
        tail.map((r) => [r.offset, r.value?.toString()]),
        [[BigInt(logs[p]!.length), `after-restart-${p}`]],
      );
    }
  } finally {
    await producer?.kill();
    await broker?.stop();
    removeDataDir(dataDir);
  }
});

/** Writes `count` single-record batches to partition 0 of `topic` and kills the broker. */
async function fillThenKill(broker: ChildBroker, topic: string, count: number): Promise<string[]> {
  const values = Array.from(
    { length: count },
    (_, i) => `record-${String(i).padStart(4, '0')}-${'x'.repeat(100)}`,
  );
  const produced = await pythonProduce(
    broker.bootstrap,
    topic,
    values.map((v) => ({ key: null, value: Buffer.from(v), headers: [] })),
    { acks: 1 },
    { flushEach: true },
  );
  assert.deepEqual(produced.failed, []);
  assert.equal(produced.delivered.length, count);
  await broker.kill9();
  return values;
}

/** The active (last) segment file of partition 0. */
function activeSegment(dataDir: string, topic: string): string {
  const files = segmentFiles(dataDir, topic, 0);
  assert.ok(files.length > 0);
  return join(partitionDir(dataDir, topic, 0), files[files.length - 1]!);
}

async function assertServesPrefixThenAppends(
  broker: ChildBroker,
  topic: string,
  values: readonly string[],
  prefix: number,
): Promise<void> {
  const log = await readPartition(broker, topic, 0);
  assert.deepEqual(
    log.map((r) => [r.offset, r.value]),
    values.slice(0, prefix).map((v, i) => [BigInt(i), v]),
    `the first ${prefix} records, nothing after`,
  );
  const admin = kafkajsClient(broker.bootstrap).admin();
  await admin.connect();
  try {
    assert.deepEqual(
      (await admin.fetchTopicOffsets(topic)).map((p) => [p.low, p.high]),
      [['0', String(prefix)]],
    );
  } finally {
    await admin.disconnect();
  }
  await kcat(broker.bootstrap, ['-P', '-t', topic, '-p', '0', '-X', 'acks=all'], {
    input: 'after recovery\n',
  });
  const after = await readPartition(broker, topic, 0);
  assert.deepEqual(after.slice(prefix), [{ offset: BigInt(prefix), value: 'after recovery' }]);
}

test('a torn tail (last batch cut in half) is truncated on restart; writes continue there', async () => {
  const dataDir = newDataDir();
  const topic = 'torn';
  let broker: ChildBroker | undefined;
  try {
    broker = await startChildBroker({ dataDir });
    const values = await fillThenKill(broker, topic, 40);
    const batches = storedBatches(dataDir, topic);
    assert.equal(batches.length, 40, 'one batch per record');
    const last = batches[batches.length - 1]!;
    const file = activeSegment(dataDir, topic);
    truncateSync(file, last.position + Math.floor(last.size / 2));

    broker = await startChildBroker({ dataDir });
    await assertServesPrefixThenAppends(broker, topic, values, 39);
  } finally {
    await broker?.stop();
    removeDataDir(dataDir);
  }
});

test('a corrupted tail (bad CRC, then garbage) is cut at the first bad batch on restart', async () => {
  const dataDir = newDataDir();
  const topic = 'corrupt';
  let broker: ChildBroker | undefined;
  try {
    broker = await startChildBroker({ dataDir });
    const values = await fillThenKill(broker, topic, 40);
    const batches = storedBatches(dataDir, topic);
    assert.equal(batches.length, 40, 'one batch per record');
    const victim = batches[35]!;
    const file = activeSegment(dataDir, topic);
    const bytes = readFileSync(file);
    // A byte inside the record value: the batch still parses, but its CRC no longer matches.
    const at = victim.position + victim.size - 20;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(file, bytes);
    appendFileSync(file, Buffer.from(Array.from({ length: 97 }, (_, i) => (i * 37) % 256)));

    broker = await startChildBroker({ dataDir });
    await assertServesPrefixThenAppends(broker, topic, values, 35);
  } finally {
    await broker?.stop();
    removeDataDir(dataDir);
  }
});
