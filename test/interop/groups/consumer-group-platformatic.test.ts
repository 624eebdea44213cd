// @platformatic/kafka 1.x in a consumer group, on the newest (flexible) versions: FindCoordinator
// v6 (batched keys), JoinGroup v9, SyncGroup v5, Heartbeat v4, LeaveGroup v5, OffsetCommit v9,
// OffsetFetch v9 (batched groups). A consumer commits part of a topic message by message and
// leaves; the next resumes at those commits. Its Admin lists and describes the group (ListGroups
// v5, DescribeGroups v5), reads, alters and deletes its offsets (OffsetFetch, OffsetCommit from
// outside the group, OffsetDelete) and deletes the group (DeleteGroups v2); a third consumer
// starts where the altered offsets say.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Admin,
  Consumer,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  stringDeserializers,
  type Message,
} from '@platformatic/kafka';
import { withBroker } from '../../support/broker.js';
import { createTopic } from '../../support/kafkajs-client.js';
import { platformaticConnection, withTimeout } from '../../support/platformatic-fetch.js';
import { FAST_GROUPS, committedOffsets, produceRange, recordValue, waitUntil } from './support.js';

const TOPIC = 'platformatic-group';
const GROUP = 'platformatic-group';
const WAIT_MS = 20_000;

type StringMessage = Message<string, string, string, string>;

interface RunningConsumer {
  consumer: Consumer<string, string, string, string>;
  messages: StringMessage[];
  /** Commits started by `commitWhen`; awaited by stop(). */
  commits: Promise<void>[];
  stop(): Promise<void>;
}

/** A group member reading TOPIC from its committed offsets (earliest where none). */
async function startConsumer(
  bootstrap: string,
  clientId: string,
  commitWhen: (m: StringMessage) => boolean,
): Promise<RunningConsumer> {
  const consumer = new Consumer({
    ...platformaticConnection(bootstrap),
    clientId,
    groupId: GROUP,
    deserializers: stringDeserializers,
  });
  const stream = await withTimeout(
    `${clientId} joining`,
    WAIT_MS,
    consumer.consume({
      topics: [TOPIC],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      autocommit: false,
      sessionTimeout: 6000,
      heartbeatInterval: 300,
      maxWaitTime: 100,
    }),
  );
  const running: RunningConsumer = {
    consumer,
    messages: [],
    commits: [],
    async stop() {
      await withTimeout(`${clientId} committing`, WAIT_MS, Promise.all(running.commits));
      await withTimeout(`${clientId} closing`, WAIT_MS, stream.close());
      await withTimeout(`${clientId} leaving`, WAIT_MS, consumer.close());
    },
  };
  stream.on('data', (m: StringMessage) => {
    running.messages.push(m);
    if (commitWhen(m)) running.commits.push(m.commit() as Promise<void>);
  });
  return running;
}

async function closeQuietly(consumer: Consumer<string, string, string, string>): Promise<void> {
  try {
    await consumer.close(true);
  } catch {
    // Closing after a failure: the test reports the failure itself.
  }
}

