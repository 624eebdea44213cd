// Drivers for the classic-protocol tests: a shard with any config on a fake clock, groups brought
// to Stable with static or dynamic members, and request builders for sync, heartbeat and commits.
import assert from 'node:assert/strict';
import { ErrorCodes as E } from '../../src/errors/generated/error-codes.js';
import { Writer } from '../../src/protocol/primitives/index.js';
import {
  GroupCoordinatorShard,
  type CoordinatorRecord,
  type GroupCoordinatorConfig,
  type RequestContext,
} from '../../src/coordinator/group/index.js';
import type { JoinGroupResponse } from '../../src/protocol/generated/api/join-group.js';
import type { SyncGroupResponse } from '../../src/protocol/generated/api/sync-group.js';
import type { OffsetCommitRequest } from '../../src/protocol/generated/api/offset-commit.js';
import { joinRequest } from './helpers.js';

export interface Driver {
  shard: GroupCoordinatorShard;
  clock: { now: number };
  log: CoordinatorRecord[];
  ctx: (apiVersion?: number, clientId?: string) => RequestContext;
  record: <T>(result: { response: T; records: CoordinatorRecord[] }) => T;
  /** Advances the clock and fires what is due. */
  advance: (ms: number) => void;
}

export const START = 1_000_000;

export function driver(config: Partial<GroupCoordinatorConfig> = {}): Driver {
  const clock = { now: START };
  let n = 0;
  const shard = new GroupCoordinatorShard({
    clock: () => clock.now,
    newId: () => `id${++n}`,
    config: { groupInitialRebalanceDelayMs: 0, ...config },
  });
  const log: CoordinatorRecord[] = [];
  const record = <T>(result: { response: T; records: CoordinatorRecord[] }): T => {
    log.push(...result.records);
    return result.response;
  };
  return {
    shard,
    clock,
    log,
    ctx: (apiVersion = 9, clientId = 'client') => ({
      apiVersion,
      clientId,
      clientHost: '/127.0.0.1',
    }),
    record,
    advance: (ms) => {
      clock.now += ms;
      record(shard.tick(clock.now));
    },
  };
}

export interface MemberSpec {
  instanceId?: string;
  metadata?: string | Buffer;
  rebalanceTimeoutMs?: number;
}

export interface StableGroup {
  /** Member ids in the order of `specs`. */
  ids: string[];
  generation: number;
  leader: string;
}

/** Joins the members (static ones directly, dynamic ones via MEMBER_ID_REQUIRED) and syncs. */
export async function stable(
  d: Driver,
  groupId: string,
  specs: MemberSpec[],
): Promise<StableGroup> {
  const joins: Promise<JoinGroupResponse>[] = [];
  for (const spec of specs) {
    const overrides = {
      groupInstanceId: spec.instanceId ?? null,
      rebalanceTimeoutMs: spec.rebalanceTimeoutMs ?? 30_000,
      protocols: [{ name: 'range', metadata: toBuffer(spec.metadata ?? 'sub') }],
    };
    let memberId = '';
    if (spec.instanceId === undefined) {
      const first = await d.record(
        d.shard.joinGroup(joinRequest(groupId, '', 'sub', overrides), d.ctx()),
      );
      assert.equal(first.errorCode, E.MEMBER_ID_REQUIRED.code);
      memberId = first.memberId;
    }
    joins.push(
      d.record(d.shard.joinGroup(joinRequest(groupId, memberId, 'sub', overrides), d.ctx())),
    );
  }
  d.advance(0);
  const joined = await Promise.all(joins);
  for (const j of joined) assert.equal(j.errorCode, 0);
  const generation = joined[0]!.generationId;
  const leader = joined[0]!.leader;
  const ids = joined.map((j) => j.memberId);
  const syncs = ids.map((memberId) =>
    d.record(
      d.shard.syncGroup(
        syncRequest(groupId, memberId, generation, {
          assignments:
            memberId === leader
              ? ids.map((id) => ({ memberId: id, assignment: Buffer.from(`assign-${id}`) }))
              : [],
        }),
        d.ctx(),
      ),
    ),
  );
  for (const s of await Promise.all(syncs)) assert.equal(s.errorCode, 0);
  return { ids, generation, leader };
}

export function toBuffer(metadata: string | Buffer): Buffer {
  return typeof metadata === 'string' ? Buffer.from(metadata) : metadata;
}

export function syncRequest(
  groupId: string,
  memberId: string,
  generationId: number,
  overrides: Partial<Parameters<GroupCoordinatorShard['syncGroup']>[0]> = {},
): Parameters<GroupCoordinatorShard['syncGroup']>[0] {
  return {
    groupId,
    generationId,
    memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [],
    ...overrides,
  };
}

export function sync(
  d: Driver,
  groupId: string,
  memberId: string,
  generationId: number,
  overrides: Partial<Parameters<GroupCoordinatorShard['syncGroup']>[0]> = {},
): Promise<SyncGroupResponse> {
  return d.record(
    d.shard.syncGroup(syncRequest(groupId, memberId, generationId, overrides), d.ctx()),
  );
}

export function heartbeat(
  d: Driver,
  groupId: string,
  memberId: string,
  generationId: number,
  groupInstanceId: string | null = null,
): number {
  return d.shard.heartbeat({ groupId, generationId, memberId, groupInstanceId }, d.ctx()).response
    .errorCode;
}

/** An OffsetCommit of one partition. */
export function commitRequest(
  groupId: string,
  generationIdOrMemberEpoch: number,
  memberId: string,
  overrides: Partial<OffsetCommitRequest> = {},
  partition: { topic?: string; index?: number; offset?: bigint; commitTimestamp?: bigint } = {},
): OffsetCommitRequest {
  return {
    groupId,
    generationIdOrMemberEpoch,
    memberId,
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [
      {
        name: partition.topic ?? 't',
        partitions: [
          {
            partitionIndex: partition.index ?? 0,
            committedOffset: partition.offset ?? 42n,
            committedLeaderEpoch: -1,
            commitTimestamp: partition.commitTimestamp ?? -1n,
            committedMetadata: null,
          },
        ],
      },
    ],
    ...overrides,
  };
}

/** The error code of a one-partition commit. */
export function commit(d: Driver, req: OffsetCommitRequest, apiVersion = 8): number {
  const res = d.record(d.shard.offsetCommit(req, d.ctx(apiVersion)));
  return res.topics[0]!.partitions[0]!.errorCode;
}

/** A ConsumerProtocolSubscription v0 naming `topics`, parseable by the coordinator. */
export function subscription(...topics: string[]): Buffer {
  const w = new Writer(64);
  w.writeInt16(0);
  w.writeArrayCount(topics.length);
  for (const t of topics) w.writeString(t);
  w.writeNullableBytes(null);
  return w.toBuffer();
}
