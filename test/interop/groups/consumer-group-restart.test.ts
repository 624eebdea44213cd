// Groups and offsets survive a broker restart: everything lives in `__consumer_offsets` and is
// replayed at start-up. Stopped cleanly with a KafkaJS member still running (it reconnects to
// the same port and carries on without consuming anything twice), on the default 50 partitions of
// `__consumer_offsets`; and killed (SIGKILL, no flush) after kcat balanced consumers committed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { startBroker, type TestBroker } from '../../support/broker.js';
import { removeDataDir, startChildBroker, type ChildBroker } from '../../support/child-broker.js';
import { createTopic } from '../../support/kafkajs-client.js';
import { KafkajsGroupMember } from '../../support/kafkajs-group.js';
import { kcat } from '../../support/kcat.js';
import { platformaticConnection } from '../../support/platformatic-fetch.js';
import {
  FAST_GROUPS,
  committedOffsets,
  describeGroup,
  listGroups,
  produceRange,
  recordValue,
} from './support.js';

const TOPIC = 'restart-orders';
test('a clean restart keeps groups and offsets (default 50 partitions of __consumer_offsets); a live KafkaJS member carries on', async () => {
  // Default offsets.topic.num.partitions: 50.
  const overrides = {
    'group.initial.rebalance.delay.ms': 0,
    'group.min.session.timeout.ms': 1000,
  };
  let broker: TestBroker | undefined = await startBroker({ overrides });
  let member: KafkajsGroupMember | undefined;
  try {
    const { port, dataDir } = broker;
    const bootstrap = broker.bootstrap;
    await createTopic(bootstrap, TOPIC, { partitions: 3 });
    await produceRange(bootstrap, TOPIC, 3, 0, 10);
    member = new KafkajsGroupMember('live', {
      bootstrap,
      groupId: 'restart-live',
      topic: TOPIC,
      sessionTimeoutMs: 3000,
      heartbeatIntervalMs: 300,
    });
    const m = member;
    const consumedAndCommitted = (upTo: number): boolean =>
      [0, 1, 2].every((p) => m.committed.get(p) === upTo) &&
      m.deliveries.filter((d) => d.offset < upTo).length >= 3 * upTo;
    await m.waitFor('records 0..9 consumed and committed', () => consumedAndCommitted(10));

    // A group with offsets only (committed from outside, generation -1), and a deleted group.
    const admin = new Admin(platformaticConnection(bootstrap));
    try {
      for (const groupId of ['restart-idle', 'restart-deleted']) {
        await admin.alterConsumerGroupOffsets({
          groupId,
          topics: [
            {
              name: TOPIC,
              partitionOffsets: [
                { partition: 0, offset: 3n },
                { partition: 1, offset: 4n },
              ],
            },
          ],
        });
      }
      await admin.deleteGroups({ groups: ['restart-deleted'] });
    } finally {
      await admin.close();
    }
    const before = await listGroups(bootstrap);
    assert.deepEqual(before, [
      ['restart-idle', ''],
      ['restart-live', 'consumer'],
    ]);

    await broker.stop({ keepData: true });
    broker = undefined;
    const stoppedAt = Date.now();
    broker = await startBroker({
      overrides: { ...overrides, listeners: `PLAINTEXT://127.0.0.1:${port}` },
      dataDir,
    });

    assert.deepEqual(await committedOffsets(bootstrap, 'restart-live', TOPIC), [10, 10, 10]);
    assert.deepEqual(await committedOffsets(bootstrap, 'restart-idle', TOPIC), [3, 4, -1]);
    assert.deepEqual(await committedOffsets(bootstrap, 'restart-deleted', TOPIC), [-1, -1, -1]);
    assert.deepEqual(await listGroups(bootstrap), before);

    // The member, still running, reads only what comes after the restart.
    await produceRange(bootstrap, TOPIC, 3, 10, 15);
    await m.waitFor('records 10..14 consumed and committed', () => consumedAndCommitted(15));
    const afterRestart = m.deliveries
      .filter((d) => d.at >= stoppedAt)
      .map((d): [number, number, string | null] => [d.partition, d.offset, d.value])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    assert.deepEqual(
      afterRestart,
      [0, 1, 2].flatMap((p) =>
        [10, 11, 12, 13, 14].map((o): [number, number, string] => [p, o, recordValue(p, o)]),
      ),
    );
    assert.deepEqual(await describeGroup(bootstrap, 'restart-live', TOPIC), {
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'RoundRobinAssigner',
      members: [['member-live', [0, 1, 2]]],
    });
    // It never had to rejoin: the replayed group still knew its member and generation.
    assert.deepEqual(
      m.assignments.map((a) => [a.generationId, a.partitions]),
      [[1, [0, 1, 2]]],
    );
    await m.stop();
    assert.deepEqual(m.errors, []);
    assert.deepEqual(await committedOffsets(bootstrap, 'restart-live', TOPIC), [15, 15, 15]);
  } finally {
    await member?.kill();
    await broker?.stop();
  }
});

test('a broker killed with SIGKILL comes back with the groups and offsets kcat committed', async () => {
  let broker: ChildBroker | undefined = await startChildBroker({ overrides: FAST_GROUPS });
  const { dataDir } = broker;
  const group = ['-G', 'crash-kcat', '-X', 'auto.offset.reset=earliest', '-e', '-f', '%p %o %s\\n'];
  const kcatRead = async (bootstrap: string): Promise<string[]> =>
    (await kcat(bootstrap, [...group, TOPIC])).stdout
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .sort();
  const lines = (from: number, to: number): string[] =>
    [0, 1].flatMap((p) =>
      Array.from({ length: to - from }, (_, i) => `${p} ${from + i} ${recordValue(p, from + i)}`),
    );
  try {
    await createTopic(broker.bootstrap, TOPIC, { partitions: 2 });
    await produceRange(broker.bootstrap, TOPIC, 2, 0, 6);
    assert.deepEqual(await kcatRead(broker.bootstrap), lines(0, 6).sort());
    assert.deepEqual(await committedOffsets(broker.bootstrap, 'crash-kcat', TOPIC), [6, 6]);

    await broker.kill9();
    broker = undefined;
    broker = await startChildBroker({ dataDir, overrides: FAST_GROUPS });
    const { bootstrap } = broker;

    assert.deepEqual(await committedOffsets(bootstrap, 'crash-kcat', TOPIC), [6, 6]);
    assert.deepEqual(await listGroups(bootstrap), [['crash-kcat', 'consumer']]);
    const view = await describeGroup(bootstrap, 'crash-kcat', TOPIC);
    assert.deepEqual([view.state, view.members], ['Empty', []]);
    await produceRange(bootstrap, TOPIC, 2, 6, 9);
    assert.deepEqual(await kcatRead(bootstrap), lines(6, 9).sort());
    assert.deepEqual(await committedOffsets(bootstrap, 'crash-kcat', TOPIC), [9, 9]);
  } finally {
    await broker?.stop();
    removeDataDir(dataDir);
  }
});
