// Static membership (KIP-345) with Python confluent-kafka on librdkafka 2.0.2 (JoinGroup v5 with
// group.instance.id): a static member leaves no LeaveGroup behind when it closes or crashes, so a
// new process with the same group.instance.id that joins within the session timeout takes over
// the old member's place: same generation, same partitions, no rebalance for anyone else, and it
// resumes at the old member's commits. Generations come from librdkafka's JoinGroup log lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker } from '../../support/broker.js';
import { createTopic } from '../../support/kafkajs-client.js';
import { PythonGroupMember } from '../../support/python-group.js';
import { FAST_GROUPS, describeGroup, produceRange, recordValue, waitUntil } from './support.js';

const TOPIC = 'static-members';
const GROUP = 'static-group';
const PARTITIONS = 4;
const WAIT_MS = 30_000;

test('static members restarted within the session timeout (closed, or killed) keep generation and partitions without a rebalance', async () => {
  await withBroker(
    async ({ bootstrap }) => {
      await createTopic(bootstrap, TOPIC, { partitions: PARTITIONS });
      await produceRange(bootstrap, TOPIC, PARTITIONS, 0, 5);
      const members: PythonGroupMember[] = [];
      const start = (name: string, instance: string): PythonGroupMember => {
        const m = new PythonGroupMember(name, bootstrap, TOPIC, {
          'group.id': GROUP,
          'group.instance.id': instance,
          'session.timeout.ms': 10_000,
          'heartbeat.interval.ms': 300,
        });
        members.push(m);
        return m;
      };
      const describe = (): string => members.map((m) => m.describe()).join('\n');
      const wait = (what: string, done: () => boolean): Promise<void> =>
        waitUntil(what, done, WAIT_MS, describe);
      const readAll = (m: PythonGroupMember, partitions: number[], from: number, to: number) =>
        partitions.every((p) =>
          Array.from({ length: to - from }, (_, i) => from + i).every((o) =>
            m.records.some((r) => r.partition === p && r.offset === o),
          ),
        );
      /** What a member read: [partition, offset, value], sorted. */
      const read = (m: PythonGroupMember): [number, number, string | null][] =>
        m.records
          .map((r): [number, number, string | null] => [r.partition, r.offset, r.value])
          .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      const expected = (partitions: number[], from: number, to: number) =>
        partitions.flatMap((p) =>
          Array.from({ length: to - from }, (_, i): [number, number, string] => [
            p,
            from + i,
            recordValue(p, from + i),
          ]),
        );

      try {
        const a = start('a', 'static-a');
        await wait('a owning and reading everything', () => readAll(a, [0, 1, 2, 3], 0, 5));
        const b = start('b', 'static-b');
        await wait(
          'a generation with a and b',
          () =>
            b.rebalances.length === 1 &&
            a.rebalances.length === 3 &&
            a.joins.at(-1)?.generationId === b.joins.at(-1)?.generationId,
        );
        const generation = b.joins.at(-1)!.generationId;
        assert.equal(generation, 2);
        assert.deepEqual(
          a.joins.map((j) => [j.generationId, j.leader]),
          [
            [1, true],
            [2, true],
          ],
        );
        const ownedByA = a.rebalances[2]![1];
        const ownedByB = b.rebalances[0]![1];
        assert.deepEqual(a.rebalances.slice(0, 2), [
          ['assigned', [0, 1, 2, 3]],
          ['revoked', [0, 1, 2, 3]],
        ]);
        assert.deepEqual([ownedByA.length, ownedByB.length], [2, 2]);
        assert.deepEqual([...ownedByA, ...ownedByB].sort(), [0, 1, 2, 3]);
        await produceRange(bootstrap, TOPIC, PARTITIONS, 5, 8);
        await wait(
          'records 5..7 read',
          () => readAll(a, ownedByA, 5, 8) && readAll(b, ownedByB, 5, 8),
        );

        // The follower closes (no LeaveGroup) and a new process takes its instance id.
        await b.stop();
        const view = await describeGroup(bootstrap, GROUP, TOPIC);
        assert.equal(view.state, 'Stable', 'the closed static member is still in the group');
        assert.equal(view.members.length, 2);
        const b2 = start('b2', 'static-b');
        await wait('b2 assigned', () => b2.rebalances.length === 1);
        assert.deepEqual(b2.rebalances, [['assigned', ownedByB]], 'the same partitions');
        assert.equal(b2.joins.length, 1);
        assert.equal(b2.joins[0]!.generationId, generation, 'no new generation');
        assert.notEqual(b2.joins[0]!.memberId, b.joins.at(-1)!.memberId, 'a new member id');

        // The leader crashes (SIGKILL) and comes back the same way.
        await a.kill();
        const a2 = start('a2', 'static-a');
        await wait('a2 assigned', () => a2.rebalances.length === 1);
        assert.deepEqual(a2.rebalances, [['assigned', ownedByA]], 'the same partitions');
        assert.equal(a2.joins.length, 1);
        assert.equal(a2.joins[0]!.generationId, generation, 'no new generation');

        // Both resume at the commits of the processes they replaced: only the new records.
        await produceRange(bootstrap, TOPIC, PARTITIONS, 8, 10);
        await wait(
          'records 8..9 read',
          () => readAll(a2, ownedByA, 8, 10) && readAll(b2, ownedByB, 8, 10),
        );
        await Promise.all([a2.stop(), b2.stop()]);
        assert.deepEqual(read(b2), expected(ownedByB, 8, 10));
        assert.deepEqual(read(a2), expected(ownedByA, 8, 10));
        // Nobody saw a rebalance after generation 2.
        assert.deepEqual(
          [a, b, a2, b2].map((m) => [m.name, m.joins.at(-1)?.generationId, m.rebalances.length]),
          [
            ['a', 2, 3],
            ['b', 2, 2],
            ['a2', 2, 2],
            ['b2', 2, 2],
          ],
        );
        assert.deepEqual(
          members.map((m) => [m.name, m.errors]),
          members.map((m) => [m.name, []]),
        );
      } finally {
        for (const m of members) await m.kill();
      }
    },
    { overrides: FAST_GROUPS },
  );
});
