// The server assignors of KIP-848 groups: uniform (balanced and sticky) and range (co-partitioned).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  rangeAssignor,
  uniformAssignor,
  type AssignmentMemberSpec,
  type ConsumerGroupPartitionAssignor,
} from '../../src/coordinator/group/assignors/index.js';
import {
  assignmentFromTopicPartitions,
  assignmentToTopicPartitions,
  type Assignment,
} from '../../src/coordinator/group/assignment.js';

interface Case {
  topics: Record<string, number>;
  members: AssignmentMemberSpec[];
}

function run(assignor: ConsumerGroupPartitionAssignor, c: Case): Map<string, Assignment> {
  return assignor.assign({ members: c.members }, { numPartitions: (id) => c.topics[id] ?? -1 });
}

function spec(
  memberId: string,
  topics: string[],
  assignment: Record<string, number[]> = {},
  instanceId: string | null = null,
): AssignmentMemberSpec {
  return {
    memberId,
    instanceId,
    rackId: null,
    subscribedTopicIds: new Set(topics),
    assignment: assignmentFromTopicPartitions(
      Object.entries(assignment).map(([topicId, partitions]) => ({ topicId, partitions })),
    ),
  };
}

function plain(result: Map<string, Assignment>): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const [memberId, a] of [...result].sort(([x], [y]) => (x < y ? -1 : 1))) {
    out[memberId] = Object.fromEntries(
      assignmentToTopicPartitions(a).map((tp) => [tp.topicId, tp.partitions]),
    );
  }
  return out;
}

function count(a: Assignment | undefined): number {
  let n = 0;
  for (const p of a?.values() ?? []) n += p.size;
  return n;
}

/** Every partition of a subscribed topic is assigned exactly once, to a subscriber. */
function assertComplete(c: Case, result: Map<string, Assignment>): void {
  const owners = new Map<string, string>();
  for (const [memberId, a] of result) {
    const m = c.members.find((x) => x.memberId === memberId)!;
    for (const [topicId, partitions] of a) {
      assert.ok(m.subscribedTopicIds.has(topicId), `${memberId} got unsubscribed ${topicId}`);
      for (const p of partitions) {
        assert.ok(p >= 0 && p < (c.topics[topicId] ?? 0), `${topicId}-${p} does not exist`);
        const key = `${topicId}-${p}`;
        assert.equal(owners.get(key), undefined, `${key} assigned twice`);
        owners.set(key, memberId);
      }
    }
  }
  for (const [topicId, n] of Object.entries(c.topics)) {
    if (!c.members.some((m) => m.subscribedTopicIds.has(topicId))) continue;
    for (let p = 0; p < n; p++)
      assert.ok(owners.has(`${topicId}-${p}`), `${topicId}-${p} unassigned`);
  }
}

const TOPICS = ['t0', 't1', 't2', 't3'];

/** Random topics, members and (possibly stale or invalid) current assignments. */
function caseArb(homogeneous: boolean): fc.Arbitrary<Case> {
  return fc
    .record({
      partitions: fc.array(fc.nat(9), { minLength: 4, maxLength: 4 }),
      memberCount: fc.integer({ min: 1, max: 7 }),
      subs: fc.array(fc.subarray(TOPICS, { minLength: 1 }), { minLength: 7, maxLength: 7 }),
      owned: fc.array(
        fc.record({
          member: fc.nat(7),
          topic: fc.nat(3),
          partition: fc.integer({ min: -1, max: 11 }),
        }),
        { maxLength: 30 },
      ),
    })
    .map(({ partitions, memberCount, subs, owned }) => {
      const topics = Object.fromEntries(TOPICS.map((t, i) => [t, partitions[i]!]));
      const members = Array.from({ length: memberCount }, (_, i) => {
        const assignment: Record<string, number[]> = {};
        for (const o of owned.filter((x) => x.member === i)) {
          (assignment[`t${o.topic}`] ??= []).push(o.partition);
        }
        return spec(`m${i}`, homogeneous ? TOPICS.slice(0, 2) : subs[i]!, assignment);
      });
      return { topics, members };
    });
}

test('uniform, homogeneous: complete, balanced within one, and deterministic', () => {
  fc.assert(
    fc.property(caseArb(true), (c) => {
      const result = run(uniformAssignor, c);
      assertComplete(c, result);
      const counts = c.members.map((m) => count(result.get(m.memberId)));
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `unbalanced ${counts.join(',')}`);
      const reversed = run(uniformAssignor, { ...c, members: [...c.members].reverse() });
      assert.deepEqual(plain(reversed), plain(result));
    }),
    { numRuns: 300 },
  );
});

