// Python confluent-kafka (Debian's python3-confluent-kafka, librdkafka 2.0.2) with
// enable.idempotence=True: InitProducerId v4, Produce v7 with acks=all and up to five requests in
// flight. The response to its first produce is lost with the connection; librdkafka retries the
// in-flight batches with their sequences, the broker answers the retry of the written batch with
// its original offset, and every delivery report is a success at offsets 0..n-1. A kcat consumer
// reads every record exactly once, in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChild } from '../../support/capture/client-capture.js';
import {
  assertSequencesContiguous,
  createTopic,
  expectedLines,
  kcatConsume,
  storedBatches,
  withRetryBroker,
} from './support.js';

const PYTHON = '/usr/bin/python3';
const TOPIC = 'idem-python';
const COUNT = 60;

const SCRIPT = `
import json, sys
from confluent_kafka import Producer
bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
errors, reports = [], []
def on_error(err):
    errors.append(err.name())
def on_delivery(err, msg):
    reports.append({'key': msg.key().decode(), 'offset': msg.offset(),
                    'error': None if err is None else err.name()})
p = Producer({'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'linger.ms': 2,
              'batch.num.messages': 6, 'retry.backoff.ms': 50, 'reconnect.backoff.ms': 50,
              'error_cb': on_error})
for i in range(count):
    p.produce(topic, key=f'k{i}', value=f'v{i}', partition=0, on_delivery=on_delivery)
    if i % 10 == 9:
        p.poll(0.05)
left = p.flush(20)
print(json.dumps({'left': left, 'errors': errors, 'reports': reports}))
`;

interface PythonResult {
  left: number;
  errors: string[];
  reports: { key: string; offset: number; error: string | null }[];
}

async function python(bootstrap: string): Promise<PythonResult> {
  try {
    const { stdout } = await runChild(PYTHON, ['-c', SCRIPT, bootstrap, TOPIC, String(COUNT)], {
      timeoutMs: 30_000,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as PythonResult;
  } catch (err) {
    if (/No module named 'confluent_kafka'/.test(String(err))) {
      assert.fail(
        'python3-confluent-kafka is not installed: run bash scripts/install-test-deps.sh ' +
          '(apt-get install -y python3-confluent-kafka)',
      );
    }
    throw err;
  }
}

test('confluent-kafka (Python) idempotent producer: a lost acknowledgement is retried and stored once', async () => {
  await withRetryBroker(1, async ({ broker, bootstrap, proxy }) => {
    await createTopic(broker.port, TOPIC);
    const result = await python(bootstrap);
    assert.equal(result.left, 0, 'flush delivered everything');
    assert.equal(proxy.dropped, 1, 'one acknowledgement was lost');
    // Only the dropped connection may be reported, never a fatal idempotence error.
    assert.deepEqual(
      result.errors.filter((e) => e !== '_TRANSPORT' && e !== '_ALL_BROKERS_DOWN'),
      [],
    );
    assert.deepEqual(
      result.reports.map((r) => [r.key, r.offset, r.error]),
      Array.from({ length: COUNT }, (_, i) => [`k${i}`, i, null]),
    );
    assert.deepEqual(await kcatConsume(bootstrap, TOPIC), expectedLines(COUNT));
    assertSequencesContiguous(storedBatches(broker.dataDir, TOPIC), 1);
  });
});
