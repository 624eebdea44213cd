// @platformatic/kafka 1.x with `idempotent: true` (InitProducerId v5 with producerId 0 / epoch 0,
// Produce v11, acks=all): the response to its first produce is lost and the connection dropped,
// it retries the same batch with the same sequence, and the broker stores it once and answers
// with the original offset. kcat then reads every record exactly once, in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { withTimeout } from '../../support/capture/client-capture.js';
import {
  assertSequencesContiguous,
  createTopic,
  expectedLines,
  kcatConsume,
  storedBatches,
  withRetryBroker,
} from './support.js';

const TOPIC = 'idem-platformatic';

test('@platformatic/kafka idempotent producer: a lost acknowledgement is retried and stored once', async () => {
  await withRetryBroker(1, async ({ broker, bootstrap, proxy }) => {
    await createTopic(broker.port, TOPIC);
    const producer = new Producer({
      clientId: 'idem-platformatic',
      bootstrapBrokers: [bootstrap],
      serializers: stringSerializers,
      idempotent: true,
      timeout: 5000,
      retries: 5,
      retryDelay: 100,
    });
    const offsets: bigint[] = [];
    try {
      for (let round = 0; round < 3; round++) {
        const messages = Array.from({ length: 5 }, (_, j) => {
          const i = round * 5 + j;
          return { topic: TOPIC, partition: 0, key: `k${i}`, value: `v${i}` };
        });
        const result = await withTimeout(
          `@platformatic/kafka send ${round}`,
          20_000,
          producer.send({ messages }),
          () => producer.close(true),
        );
        offsets.push(...(result.offsets ?? []).map((o) => o.offset));
      }
      assert.ok(producer.producerId !== undefined && producer.producerId >= 0n);
      assert.equal(producer.producerEpoch, 0);
    } finally {
      await producer.close(true);
    }
    assert.equal(proxy.dropped, 1, 'one acknowledgement was lost');
    assert.ok(
      proxy.produceRequests >= 4,
      `the lost batch was sent again (${proxy.produceRequests})`,
    );
    assert.deepEqual(offsets, [0n, 5n, 10n], 'the retry was answered with the original offset');
    assert.deepEqual(await kcatConsume(bootstrap, TOPIC), expectedLines(15));
    assertSequencesContiguous(storedBatches(broker.dataDir, TOPIC), 1);
  });
});
