// Property: for random sequences of KIP-848 heartbeats, subscription changes, leaves, timeouts,
// topic changes, offset commits and deletions, replaying the emitted records rebuilds the same
// persisted state; no partition is ever owned by two members; and once every member heartbeats
// with what it owns, the group settles Stable with every subscribed partition assigned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ErrorCodes as E } from '../../src/errors/generated/error-codes.js';
import { ConsumerGroup } from '../../src/coordinator/group/index.js';
import { Consumer, consumerDriver, converge, type ConsumerDriver } from './consumer-driver.js';
import { replayed } from './helpers.js';

const SUBSCRIPTIONS: { topics?: string[]; regex?: string }[] = [
  { topics: ['a'] },
  { topics: ['a', 'b'] },
  { topics: ['b', 'c'] },
  { regex: '[ab]' },
  { regex: 'c|d' },
];

type Op =
  | { kind: 'join'; group: number; slot: number; sub: number; static: boolean; range: boolean }
  | { kind: 'heartbeat'; group: number; slot: number; ack: boolean }
  | { kind: 'subscribe'; group: number; slot: number; sub: number }
  | { kind: 'leave'; group: number; slot: number; temporary: boolean }
  | { kind: 'time'; ms: number }
  | { kind: 'topic'; name: number; partitions: number }
  | { kind: 'commit'; group: number; slot: number }
  | { kind: 'simpleCommit'; group: number }
  | { kind: 'delete'; group: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      group: fc.nat(1),
      slot: fc.nat(3),
      sub: fc.nat(SUBSCRIPTIONS.length - 1),
      static: fc.boolean(),
      range: fc.boolean(),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('heartbeat' as const),
      group: fc.nat(1),
      slot: fc.nat(3),
      ack: fc.boolean(),
    }),
  },
  fc.record({
    kind: fc.constant('subscribe' as const),
    group: fc.nat(1),
    slot: fc.nat(3),
    sub: fc.nat(SUBSCRIPTIONS.length - 1),
  }),
  fc.record({
    kind: fc.constant('leave' as const),
    group: fc.nat(1),
    slot: fc.nat(3),
    temporary: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 1000, max: 50_000 }) }),
  fc.record({
    kind: fc.constant('topic' as const),
    name: fc.nat(3),
    partitions: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({ kind: fc.constant('commit' as const), group: fc.nat(1), slot: fc.nat(3) }),
  fc.record({ kind: fc.constant('simpleCommit' as const), group: fc.nat(1) }),
  fc.record({ kind: fc.constant('delete' as const), group: fc.nat(1) }),
);

const TOPIC_NAMES = ['a', 'b', 'c', 'd'];

class World {
  readonly d: ConsumerDriver = consumerDriver({ a: 3, b: 2, c: 1 });
  readonly consumers = new Map<string, Consumer>();
  #incarnation = 0;
  #topicGeneration = 0;
  /** The generation of each topic's id: a re-created topic gets a new id. */
  readonly #generations = new Map<string, number>();

  consumer(group: number, slot: number): Consumer | undefined {
    return this.consumers.get(`${group}/${slot}`);
  }

  /** A client reacts to errors as the Java client does: fenced or unknown, it rejoins later. */
  after(c: Consumer): void {
    const code = c.last?.errorCode;
    if (code === E.FENCED_MEMBER_EPOCH.code || code === E.UNKNOWN_MEMBER_ID.code) {
      c.epoch = 0;
      c.owned = [];
    }
  }

  apply(o: Op): void {
    const d = this.d;
    switch (o.kind) {
      case 'join': {
        if (this.consumer(o.group, o.slot) !== undefined) return;
        const sub = SUBSCRIPTIONS[o.sub]!;
        const c = new Consumer(d, `g${o.group}`, `m${o.slot}-${++this.#incarnation}`, {
          topics: sub.topics ?? [],
          regex: sub.regex ?? null,
          instanceId: o.static ? `i${o.slot}` : null,
          assignor: o.range ? 'range' : null,
        });
        c.heartbeat();
        if (c.last?.errorCode === 0) this.consumers.set(`${o.group}/${o.slot}`, c);
        return;
      }
      case 'heartbeat': {
        const c = this.consumer(o.group, o.slot);
        if (c === undefined) return;
        if (o.ack || c.epoch === 0) c.heartbeat();
        // A slow client has not revoked yet: it still reports what it owned before.
        else c.heartbeat({ topicPartitions: c.previouslyOwned.map((tp) => ({ ...tp })) });
        this.after(c);
        return;
      }
      case 'subscribe': {
        const c = this.consumer(o.group, o.slot);
        if (c === undefined || c.epoch <= 0) return;
        const sub = SUBSCRIPTIONS[o.sub]!;
        c.subscription = sub.topics ?? [];
        c.regex = sub.regex ?? null;
        c.heartbeat({
          subscribedTopicNames: sub.topics ?? [],
          subscribedTopicRegex: sub.regex ?? '',
        });
        this.after(c);
        return;
      }
      case 'leave': {
        const c = this.consumer(o.group, o.slot);
        if (c === undefined) return;
        c.leave(o.temporary && c.instanceId !== null ? -2 : -1);
        this.consumers.delete(`${o.group}/${o.slot}`);
        return;
      }
      case 'time':
        d.advance(o.ms);
        return;
      case 'topic': {
        const name = TOPIC_NAMES[o.name]!;
        // 0 partitions deletes the topic; otherwise it is (re)created or grows.
        if (o.partitions === 0) d.topics.delete(name);
        else {
          const current = d.topics.byName(name);
          if (current === undefined) {
            this.#generations.set(name, ++this.#topicGeneration);
            d.topics.set(name, o.partitions, this.#topicGeneration);
          } else if (o.partitions > current.partitions) {
            d.topics.set(name, o.partitions, this.#generations.get(name) ?? 0);
          }
        }
        d.record(d.shard.onTopicsChanged());
        return;
      }
      case 'commit': {
        const c = this.consumer(o.group, o.slot);
        if (c === undefined) return;
        d.record(
          d.shard.offsetCommit(
            {
              groupId: `g${o.group}`,
              generationIdOrMemberEpoch: c.epoch,
              memberId: c.memberId,
              groupInstanceId: null,
              retentionTimeMs: -1n,
              topics: [
                {
                  name: 'a',
                  partitions: [
                    {
                      partitionIndex: 0,
                      committedOffset: BigInt(c.epoch),
                      committedLeaderEpoch: -1,
                      commitTimestamp: -1n,
                      committedMetadata: null,
                    },
                  ],
                },
              ],
            },
            d.ctx(9),
          ),
        );
        return;
      }
      case 'simpleCommit':
        d.record(
          d.shard.offsetCommit(
            {
              groupId: `g${o.group}`,
              generationIdOrMemberEpoch: -1,
              memberId: '',
              groupInstanceId: null,
              retentionTimeMs: -1n,
              topics: [
                {
                  name: 'b',
                  partitions: [
                    {
                      partitionIndex: 1,
                      committedOffset: 7n,
                      committedLeaderEpoch: -1,
                      commitTimestamp: -1n,
                      committedMetadata: 'm',
                    },
                  ],
                },
              ],
            },
            d.ctx(9),
          ),
        );
        return;
      case 'delete':
        d.record(d.shard.deleteGroups({ groupsNames: [`g${o.group}`] }, d.ctx()));
        return;
    }
  }

  /** No partition is owned (assigned or pending revocation) by two members. */
  checkExclusiveOwnership(): void {
    for (const group of this.d.shard.groups.values()) {
      if (!(group instanceof ConsumerGroup)) continue;
      const owners = new Map<string, string>();
      for (const m of group.members.values()) {
        for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
          for (const [topicId, partitions] of a) {
            for (const p of partitions) {
              const key = `${topicId}-${p}`;
              const other = owners.get(key);
              assert.ok(
                other === undefined || other === m.memberId,
                `${key}: ${other} and ${m.memberId}`,
              );
              owners.set(key, m.memberId);
            }
          }
        }
      }
    }
  }
}

test('consumer groups: the state rebuilt from the emitted records equals the live state', () => {
  fc.assert(
    fc.property(fc.array(op, { minLength: 10, maxLength: 60, size: 'max' }), (ops) => {
      const w = new World();
      for (const o of ops) {
        w.apply(o);
        w.checkExclusiveOwnership();
        assert.deepEqual(replayed(w.d.log).snapshot(), w.d.shard.snapshot());
      }
    }),
    { numRuns: 200 },
  );
});

test('consumer groups: members that heartbeat with what they own settle Stable, all partitions assigned', () => {
  fc.assert(
    fc.property(fc.array(op, { minLength: 10, maxLength: 40, size: 'max' }), (ops) => {
      const w = new World();
      for (const o of ops) w.apply(o);
      // Members that left temporarily come back; everyone else acknowledges until quiet.
      for (const c of w.consumers.values()) if (c.epoch === 0) c.heartbeat();
      const live = [...w.consumers.values()];
      converge(live, 20);
      converge(live, 20);
      for (const c of live) w.after(c);
      converge(live, 20);
      w.checkExclusiveOwnership();
      for (const group of w.d.shard.groups.values()) {
        if (!(group instanceof ConsumerGroup) || group.isEmpty()) continue;
        const hasTemporary = [...group.members.values()].some((m) => m.memberEpoch === -2);
        if (hasTemporary) continue;
        const clients = live.filter((c) => c.groupId === group.groupId);
        if (clients.length !== group.members.size) continue;
        assert.equal(group.state, 'Stable', `${group.groupId} is ${group.state}`);
        const owned = new Set<string>();
        for (const m of group.members.values()) {
          for (const [topicId, partitions] of m.assignedPartitions) {
            for (const p of partitions) owned.add(`${topicId}-${p}`);
          }
        }
        for (const t of group.subscriptionMetadata.values()) {
          for (let p = 0; p < t.numPartitions; p++) {
            assert.ok(owned.has(`${t.topicId}-${p}`), `${group.groupId}: ${t.name}-${p} unowned`);
          }
        }
      }
      assert.deepEqual(replayed(w.d.log).snapshot(), w.d.shard.snapshot());
    }),
    { numRuns: 150 },
  );
});
