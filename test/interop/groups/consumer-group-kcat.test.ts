// kcat's balanced consumer (-G: librdkafka 2.0.2's KafkaConsumer; FindCoordinator v2,
// JoinGroup v5, SyncGroup v3, Heartbeat v3, OffsetCommit v7, OffsetFetch v7, LeaveGroup v1). Two
// kcat members started together land in the same first generation (the broker's initial
// rebalance delay waits for the second) and split the partitions; each reads its half to the end
// (-e), commits on close and leaves. The commits are what KafkaJS's OffsetFetch reads back, and a
// third kcat in the group resumes at them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker } from '../../support/broker.js';
import { createTopic } from '../../support/kafkajs-client.js';
import { BackgroundChild } from '../../support/run.js';
import {
  FAST_GROUPS,
  committedOffsets,
  describeGroup,
  listGroups,
  produceRange,
  recordValue,
} from './support.js';

const TOPIC = 'kcat-balanced';
const GROUP = 'kcat-group';
const PARTITIONS = 4;
const KCAT_MS = 20_000;

interface KcatMember {
  name: string;
  child: BackgroundChild;
}

function startKcat(bootstrap: string, name: string): KcatMember {
  const args = ['-b', bootstrap, '-X', `client.id=kcat-${name}`, '-G', GROUP];
  args.push('-X', 'auto.offset.reset=earliest', '-e', '-f', '%p %o %s\\n', TOPIC);
  return { name, child: new BackgroundChild('kcat', args, { timeoutMs: KCAT_MS }) };
}

/** Waits for a clean exit; returns the records printed ([partition, offset, value]). */
async function finished({ name, child }: KcatMember): Promise<[number, number, string][]> {
  const { code, signal } = await child.exited;
  assert.equal(code, 0, `kcat ${name} exited with ${code ?? signal}\n${child.describe()}`);
  return child.stdout
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [p, o, v] = line.split(' ');
      return [Number(p), Number(o), v ?? ''];
    });
}

/** The partition sets kcat reported, in order: "assigned: t [0], t [2]" / "revoked: …". */
function rebalances({ child }: KcatMember): [string, number[]][] {
  return [
    ...child.stderr.matchAll(/rebalanced \(memberid [^)]+\): (assigned|revoked): (.*)$/gm),
  ].map((m) => [m[1]!, [...m[2]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]))]);
}

/** Every record of `partitions` in [from, to), in partition then offset order. */
function expectedRecords(
  partitions: number[],
  from: number,
  to: number,
): [number, number, string][] {
  return partitions.flatMap((p) =>
    Array.from({ length: to - from }, (_, i): [number, number, string] => [
      p,
      from + i,
      recordValue(p, from + i),
    ]),
  );
}

const byPosition = (a: [number, number, string], b: [number, number, string]): number =>
  a[0] - b[0] || a[1] - b[1];

test('kcat -G: two balanced consumers split the partitions, commit on close, and a third resumes there', async () => {
  await withBroker(
    async ({ bootstrap }) => {
      await createTopic(bootstrap, TOPIC, { partitions: PARTITIONS });
      await produceRange(bootstrap, TOPIC, PARTITIONS, 0, 10);
      const a = startKcat(bootstrap, 'a');
      const b = startKcat(bootstrap, 'b');
      try {
        const [readByA, readByB] = await Promise.all([finished(a), finished(b)]);
        // One generation with both members: two partitions each, nothing else assigned after.
        const [firstA, firstB] = [rebalances(a)[0], rebalances(b)[0]];
        assert.equal(firstA?.[0], 'assigned', a.child.describe());
        assert.equal(firstB?.[0], 'assigned', b.child.describe());
        const [ownedByA, ownedByB] = [firstA[1], firstB[1]];
        assert.deepEqual([ownedByA.length, ownedByB.length], [2, 2]);
        assert.deepEqual([...ownedByA, ...ownedByB].sort(), [0, 1, 2, 3]);
        // Each read exactly its own partitions, every record once (had one left while the other
        // was still reading, the other would have found the leaver's partitions committed).
        assert.deepEqual(readByA.sort(byPosition), expectedRecords(ownedByA, 0, 10));
        assert.deepEqual(readByB.sort(byPosition), expectedRecords(ownedByB, 0, 10));
      } finally {
        await Promise.all([a.child.kill(), b.child.kill()]);
      }

      assert.deepEqual(await committedOffsets(bootstrap, GROUP, TOPIC), [10, 10, 10, 10]);
      assert.deepEqual(await describeGroup(bootstrap, GROUP, TOPIC), {
        state: 'Empty',
        protocolType: 'consumer',
        protocol: '',
        members: [],
      });
      assert.deepEqual(await listGroups(bootstrap), [[GROUP, 'consumer']]);

      // A third member resumes at the committed offsets: only the new records.
      await produceRange(bootstrap, TOPIC, PARTITIONS, 10, 15);
      const c = startKcat(bootstrap, 'c');
      try {
        const readByC = await finished(c);
        assert.deepEqual(rebalances(c), [
          ['assigned', [0, 1, 2, 3]],
          ['revoked', [0, 1, 2, 3]],
        ]);
        assert.deepEqual(readByC.sort(byPosition), expectedRecords([0, 1, 2, 3], 10, 15));
      } finally {
        await c.child.kill();
      }
      assert.deepEqual(await committedOffsets(bootstrap, GROUP, TOPIC), [15, 15, 15, 15]);
    },
    { overrides: { ...FAST_GROUPS, 'group.initial.rebalance.delay.ms': 1500 } },
  );
});
