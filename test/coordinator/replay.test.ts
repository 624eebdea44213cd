// Property: replaying every record a shard emitted rebuilds the same persisted state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassicGroup } from '../../src/coordinator/group/index.js';
import fc from 'fast-check';
import { harness, joinRequest, replayed, type Harness } from './helpers.js';
import { decodeRecord } from '../../src/coordinator/group/index.js';
import type { JoinGroupResponse } from '../../src/protocol/generated/api/join-group.js';

/** Brings a rebalancing group back to Stable: every member rejoins, then all sync. */
async function settle(h: Harness, groupId: string): Promise<void> {
  const group = h.shard.groups.get(groupId) as ClassicGroup | undefined;
  if (group === undefined) return;
  if (group.state === 'PreparingRebalance') {
    const joins: Promise<JoinGroupResponse>[] = [];
    // Parked joins are collected first: a rejoin below may complete them.
    const parked = [...group.members.values()].map((m) => m.awaitingJoin?.promise);
    for (const [i, m] of [...group.members.values()].entries()) {
      const pending = parked[i];
      joins.push(
        pending ??
          h.record(
            h.shard.joinGroup(joinRequest(groupId, m.memberId, `meta-${m.memberId}`), h.ctx()),
          ),
      );
    }
    h.record(h.shard.tick(h.clock.now));
    await Promise.all(joins);
  }
  const state: string = group.state;
  if (state !== 'CompletingRebalance') return;
  const generationId = group.generationId;
  const memberIds = [...group.members.keys()];
  const syncs = memberIds.map((memberId) =>
    h.record(
      h.shard.syncGroup(
        {
          groupId,
          generationId,
          memberId,
          groupInstanceId: null,
          protocolType: null,
          protocolName: null,
          assignments:
            memberId === group.leaderId
              ? memberIds.map((id) => ({
                  memberId: id,
                  assignment: Buffer.from(`a-${id}-${generationId}`),
                }))
              : [],
        },
        h.ctx(),
      ),
    ),
  );
  await Promise.all(syncs);
}

type Op =
  | { kind: 'join'; group: number }
  | { kind: 'leave'; group: number; member: number }
  | { kind: 'expire'; group: number }
  | {
      kind: 'commit';
      group: number;
      topic: number;
      partition: number;
      offset: number;
      metadata: string | null;
    }
  | { kind: 'offsetDelete'; group: number; topic: number; partition: number }
  | { kind: 'delete'; group: number }
  | { kind: 'static'; group: number; instance: number; metadata: number }
  | { kind: 'retention'; group: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('join' as const), group: fc.nat(2) }),
  fc.record({ kind: fc.constant('leave' as const), group: fc.nat(2), member: fc.nat(5) }),
  fc.record({ kind: fc.constant('expire' as const), group: fc.nat(2) }),
  fc.record({
    kind: fc.constant('commit' as const),
    group: fc.nat(3),
    topic: fc.nat(2),
    partition: fc.nat(3),
    offset: fc.nat(1000),
    metadata: fc.option(fc.string({ maxLength: 8 })),
  }),
  fc.record({
    kind: fc.constant('offsetDelete' as const),
    group: fc.nat(3),
    topic: fc.nat(2),
    partition: fc.nat(3),
  }),
  fc.record({ kind: fc.constant('delete' as const), group: fc.nat(3) }),
  // A static member joins, or a restarted one replaces its previous incarnation.
  fc.record({
    kind: fc.constant('static' as const),
    group: fc.nat(2),
    instance: fc.nat(1),
    metadata: fc.nat(1),
  }),
  // More than offsets.retention.minutes passes: sessions end, then offsets and groups expire.
  fc.record({ kind: fc.constant('retention' as const), group: fc.constant(0) }),
);

