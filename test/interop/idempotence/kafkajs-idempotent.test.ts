// KafkaJS 2.x with `idempotent: true` (InitProducerId v1 without a transactional id, Produce v7
// with acks=-1, one request in flight): the response to its first produce is lost with the
// connection; KafkaJS reconnects and sends the batch again with the same sequence, and the broker
// answers with the original offset instead of writing it twice. A kcat consumer reads every record
// exactly once, in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { withTimeout } from '../../support/capture/client-capture.js';
import {
  assertSequencesContiguous,
  createTopic,
  expectedLines,
  kcatConsume,
  storedBatches,
  withRetryBroker,
} from './support.js';

const TOPIC = 'idem-kafkajs';

test('KafkaJS idempotent producer: a lost acknowledgement is retried and stored once', async () => {
  await withRetryBroker(1, async ({ broker, bootstrap, proxy }) => {
    await createTopic(broker.port, TOPIC);
    const kafka = new Kafka({
      clientId: 'idem-kafkajs',
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 5000,
      retry: { retries: 5, initialRetryTime: 100 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const offsets: string[] = [];
    try {
      await producer.connect();
      for (let round = 0; round < 3; round++) {
        const messages = Array.from({ length: 4 }, (_, j) => {
          const i = round * 4 + j;
          return { key: `k${i}`, value: `v${i}`, partition: 0 };
        });
        const sent = await withTimeout(
          `KafkaJS send ${round}`,
          20_000,
          producer.send({ topic: TOPIC, messages, acks: -1 }),
          () => producer.disconnect(),
        );
        offsets.push(...sent.map((m) => m.baseOffset ?? '?'));
      }
    } finally {
      await producer.disconnect();
    }
    assert.equal(proxy.dropped, 1, 'one acknowledgement was lost');
    assert.ok(
      proxy.produceRequests >= 4,
      `the lost batch was sent again (${proxy.produceRequests})`,
    );
    assert.deepEqual(offsets, ['0', '4', '8'], 'the retry was answered with the original offset');
    assert.deepEqual(await kcatConsume(bootstrap, TOPIC), expectedLines(12));
    assertSequencesContiguous(storedBatches(broker.dataDir, TOPIC), 1);
  });
});
