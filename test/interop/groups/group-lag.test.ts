// Consumer lag as the broker computes it (Broker.groupLag): committed offsets from real clients
// against the high watermark, and the owner of each partition from a live classic group
// (KafkaJS) and a live KIP-848 group (Confluent's client with group.protocol=consumer).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Broker } from '../../../src/server/broker.js';
import { withBroker } from '../../support/broker.js';
import { createTopic, kafkajsClient } from '../../support/kafkajs-client.js';
import {
  confluentProduce,
  numberedRecords,
  startConfluentGroupConsumer,
} from '../../support/confluent-client.js';

const overrides = { 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 3 };

async function produce(bootstrap: string, topic: string, perPartition: number[]): Promise<void> {
  const records = perPartition.flatMap((n, partition) =>
    numberedRecords(`p${partition}`, n).map((r) => ({ ...r, partition })),
  );
  const { failed } = await confluentProduce(bootstrap, topic, records);
  assert.deepEqual(failed, []);
}

const rowsOf = (lag: ReturnType<Broker['groupLag']>) =>
  lag?.map((r) => [r.topic, r.partition, r.committedOffset, r.logEndOffset, r.lag]);

test('lag of a group without members: committed partitions only, no owners', async () => {
  await withBroker(
    async (broker) => {
      await createTopic(broker.bootstrap, 'lagged', { partitions: 2 });
      await produce(broker.bootstrap, 'lagged', [5, 3]);
      const admin = kafkajsClient(broker.bootstrap).admin();
      await admin.connect();
      try {
        await admin.setOffsets({
          groupId: 'simple',
          topic: 'lagged',
          partitions: [{ partition: 0, offset: '2' }],
        });
      } finally {
        await admin.disconnect();
      }
      const lag = broker.broker.groupLag('simple');
      assert.deepEqual(rowsOf(lag), [['lagged', 0, 2n, 5n, 3n]]);
      assert.equal(lag?.[0]?.memberId, null);
      assert.equal(broker.broker.groupLag('nobody'), undefined);
    },
    { overrides },
  );
});

test('lag of a live KafkaJS group names each partition owner; after it leaves, new records show as lag', async () => {
  await withBroker(
    async (broker) => {
      await createTopic(broker.bootstrap, 'watched', { partitions: 2 });
      await produce(broker.bootstrap, 'watched', [4, 2]);
      const consumer = kafkajsClient(broker.bootstrap, 'lag-test').consumer({
        groupId: 'live',
        sessionTimeout: 10_000,
        heartbeatInterval: 200,
        maxWaitTimeInMs: 100,
      });
      await consumer.connect();
      let memberId = '';
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        memberId = e.payload.memberId;
      });
      try {
        await consumer.subscribe({ topic: 'watched', fromBeginning: true });
        let seen = 0;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${seen} of 6 records`)), 20_000);
          void consumer.run({
            autoCommitThreshold: 1,
            eachMessage: async () => {
              if (++seen === 6) {
                clearTimeout(timer);
                resolve();
              }
            },
          });
        });
        // Offsets are committed after eachMessage returns: wait until both partitions show them.
        let lag = broker.broker.groupLag('live');
        const settled = (rows: typeof lag): boolean =>
          rows?.length === 2 && rows.every((r) => r.lag === 0n);
        for (let i = 0; i < 100 && !settled(lag); i++) {
          await new Promise((r) => setTimeout(r, 50));
          lag = broker.broker.groupLag('live');
        }
        assert.deepEqual(rowsOf(lag), [
          ['watched', 0, 4n, 4n, 0n],
          ['watched', 1, 2n, 2n, 0n],
        ]);
        assert.deepEqual(
          lag?.map((r) => [r.memberId, r.clientId, r.clientHost]),
          [
            [memberId, 'lag-test', '/127.0.0.1'],
            [memberId, 'lag-test', '/127.0.0.1'],
          ],
        );
      } finally {
        await consumer.disconnect();
      }
      await produce(broker.bootstrap, 'watched', [0, 3]);
      const after = broker.broker.groupLag('live');
      assert.deepEqual(rowsOf(after), [
        ['watched', 0, 4n, 4n, 0n],
        ['watched', 1, 2n, 5n, 3n],
      ]);
      assert.deepEqual(
        after?.map((r) => r.memberId),
        [null, null],
        'an empty group owns nothing',
      );
    },
    { overrides },
  );
});

test('lag of a KIP-848 group: owners from the server-side assignment, uncommitted partitions listed', async () => {
  await withBroker(
    async (broker) => {
      await createTopic(broker.bootstrap, 'modern', { partitions: 2 });
      const member = startConfluentGroupConsumer(broker.bootstrap, {
        groupId: 'kip848',
        topics: ['modern'],
        groupProtocol: 'consumer',
        config: { 'client.id': 'lag-848' },
      });
      try {
        await member.waitFor('both partitions assigned', (c) => c.assignment.length === 2);
        const lag = broker.broker.groupLag('kip848');
        assert.deepEqual(rowsOf(lag), [
          ['modern', 0, null, 0n, null],
          ['modern', 1, null, 0n, null],
        ]);
        const owners = new Set(lag?.map((r) => r.memberId));
        assert.equal(owners.size, 1);
        assert.deepEqual(
          lag?.map((r) => [r.clientId, r.clientHost]),
          [
            ['lag-848', '/127.0.0.1'],
            ['lag-848', '/127.0.0.1'],
          ],
        );
      } finally {
        await member.stop();
      }
    },
    { overrides },
  );
});