async function apply(h: Harness, o: Op): Promise<void> {
  const groupId = `g${o.group}`;
  const group = h.shard.groups.get(groupId) as ClassicGroup | undefined;
  switch (o.kind) {
    case 'join': {
      const first = await h.record(h.shard.joinGroup(joinRequest(groupId), h.ctx()));
      void h.record(
        h.shard.joinGroup(joinRequest(groupId, first.memberId, `meta-${first.memberId}`), h.ctx()),
      );
      break;
    }
    case 'leave': {
      const member = [...(group?.members.keys() ?? [])][o.member];
      if (member === undefined) return;
      h.record(
        h.shard.leaveGroup(
          {
            groupId,
            memberId: '',
            members: [{ memberId: member, groupInstanceId: null, reason: null }],
          },
          h.ctx(5),
        ),
      );
      break;
    }
    case 'expire':
      h.clock.now += 60_000;
      h.record(h.shard.tick(h.clock.now));
      h.record(h.shard.tick(h.clock.now));
      break;
    case 'commit': {
      // Members commit with their generation; groups without members commit as simple groups.
      const member = group?.members.values().next().value;
      h.record(
        h.shard.offsetCommit(
          {
            groupId,
            generationIdOrMemberEpoch: member === undefined ? -1 : group!.generationId,
            memberId: member?.memberId ?? '',
            groupInstanceId: null,
            retentionTimeMs: -1n,
            topics: [
              {
                name: `t${o.topic}`,
                partitions: [
                  {
                    partitionIndex: o.partition,
                    committedOffset: BigInt(o.offset),
                    committedLeaderEpoch: -1,
                    commitTimestamp: -1n,
                    committedMetadata: o.metadata,
                  },
                ],
              },
            ],
          },
          h.ctx(8),
        ),
      );
      break;
    }
    case 'offsetDelete':
      h.record(
        h.shard.offsetDelete(
          {
            groupId,
            topics: [{ name: `t${o.topic}`, partitions: [{ partitionIndex: o.partition }] }],
          },
          h.ctx(),
        ),
      );
      break;
    case 'static':
      void h.record(
        h.shard.joinGroup(
          joinRequest(groupId, '', `static-${o.metadata}`, { groupInstanceId: `i${o.instance}` }),
          h.ctx(),
        ),
      );
      h.record(h.shard.tick(h.clock.now));
      break;
    case 'retention':
      h.clock.now += 8 * 24 * 60 * 60_000;
      h.record(h.shard.tick(h.clock.now));
      break;
    case 'delete':
      h.record(h.shard.deleteGroups({ groupsNames: [groupId] }, h.ctx()));
      break;
  }
  for (const g of [...h.shard.groups.keys()]) await settle(h, g);
}

test('state rebuilt from the emitted records equals the live state', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 30, size: 'max' }), async (ops) => {
      const h = harness();
      for (const o of ops) {
        await apply(h, o);
        for (const g of h.shard.groups.values())
          assert.ok(g.state === 'Stable' || g.state === 'Empty', g.state);
        assert.deepEqual(replayed(h.log).snapshot(), h.shard.snapshot());
      }
    }),
    { numRuns: 150 },
  );
});

test('records use Kafka key versions: 1 for offsets, 2 for group metadata', async () => {
  const h = harness();
  await apply(h, { kind: 'join', group: 0 });
  await apply(h, { kind: 'commit', group: 0, topic: 0, partition: 0, offset: 5, metadata: 'm' });
  // The group JoinGroup created (persisted empty), the Stable group, the offset.
  assert.deepEqual(
    h.log.map((r) => r.key.readInt16BE(0)),
    [2, 2, 1],
  );
  const decoded = h.log.map((r) => decodeRecord(r.key, r.value));
  assert.equal(decoded[0]!.type, 'group-metadata');
  assert.equal(decoded[1]!.type, 'group-metadata');
  const commit = decoded[2];
  assert.equal(commit?.type === 'offset-commit' ? commit.value?.metadata : undefined, 'm');
});
