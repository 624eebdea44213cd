// kcat (librdkafka 2.0.2) with -X enable.idempotence=true: librdkafka asks for a producer id
// (InitProducerId v4) and writes sequences per partition (Produce v7, acks=all) in many small
// batches. Two runs are two producers with two producer ids, each starting at sequence 0. A kcat
// consumer reads every record exactly once, in order. (kcat gives up when its only broker
// connection drops — "All broker connections are down: terminating" — so the lost-acknowledgement
// retry is exercised through librdkafka in the confluent-kafka test instead.)
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

const TOPIC = 'idem-kcat';
const PER_RUN = 25;

test('kcat with enable.idempotence=true: two producers, every record stored once, in order', async () => {
  await withRetryBroker(0, async ({ broker, bootstrap, proxy }) => {
    await createTopic(broker.port, TOPIC);
    for (let run = 0; run < 2; run++) {
      const input = Array.from({ length: PER_RUN }, (_, j) => {
        const i = run * PER_RUN + j;
        return `k${i}:v${i}\n`;
      }).join('');
      await runChild(
        'kcat',
        [
          '-b',
          bootstrap,
          '-P',
          '-t',
          TOPIC,
          '-p',
          '0',
          '-K',
          ':',
          '-X',
          'enable.idempotence=true',
          '-X',
          'linger.ms=1',
          '-X',
          'batch.num.messages=4',
        ],
        { input, timeoutMs: 20_000 },
      );
    }
    assert.ok(proxy.produceRequests >= 2, `kcat sent ${proxy.produceRequests} Produce requests`);
    assert.deepEqual(await kcatConsume(bootstrap, TOPIC), expectedLines(2 * PER_RUN));
    assertSequencesContiguous(storedBatches(broker.dataDir, TOPIC), 2);
  });
});
