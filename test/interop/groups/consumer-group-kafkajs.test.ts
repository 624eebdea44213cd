// KafkaJS 2.2.4 consumer groups (FindCoordinator v2, JoinGroup v5, SyncGroup v3, Heartbeat v3,
// OffsetCommit v5, OffsetFetch v4, LeaveGroup v3): three members, each a child process that
// commits after every batch, join (one, then two more); one crashes (SIGKILL: no commit, no
// LeaveGroup) and its partitions go to the survivors once its session times out; another leaves.
// At every generation no partition has two owners, every record is consumed, and the only records
// delivered twice are those the crashed member consumed after its last commit (at-least-once):
// nothing below a committed offset comes back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker } from '../../support/broker.js';
import { createTopic } from '../../support/kafkajs-client.js';
import { KafkajsGroupMember, type MemberAssignment } from '../../support/kafkajs-group.js';
import {
  FAST_GROUPS,
  committedOffsets,
  describeGroup,
  listGroups,
  produceRange,
  recordValue,
  waitUntil,
} from './support.js';

const TOPIC = 'group-orders';
const GROUP = 'kafkajs-three';
const PARTITIONS = 6;
const ALL = [0, 1, 2, 3, 4, 5];
const SESSION_TIMEOUT_MS = 3000;
const WAIT_MS = 20_000;