test('uniform, homogeneous: a member keeps its valid partitions up to its fair share', () => {
  fc.assert(
    fc.property(caseArb(true), (c) => {
      const result = run(uniformAssignor, c);
      const total = Object.entries(c.topics)
        .filter(([t]) => c.members[0]!.subscribedTopicIds.has(t))
        .reduce((n, [, p]) => n + p, 0);
      const share = Math.floor(total / c.members.length);
      const claimed = new Set<string>();
      for (const m of c.members) {
        // Valid current partitions not claimed by an earlier member (the first owner keeps them).
        const valid: string[] = [];
        for (const [topicId, partitions] of m.assignment) {
          if (!m.subscribedTopicIds.has(topicId)) continue;
          for (const p of partitions) {
            const key = `${topicId}-${p}`;
            if (p >= 0 && p < (c.topics[topicId] ?? 0) && !claimed.has(key)) valid.push(key);
          }
        }
        valid.forEach((k) => claimed.add(k));
        const now = result.get(m.memberId)!;
        const kept = valid.filter((k) => {
          const [topicId, p] = k.split('-');
          return now.get(topicId!)?.has(Number(p)) === true;
        });
        assert.ok(kept.length >= Math.min(valid.length, share), `${m.memberId} lost too much`);
      }
    }),
    { numRuns: 300 },
  );
});

test('uniform: an already balanced assignment does not move; a new member takes only its share', () => {
  const c: Case = {
    topics: { a: 3, b: 2 },
    members: [
      spec('x', ['a', 'b'], { a: [2], b: [0] }),
      spec('y', ['a', 'b'], { a: [0], b: [1] }),
      spec('z', ['a', 'b'], { a: [1] }),
    ],
  };
  assert.deepEqual(plain(run(uniformAssignor, c)), {
    x: { a: [2], b: [0] },
    y: { a: [0], b: [1] },
    z: { a: [1] },
  });
  const withNew = { ...c, members: [...c.members, spec('w', ['a', 'b'])] };
  assert.deepEqual(plain(run(uniformAssignor, withNew)), {
    w: { a: [2] },
    x: { b: [0] },
    y: { a: [0], b: [1] },
    z: { a: [1] },
  });
});

test('uniform, heterogeneous: complete, and no partition can move to a subscriber two lighter', () => {
  fc.assert(
    fc.property(caseArb(false), (c) => {
      const result = run(uniformAssignor, c);
      assertComplete(c, result);
      for (const [memberId, a] of result) {
        for (const topicId of a.keys()) {
          for (const other of c.members) {
            if (!other.subscribedTopicIds.has(topicId)) continue;
            assert.ok(
              count(a) - count(result.get(other.memberId)) <= 1,
              `${memberId} could give ${topicId} to ${other.memberId}`,
            );
          }
        }
      }
      const reversed = run(uniformAssignor, { ...c, members: [...c.members].reverse() });
      assert.deepEqual(plain(reversed), plain(result));
    }),
    { numRuns: 300 },
  );
});

test("range: contiguous ranges, co-partitioned topics get the same numbers (Kafka's example)", () => {
  const c: Case = {
    topics: { T1: 3, T2: 3 },
    members: [spec('M0', ['T1', 'T2']), spec('M1', ['T1', 'T2'])],
  };
  assert.deepEqual(plain(run(rangeAssignor, c)), {
    M0: { T1: [0, 1], T2: [0, 1] },
    M1: { T1: [2], T2: [2] },
  });
  // Static members sort by instance id, before dynamic members.
  const statics: Case = {
    topics: { T1: 3 },
    members: [spec('a', ['T1'], {}, 'i2'), spec('b', ['T1'], {}, 'i1'), spec('0', ['T1'])],
  };
  assert.deepEqual(plain(run(rangeAssignor, statics)), {
    '0': { T1: [2] },
    a: { T1: [1] },
    b: { T1: [0] },
  });
});

test('range: every subscribed partition assigned once, to a subscriber', () => {
  fc.assert(
    fc.property(caseArb(false), (c) => {
      const result = run(rangeAssignor, c);
      assertComplete(c, result);
      for (const a of result.values()) {
        for (const partitions of a.values()) {
          const sorted = [...partitions].sort((x, y) => x - y);
          assert.equal(sorted.at(-1)! - sorted[0]! + 1, sorted.length, 'a range is contiguous');
        }
      }
    }),
    { numRuns: 200 },
  );
});