/** [partition, offset, value] of what a consumer read, in partition then offset order. */
function read(c: RunningConsumer): [number, number, string][] {
  return c.messages
    .map((m): [number, number, string] => [m.partition, Number(m.offset), m.value])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function expected(ranges: [number, number, number][]): [number, number, string][] {
  return ranges.flatMap(([p, from, to]) =>
    Array.from({ length: to - from }, (_, i): [number, number, string] => [
      p,
      from + i,
      recordValue(p, from + i),
    ]),
  );
}

test('@platformatic/kafka: a group consumer commits, the next resumes there; its admin lists, describes, alters offsets and deletes the group', async () => {
  await withBroker(
    async ({ bootstrap }) => {
      await createTopic(bootstrap, TOPIC, { partitions: 3 });
      await produceRange(bootstrap, TOPIC, 3, 0, 10);
      const admin = new Admin(platformaticConnection(bootstrap));
      const running: RunningConsumer[] = [];
      try {
        const listed = async () =>
          [...(await admin.listGroups()).values()].map((g) => [g.id, g.state, g.protocolType]);
        const offsets = async () => {
          const [group] = await admin.listConsumerGroupOffsets({ groups: [GROUP] });
          return group?.topics.map((t) => [
            t.name,
            t.partitions.map((p) => [p.partitionIndex, Number(p.committedOffset)]),
          ]);
        };

        // The first consumer reads everything and commits offset 6 (the record at 5) each.
        const first = await startConsumer(bootstrap, 'platformatic-1', (m) => m.offset === 5n);
        running.push(first);
        await waitUntil('30 records read', () => first.messages.length === 30, WAIT_MS);
        assert.deepEqual(
          read(first),
          expected([
            [0, 0, 10],
            [1, 0, 10],
            [2, 0, 10],
          ]),
        );
        assert.equal(first.consumer.generationId, 1);
        assert.deepEqual(first.consumer.assignments, [{ topic: TOPIC, partitions: [0, 1, 2] }]);
        const described = (await admin.describeGroups({ groups: [GROUP] })).get(GROUP);
        assert.deepEqual(
          {
            state: described?.state,
            protocolType: described?.protocolType,
            members: [...(described?.members.values() ?? [])].map((m) => [
              m.id,
              m.clientId,
              m.groupInstanceId,
              [...(m.assignments?.values() ?? [])],
            ]),
          },
          {
            state: 'STABLE',
            protocolType: 'consumer',
            members: [
              [
                first.consumer.memberId,
                'platformatic-1',
                null,
                [{ topic: TOPIC, partitions: [0, 1, 2] }],
              ],
            ],
          },
        );
        await first.stop();
        assert.deepEqual(await listed(), [[GROUP, 'EMPTY', 'consumer']]);
        assert.deepEqual(await offsets(), [
          [
            TOPIC,
            [
              [0, 6],
              [1, 6],
              [2, 6],
            ],
          ],
        ]);

        // The second one starts at 6: its first record on each partition is the one at 6.
        const second = await startConsumer(bootstrap, 'platformatic-2', () => true);
        running.push(second);
        await waitUntil('12 records read', () => second.messages.length === 12, WAIT_MS);
        assert.deepEqual(
          read(second),
          expected([
            [0, 6, 10],
            [1, 6, 10],
            [2, 6, 10],
          ]),
        );
        // Generation 2 was the empty one the first consumer's leave completed.
        assert.equal(second.consumer.generationId, 3);
        await second.stop();
        assert.deepEqual(await committedOffsets(bootstrap, GROUP, TOPIC), [10, 10, 10]);

        // Offsets moved from outside the (empty) group: back to 2 on 0, none on 1.
        await admin.alterConsumerGroupOffsets({
          groupId: GROUP,
          topics: [{ name: TOPIC, partitionOffsets: [{ partition: 0, offset: 2n }] }],
        });
        assert.deepEqual(
          await admin.deleteConsumerGroupOffsets({
            groupId: GROUP,
            topics: [{ name: TOPIC, partitionIndexes: [1] }],
          }),
          [{ name: TOPIC, partitionIndexes: [1] }],
        );
        assert.deepEqual(await committedOffsets(bootstrap, GROUP, TOPIC), [2, -1, 10]);
        const third = await startConsumer(bootstrap, 'platformatic-3', () => false);
        running.push(third);
        await waitUntil('18 records read', () => third.messages.length === 18, WAIT_MS);
        assert.deepEqual(
          read(third),
          expected([
            [0, 2, 10],
            [1, 0, 10],
          ]),
        );
        await third.stop();

        await admin.deleteGroups({ groups: [GROUP] });
        assert.deepEqual(await listed(), []);
        assert.deepEqual(await committedOffsets(bootstrap, GROUP, TOPIC), [-1, -1, -1]);
      } finally {
        // A no-op for consumers stop() closed; the others are closed by force.
        for (const c of running) await closeQuietly(c.consumer);
        await admin.close();
      }
    },
    { overrides: FAST_GROUPS },
  );
});