test('KafkaJS group of three: members join, one crashes, one leaves; no partition owned twice, nothing committed is consumed again', async () => {
  await withBroker(
    async (broker) => {
      const { bootstrap } = broker;
      await createTopic(bootstrap, TOPIC, { partitions: PARTITIONS });
      const members: KafkajsGroupMember[] = [];
      const start = (name: string): KafkajsGroupMember => {
        const m = new KafkajsGroupMember(name, {
          bootstrap,
          groupId: GROUP,
          topic: TOPIC,
          sessionTimeoutMs: SESSION_TIMEOUT_MS,
          heartbeatIntervalMs: 300,
        });
        members.push(m);
        return m;
      };
      const describe = (): string => members.map((m) => m.describe()).join('\n');
      const wait = (what: string, done: () => boolean): Promise<void> =>
        waitUntil(what, done, WAIT_MS, describe);
      /** Highest committed offset per partition, over every member's acknowledged commits. */
      const committed = (p: number): number =>
        Math.max(0, ...members.map((m) => m.committed.get(p) ?? 0));
      const delivered = (p: number, o: number, among = members): boolean =>
        among.some((m) => m.deliveries.some((d) => d.partition === p && d.offset === o));
      const consumedAndCommitted = (upTo: number): boolean =>
        ALL.every((p) => committed(p) === upTo) &&
        ALL.every((p) => Array.from({ length: upTo }, (_, o) => o).every((o) => delivered(p, o)));
      /** The generation every member in `group` is in with the given partition counts, if any. */
      const generationOf = (group: KafkajsGroupMember[], sizes: number[]): number | undefined => {
        const latest = group.map((m) => m.assignment);
        const gen = latest[0]?.generationId;
        const same = latest.every((a) => a !== undefined && a.generationId === gen);
        const counts = latest.map((a) => a?.partitions.length ?? -1);
        return same && counts.join() === sizes.join() ? gen : undefined;
      };

      try {
        // A alone: generation 1, every partition.
        await produceRange(bootstrap, TOPIC, PARTITIONS, 0, 10);
        const a = start('a');
        await wait('member a consuming and committing 0..9', () => consumedAndCommitted(10));
        assert.deepEqual(
          a.assignments.map((x) => [x.generationId, x.partitions]),
          [[1, ALL]],
        );

        // B and C join: one generation where each of the three owns two partitions.
        const b = start('b');
        const c = start('c');
        await wait('a generation of three', () => generationOf([a, b, c], [2, 2, 2]) !== undefined);
        const g2 = generationOf([a, b, c], [2, 2, 2])!;
        assert.ok(g2 >= 2, `generation ${g2}`);
        assert.deepEqual(
          [a, b, c].flatMap((m) => m.assignment!.partitions).sort(),
          ALL,
          'the three assignments split the partitions',
        );
        // The broker hands out, and describes, exactly what the leader assigned.
        assert.deepEqual(await describeGroup(bootstrap, GROUP, TOPIC), {
          state: 'Stable',
          protocolType: 'consumer',
          protocol: 'RoundRobinAssigner',
          members: [a, b, c].map((m): [string, number[]] => [
            `member-${m.name}`,
            m.assignment!.partitions,
          ]),
        });
        await produceRange(bootstrap, TOPIC, PARTITIONS, 10, 15);
        await wait('records 10..14 consumed and committed', () => consumedAndCommitted(15));

        // B stops committing, consumes 15..19 of its partitions, and crashes.
        await b.hold();
        const crashed = b.assignment!;
        const survivorsParts = ALL.filter((p) => !crashed.partitions.includes(p));
        await produceRange(bootstrap, TOPIC, PARTITIONS, 15, 20);
        await wait(
          'records 15..19 consumed (B without committing)',
          () =>
            crashed.partitions.every((p) =>
              [15, 16, 17, 18, 19].every((o) => delivered(p, o, [b])),
            ) && survivorsParts.every((p) => committed(p) === 20),
        );
        await b.kill();
        const killedAt = Date.now();
        assert.deepEqual(
          crashed.partitions.map((p) => b.committed.get(p)),
          crashed.partitions.map(() => 15),
          'B last committed offset 15',
        );
        assert.deepEqual(
          await committedOffsets(bootstrap, GROUP, TOPIC),
          ALL.map((p) => (crashed.partitions.includes(p) ? 15 : 20)),
          'the broker holds what each member committed',
        );

        // Only B's session timeout moves its partitions: one more generation, A and C only.
        await wait(
          'a generation of the two survivors',
          () => generationOf([a, c], [3, 3]) !== undefined,
        );
        const g3 = generationOf([a, c], [3, 3])!;
        assert.equal(g3, g2 + 1, 'one rebalance for the crash');
        assert.deepEqual([a, c].flatMap((m) => m.assignment!.partitions).sort(), ALL);
        await wait('the survivors reading B’s partitions again from 15', () =>
          crashed.partitions.every((p) => delivered(p, 19, [a, c])),
        );
        // They resume exactly at B's committed offset.
        for (const p of crashed.partitions) {
          const first = [a, c]
            .flatMap((m) => m.deliveries)
            .filter((d) => d.partition === p && d.at >= killedAt)
            .sort((x, y) => x.at - y.at || x.offset - y.offset)[0];
          assert.equal(first?.offset, 15, `partition ${p} resumes at the committed offset`);
        }
        await produceRange(bootstrap, TOPIC, PARTITIONS, 20, 25);
        await wait('records 20..24 consumed and committed', () => consumedAndCommitted(25));

        // C leaves (LeaveGroup): A owns everything in the next generation.
        await c.stop();
        await wait('A alone again', () => generationOf([a], [6]) !== undefined);
        assert.equal(a.assignment!.generationId, g3 + 1, 'one rebalance for the leave');
        await produceRange(bootstrap, TOPIC, PARTITIONS, 25, 30);
        await wait('records 25..29 consumed and committed', () => consumedAndCommitted(30));
        await a.stop();

        // Every generation: no partition owned twice, all of them owned.
        const byGeneration = new Map<number, MemberAssignment[]>();
        for (const m of members) {
          for (const x of m.assignments) {
            byGeneration.set(x.generationId, [...(byGeneration.get(x.generationId) ?? []), x]);
          }
        }
        for (const [generation, assignments] of byGeneration) {
          const owned = assignments.flatMap((x) => x.partitions).sort();
          assert.deepEqual(owned, ALL, `generation ${generation}: each partition has one owner`);
        }
        // A member only ever consumed partitions it owned at the time.
        for (const m of members) {
          let owned: number[] = [];
          for (const e of m.events) {
            if (e.type === 'assigned') owned = e.partitions;
            if (e.type === 'batch')
              assert.ok(owned.includes(e.partition), `${m.name} read ${e.partition}, not its own`);
          }
        }
        // Every record consumed, with its value; twice only where B had not committed.
        const counts = new Map<string, number>();
        for (const m of members) {
          for (const d of m.deliveries) {
            assert.equal(d.value, recordValue(d.partition, d.offset));
            const key = `${d.partition}@${d.offset}`;
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
        }
        const expected = new Map<string, number>();
        for (const p of ALL) {
          for (let o = 0; o < 30; o++) {
            const redelivered = crashed.partitions.includes(p) && o >= 15 && o < 20;
            expected.set(`${p}@${o}`, redelivered ? 2 : 1);
          }
        }
        assert.deepEqual(new Map([...counts].sort()), new Map([...expected].sort()));
        assert.deepEqual(
          members.map((m) => [m.name, m.errors]),
          members.map((m) => [m.name, []]),
        );

        assert.deepEqual(
          await committedOffsets(bootstrap, GROUP, TOPIC),
          ALL.map(() => 30),
        );
        assert.deepEqual(await describeGroup(bootstrap, GROUP, TOPIC), {
          state: 'Empty',
          protocolType: 'consumer',
          protocol: '',
          members: [],
        });
        assert.deepEqual(await listGroups(bootstrap), [[GROUP, 'consumer']]);
      } finally {
        for (const m of members) await m.kill();
      }
    },
    { overrides: FAST_GROUPS },
  );
});
