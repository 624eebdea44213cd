// Incremental rebalances with Confluent's client (librdkafka 2.15.1): the classic protocol with the
// client-side cooperative-sticky assignor, and KIP-848 with the broker's uniform assignor. In both,
// a second member joining takes half of the first member's partitions while the first keeps the
// rest throughout (it never revokes everything), and no partition is ever owned by both.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Apis } from '../../../src/protocol/generated/index.js';
import { withBroker } from '../../support/broker.js';
import { WireClient } from '../../server/handlers/wire-client.js';
import { createTopic } from '../../support/kafkajs-client.js';
import {
  startConfluentGroupConsumer,
  type ConfluentGroupConsumer,
  type ConfluentGroupOptions,
} from '../../support/confluent-client.js';

const overrides = {
  'group.initial.rebalance.delay.ms': 0,
  'offsets.topic.num.partitions': 3,
  // KIP-848 members learn of a new assignment at their next heartbeat (5 s by default).
  'group.consumer.min.heartbeat.interval.ms': 500,
  'group.consumer.heartbeat.interval.ms': 500,
};
const PARTITIONS = 4;

/** The partitions a member owns now. */
function owned(member: ConfluentGroupConsumer): Set<number> {
  return new Set(member.assignment.map(([, p]) => p));
}

const cases: { name: string; options: Omit<ConfluentGroupOptions, 'groupId' | 'topics'> }[] = [
  {
    name: 'classic protocol, cooperative-sticky assignor',
    options: {
      groupProtocol: 'classic',
      config: { 'partition.assignment.strategy': 'cooperative-sticky' },
    },
  },
  {
    name: 'KIP-848 protocol, uniform server assignor',
    options: { groupProtocol: 'consumer', config: { 'group.remote.assignor': 'uniform' } },
  },
];

for (const { name, options } of cases) {
  test(`${name}: a joining member takes half the partitions without a stop-the-world revocation`, async () => {
    await withBroker(
      async (broker) => {
        const topic = 'shared';
        await createTopic(broker.bootstrap, topic, { partitions: PARTITIONS });
        const groupId = `incremental-${options.groupProtocol}`;
        const first = startConfluentGroupConsumer(broker.bootstrap, {
          ...options,
          groupId,
          topics: [topic],
        });
        let second: ConfluentGroupConsumer | undefined;
        try {
          await first.waitFor('all partitions', (c) => c.assignment.length === PARTITIONS);
          second = startConfluentGroupConsumer(broker.bootstrap, {
            ...options,
            groupId,
            topics: [topic],
          });
          const joined = second;
          // Overlap is checked as the handover happens, not only at the end.
          const overlaps: string[] = [];
          await joined.waitFor('half the partitions', (c) => {
            const mine = owned(c);
            for (const p of owned(first)) if (mine.has(p)) overlaps.push(`partition ${p}`);
            return c.assignment.length === PARTITIONS / 2;
          });
          await first.waitFor('the other half', (c) => c.assignment.length === PARTITIONS / 2);
          assert.deepEqual(overlaps, []);
          const a = owned(first);
          const b = owned(joined);
          assert.deepEqual(
            [...a, ...b].sort((x, y) => x - y),
            [0, 1, 2, 3],
            'every partition owned exactly once',
          );
          const revocations = first.events.flatMap((e) => (e.type === 'revoked' ? [e] : []));
          assert.equal(revocations.length, 1, 'one incremental revocation');
          assert.equal(revocations[0]?.partitions.length, PARTITIONS / 2, 'only what moves');
          if (options.groupProtocol === 'classic') {
            assert.equal(revocations[0]?.protocol, 'COOPERATIVE');
          }
        } finally {
          await second?.stop();
          await first.stop();
        }
      },
      { overrides },
    );
  });
}

test('KIP-848 regex subscription: topics created later that match join the assignment', async () => {
  await withBroker(
    async (broker) => {
      await createTopic(broker.bootstrap, 'orders-eu', { partitions: 2 });
      await createTopic(broker.bootstrap, 'payments', { partitions: 1 });
      const member = startConfluentGroupConsumer(broker.bootstrap, {
        groupProtocol: 'consumer',
        groupId: 'regex',
        // librdkafka subscribes to a regex when the topic name starts with ^.
        topics: ['^orders-.*'],
      });
      try {
        await member.waitFor('orders-eu assigned', (c) => c.assignment.length === 2);
        assert.deepEqual(member.assignment, [
          ['orders-eu', 0],
          ['orders-eu', 1],
        ]);
        // The broker resolves the pattern (ConsumerGroupHeartbeat v1), not the client.
        const admin = await WireClient.connect(broker.port);
        try {
          const described = await admin.send(Apis.ConsumerGroupDescribe, 0, {
            groupIds: ['regex'],
          });
          const [m] = described.groups[0]?.members ?? [];
          // librdkafka joins its patterns into one, each in parentheses.
          assert.deepEqual(
            [m?.subscribedTopicRegex, m?.subscribedTopicNames],
            ['(^orders-.*)', []],
          );
        } finally {
          admin.close();
        }
        await createTopic(broker.bootstrap, 'orders-us', { partitions: 1 });
        await member.waitFor('orders-us assigned too', (c) => c.assignment.length === 3);
        assert.deepEqual(member.assignment, [
          ['orders-eu', 0],
          ['orders-eu', 1],
          ['orders-us', 0],
        ]);
      } finally {
        await member.stop();
      }
    },
    { overrides },
  );
});
